import assert from 'node:assert/strict';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  LIMITS,
  RUNTIMES,
  describeKey,
  findRuntime,
  manifestSchema,
  schemaAt,
} from '../../../src/core/manifest';
import type { Schema } from '../../../src/core/manifest/schema';
import { NOW, parse } from './helpers';

describe('manifest schema and documentation', () => {
  it('is the file the extension ships', () => {
    const file = path.join(__dirname, '../../../src/core/manifest/flourish.schema.json');
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), manifestSchema);
  });

  it('is valid draft-07 JSON Schema that a standard validator agrees with', () => {
    const ajv = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true });
    ajv.addKeyword('patternErrorMessage');
    ajv.addKeyword('x-flourish-semantic');
    const validate = ajv.compile(manifestSchema);
    const fn =
      'service: s\nfunctions:\n  f:\n    handler: src/a.handler\n    runtime: nodejs22.x\n';
    const cases: [string, boolean][] = [
      [fn, true],
      [
        fn +
          '    memory: 10240\n    events:\n      - http: GET /a\n      - schedule: { expression: rate(1 day) }\n',
        true,
      ],
      [fn + '    memory: 10241\n', false],
      [fn + '    memroy: 1\n', false],
      [fn + '    architecture: arm\n', false],
      [fn + '    environment: [A]\n', false],
      [fn + '    events:\n      - { http: GET /a, schedule: rate(1 day) }\n', false],
      [fn + '    build: { cwd: x }\n', false],
      ['service: 1s\nfunctions: {}\n', false],
      ['functions: {}\n', false],
    ];
    for (const [text, valid] of cases) {
      assert.equal(validate(parseYaml(text)), valid, `ajv on ${JSON.stringify(text)}`);
      const structural = parse(text).problems.filter(
        (p) => !p.code.startsWith('handler') && !p.code.startsWith('runtime'),
      );
      assert.equal(structural.length === 0, valid, `Flourish on ${JSON.stringify(text)}`);
    }
  });

  it("repeats Lambda's limits exactly", () => {
    for (const where of [['functions', 'f'], ['defaults'], ['stages', 'prod', 'functions', 'f']]) {
      for (const key of ['memory', 'timeout', 'ephemeralStorage'] as const) {
        const s = schemaAt([...where, key])!;
        assert.deepEqual(
          [s.minimum, s.maximum],
          [LIMITS[key].min, LIMITS[key].max],
          `${where.join('.')}.${key}`,
        );
      }
    }
    assert.equal(schemaAt(['functions', 'f', 'handler'])!.maxLength, LIMITS.handler);
  });

  it('documents every property it declares', () => {
    const missing: string[] = [];
    const seen = new Set<Schema>();
    const visit = (s: Schema, where: string) => {
      if (seen.has(s)) return;
      seen.add(s);
      for (const [k, sub] of Object.entries(s.properties ?? {})) {
        if (!sub.description && !sub.$ref) missing.push(`${where}.${k}`);
        visit(sub, `${where}.${k}`);
      }
      for (const alt of [...(s.oneOf ?? []), ...(s.anyOf ?? [])]) visit(alt, where);
      if (s.items) visit(s.items, `${where}[]`);
      if (typeof s.additionalProperties === 'object') visit(s.additionalProperties, `${where}.*`);
    };
    const root = manifestSchema as Schema;
    visit(root, '');
    for (const [name, def] of Object.entries(root.definitions ?? {})) visit(def, `#${name}`);
    assert.deepEqual(missing, []);
  });

  it('describes keys for hover, with limits and values', () => {
    const memory = describeKey(['functions', 'hello', 'memory'])!;
    assert.equal(memory.title, 'memory');
    assert.match(memory.description, /Memory in MB/);
    assert.equal(memory.limits, '128 to 10240');
    assert.deepEqual(describeKey(['functions', 'hello', 'architecture'])!.values, [
      'x86_64',
      'arm64',
    ]);
    const runtime = describeKey(['defaults', 'runtime'], NOW)!;
    assert.ok(runtime.values!.includes('nodejs24.x'));
    assert.ok(!runtime.values!.includes('nodejs18.x'));
    assert.match(
      describeKey(['functions', 'f', 'events', 0, 'http', 'method'])!.description,
      /HTTP method/,
    );
    assert.match(
      describeKey(['functions', 'f', 'events', 0, 'schedule'])!.description,
      /rate\(5 minutes\)/,
    );
    assert.equal(describeKey(['functions', 'f', 'nonsense']), undefined);
  });

  it('knows each runtime family and points retired runtimes at a current successor', () => {
    for (const r of RUNTIMES) {
      if (!r.successor) continue;
      const next = findRuntime(r.successor);
      assert.ok(next, `${r.id} -> ${r.successor}`);
      assert.equal(next.successor, undefined, `${r.successor} is itself current`);
    }
    assert.equal(findRuntime('nodejs22.x')?.family, 'nodejs');
    assert.equal(findRuntime('provided.al2023')?.family, 'provided');
    assert.equal(findRuntime('nodejs99.x'), undefined);
  });
});
