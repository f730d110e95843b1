import assert from 'node:assert/strict';
import { BASE, codes, expectProblem, parse, textAt, yaml } from './helpers';

describe('manifest structure', () => {
  it('accepts a complete, valid manifest without problems', () => {
    const text = yaml`
      service: shop
      provider: { name: aws, region: eu-west-1, profile: default, endpoint: 'http://127.0.0.1:4010', role: 'arn:aws:iam::123456789012:role/x' }
      stage: dev
      stages:
        prod: { provider: { region: eu-west-1 }, defaults: { memory: 1024 }, functions: { hello: { memory: 2048 } } }
      defaults: { runtime: nodejs22.x, memory: 256, timeout: 10, architecture: arm64, environment: { LOG_LEVEL: info }, tags: { team: web }, package: { exclude: ['**/*.test.js'] } }
      functions:
        hello:
          handler: src/hello.handler
          runtime: nodejs22.x
          description: Says hello
          memory: 256
          timeout: 10
          architecture: x86_64
          environment: { GREETING: hi, RETRIES: 3, VERBOSE: true }
          ephemeralStorage: 512
          role: arn:aws:iam::123456789012:role/hello
          tags: { team: web }
          build: { command: npm run build, cwd: ., output: dist }
          package: { include: ['**/*.js'], exclude: [] }
          events:
            - http: { method: GET, path: /hello, auth: NONE, cors: true }
            - http: POST /hello
            - schedule: rate(5 minutes)
            - schedule: { expression: 'cron(0 12 * * ? *)', enabled: false, input: { a: 1 } }
        worker:
          handler: app/main.handler
          runtime: python3.13
          build: npm run build
          x-owner: payments
    `;
    const doc = parse(text);
    assert.deepEqual(doc.problems, []);
    assert.ok(doc.manifest);
  });

  it('reports an unknown key on the key itself, with a did-you-mean fix', () => {
    const text = BASE + '    memroy: 512\n';
    const p = expectProblem(text, parse(text).problems, 'unknown-key', 'memroy', 6);
    assert.equal(p.severity, 'error');
    assert.match(p.message, /Did you mean 'memory'\?/);
    assert.deepEqual(p.path, ['functions', 'hello', 'memroy']);
    assert.equal(p.fixes?.[0].edits?.[0].newText, 'memory');
    assert.deepEqual(p.fixes?.[0].edits?.[0].range, p.range);
  });

  it('lists the allowed keys when nothing is close', () => {
    const text = yaml`
      service: shop
      functions: {}
      zzzzzzzzzz: 1
    `;
    const p = expectProblem(text, parse(text).problems, 'unknown-key', 'zzzzzzzzzz', 2);
    assert.equal(p.fixes, undefined);
    assert.match(
      p.message,
      /Expected one of: service, provider, stage, stages, defaults, functions/,
    );
  });

  it('accepts x- extension keys anywhere a map of settings is', () => {
    const text =
      BASE.replace('functions:', 'x-anchors: { a: 1 }\nfunctions:') + '    x-team: web\n';
    assert.deepEqual(parse(text).problems, []);
  });

  it('reports wrong types on the value', () => {
    const text = BASE + '    memory: lots\n    timeout: 2.5\n    environment: [A]\n';
    const problems = parse(text).problems;
    assert.deepEqual(codes(problems), ['wrong-type', 'wrong-type', 'wrong-type']);
    const byPath = Object.fromEntries(problems.map((p) => [p.path.join('.'), p]));
    assert.match(byPath['functions.hello.memory'].message, /should be a whole number, not text/);
    assert.match(byPath['functions.hello.timeout'].message, /whole number, not a number/);
    assert.match(byPath['functions.hello.environment'].message, /a map/);
  });

  it('reports an empty value on its key', () => {
    const text = BASE + '    memory:\n';
    expectProblem(text, parse(text).problems, 'missing-value', 'memory', 6);
  });

  it('reports missing required keys on the owner', () => {
    const text = yaml`
      service: shop
      functions:
        hello:
          runtime: nodejs22.x
    `;
    const p = expectProblem(text, parse(text).problems, 'missing-required', 'hello', 2);
    assert.deepEqual(p.path, ['functions', 'hello', 'handler']);
    const top = parse('provider: { name: local }\n').problems;
    assert.deepEqual(codes(top), ['missing-required', 'missing-required']);
  });

  it('checks enums with a did-you-mean fix on the value', () => {
    const text = BASE + '    architecture: arm\n';
    const p = expectProblem(text, parse(text).problems, 'invalid-value', 'arm', 6);
    assert.equal(p.fixes?.[0].edits?.[0].newText, 'arm64');
  });

  for (const [key, low, high, min, max] of [
    ['memory', 127, 10241, 128, 10240],
    ['timeout', 0, 901, 1, 900],
    ['ephemeralStorage', 511, 10241, 512, 10240],
  ] as const) {
    it(`enforces Lambda's ${key} range ${min}-${max}`, () => {
      for (const ok of [min, max])
        assert.deepEqual(parse(BASE + `    ${key}: ${ok}\n`).problems, [], `${key}: ${ok}`);
      for (const bad of [low, high]) {
        const text = BASE + `    ${key}: ${bad}\n`;
        const p = expectProblem(text, parse(text).problems, 'out-of-range', String(bad), 6);
        assert.match(p.message, new RegExp(`${min} to ${max}`));
        assert.equal(p.fixes?.[0].edits?.[0].newText, String(bad < min ? min : max));
      }
    });
  }

  it('limits the handler to 128 characters', () => {
    const ok = 'a'.repeat(120) + '.handler';
    assert.equal(ok.length, 128);
    assert.deepEqual(codes(parse(BASE.replace('src/hello.handler', ok)).problems), []);
    const long = 'a'.repeat(121) + '.handler';
    const text = BASE.replace('src/hello.handler', long);
    expectProblem(text, parse(text).problems, 'value-too-long', long, 5);
  });

  it('checks patterns: service name, role ARN, region, endpoint', () => {
    const text = yaml`
      service: 1shop
      provider: { region: moon, endpoint: ftp://x, role: 'arn:aws:iam::12:role/x' }
      functions: {}
    `;
    const problems = parse(text).problems;
    assert.deepEqual(codes(problems), [
      'invalid-format',
      'invalid-format',
      'invalid-format',
      'invalid-format',
    ]);
    expectProblem(
      text,
      problems.filter((p) => p.path[0] === 'service'),
      'invalid-format',
      '1shop',
      0,
    );
  });

  it('reports duplicate keys at the repeated key', () => {
    const text = BASE + '    handler: src/other.handler\n';
    const p = expectProblem(text, parse(text).problems, 'duplicate-key', 'handler', 6);
    assert.match(p.message, /Duplicate key 'handler'/);
  });

  it('finds duplicate keys at every level, telling 1 from "1"', () => {
    const text =
      'service: s\nfunctions:\n  a: { handler: a.b, runtime: nodejs22.x, tags: { 1: x, "1": y } }\n  a: { handler: a.c, runtime: nodejs22.x, environment: { AB: x, AB: y } }\n';
    const problems = parse(text).problems;
    assert.deepEqual(
      problems.map((p) => [p.code, p.path.join('.'), textAt(text, p.range)]),
      [
        ['duplicate-key', 'functions.a', 'a'],
        ['duplicate-key', 'functions.a.environment.AB', 'AB'],
      ],
    );
    assert.equal(parse(text).manifest, undefined);
  });

  it('reports YAML syntax errors with their position and keeps going', () => {
    const text = 'service: shop\nfunctions:\n  hello: [unclosed\n';
    const doc = parse(text);
    assert.ok(doc.problems.some((p) => p.code === 'yaml-syntax' && p.range.start.line >= 2));
    assert.equal(doc.manifest, undefined);
  });

  it('caps the syntax errors of a file that is not YAML at all', () => {
    let binary = '';
    for (let i = 0; i < 4000; i++)
      binary += String.fromCharCode((i * 7919) % 256) + (i % 40 === 0 ? '\n: [{' : '');
    const problems = parse(binary).problems.filter((p) => p.code === 'yaml-syntax');
    assert.equal(problems.length, 51);
    assert.match(problems[50].message, /^\d+ more YAML syntax errors follow/);
  });

  it('reports an empty manifest and a manifest that is not a map', () => {
    assert.deepEqual(codes(parse('').problems), ['manifest-empty']);
    assert.deepEqual(codes(parse('# only a comment\n').problems), ['manifest-empty']);
    assert.deepEqual(codes(parse('- a\n- b\n').problems), ['wrong-type']);
  });

  it('survives a map that merges itself and an alias bomb', () => {
    assert.doesNotThrow(() => parse('service: a\nfunctions: &x\n  <<: *x\n'));
    let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 12; i++)
      bomb += `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`;
    const doc = parse(bomb + 'service: s\nfunctions: {}\n');
    assert.ok(doc.problems.every((p) => p.code === 'unknown-key'));
  });

  it('requires each event to hold exactly one trigger', () => {
    const text =
      BASE +
      '    events:\n      - { http: GET /a, schedule: rate(1 day) }\n      - {}\n      - htp: GET /a\n';
    const problems = parse(text).problems;
    assert.deepEqual(codes(problems), ['missing-value', 'too-many-keys', 'unknown-key']);
    expectProblem(text, problems, 'unknown-key', 'htp', 9);
  });

  it('follows YAML anchors and merge keys', () => {
    const text = yaml`
      service: shop
      x-common: &common
        runtime: nodejs22.x
        memory: 99999
      functions:
        a:
          <<: *common
          handler: src/a.handler
        b:
          <<: *common
          handler: src/b.handler
          memory: 512
    `;
    const doc = parse(text);
    assert.deepEqual(
      doc.manifest?.functions.map((f) => [f.key, f.runtime, f.memory]),
      [
        ['a', 'nodejs22.x', 99999],
        ['b', 'nodejs22.x', 512],
      ],
    );
    // Reported for the function that inherits it, at the text where it is written.
    const p = expectProblem(text, doc.problems, 'out-of-range', '99999', 3);
    assert.deepEqual(p.path, ['functions', 'a', 'memory']);
  });
});
