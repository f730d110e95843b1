// Thousands of mutated and random manifests through parseManifest and checkManifest: nothing
// may throw, every problem must be well-formed, and every run must finish. Seeded, so a
// failure reproduces exactly; the seed and input are in the assertion message.
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import {
  MAX_MANIFEST_CHARS,
  checkManifest,
  parseManifest,
  type ManifestFs,
  type Problem,
} from '../../../src/core/manifest';
import { NOW } from './helpers';

/** mulberry32: small, fast, and good enough to pick mutations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS = [
  `service: shop
provider: { name: aws, region: eu-west-1, endpoint: 'http://127.0.0.1:4010' }
stage: dev
stages:
  prod: { provider: { region: eu-west-1 }, defaults: { memory: 1024 }, functions: { hello: { memory: 2048 } } }
defaults: &d { runtime: nodejs22.x, memory: 256, timeout: 10, environment: { A_B: x } }
functions:
  hello:
    handler: src/hello.handler
    environment: { GREETING: hi }
    build: { command: npm run build, output: dist }
    events:
      - http: GET /hello
      - schedule: { expression: 'cron(0 12 * * ? *)', enabled: true, input: { a: [1, 2] } }
  worker:
    <<: *d
    handler: app/main.handler
    runtime: python3.13
    events: [ { schedule: rate(5 minutes) } ]
`,
  `service: s\nfunctions:\n  f:\n    handler: index.handler\n    runtime: nodejs18.x\n    memory: 99999\n    memroy: 1\n`,
  `service: "quoted"\nfunctions: { a: { handler: "a.b", runtime: 'java21', tags: { t: 1 } } }\n`,
  `service: s\nfunctions:\n  f:\n    handler: |\n      multi\n      line\n    description: >\n      folded\n`,
];

const TOKENS = [
  ':',
  ': ',
  '-',
  '- ',
  '{',
  '}',
  '[',
  ']',
  ',',
  '&a',
  '*a',
  '<<: *a',
  '"',
  "'",
  '|',
  '>',
  '#',
  '\t',
  '\n',
  '\n  ',
  '    ',
  '!!str ',
  '!tag ',
  '%YAML 1.2\n',
  '---\n',
  '...\n',
  '?',
  '@',
  '`',
  '\u0000',
  '\uFEFF',
  '\uD800',
  'é',
  '😀',
  'null',
  '~',
  '0x1F',
  '1e999',
  '-.inf',
  'functions:',
  'handler:',
  'events:',
  'http: GET /x',
  'schedule: cron(',
  'runtime: python3.9',
  '*',
  'AWS_REGION: x',
];

function mutate(text: string, rnd: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  let out = text;
  const steps = 1 + Math.floor(rnd() * 4);
  for (let s = 0; s < steps; s++) {
    const at = Math.floor(rnd() * (out.length + 1));
    switch (Math.floor(rnd() * 7)) {
      case 0:
        out = out.slice(0, at) + pick(TOKENS) + out.slice(at);
        break;
      case 1:
        out = out.slice(0, at) + out.slice(at + 1 + Math.floor(rnd() * 20));
        break;
      case 2:
        out = out.slice(0, at);
        break;
      case 3: {
        const lines = out.split('\n');
        const i = Math.floor(rnd() * lines.length);
        lines.splice(i, 0, lines[Math.floor(rnd() * lines.length)]);
        out = lines.join('\n');
        break;
      }
      case 4: {
        const lines = out.split('\n');
        const i = Math.floor(rnd() * lines.length);
        lines[i] = ' '.repeat(Math.floor(rnd() * 8)) + lines[i].trimStart();
        out = lines.join('\n');
        break;
      }
      case 5:
        out = out.slice(0, at) + String.fromCharCode(Math.floor(rnd() * 0x3000)) + out.slice(at);
        break;
      default:
        out = out.slice(0, at) + out.slice(Math.floor(rnd() * out.length));
    }
  }
  return out;
}

function randomText(rnd: () => number): string {
  const n = Math.floor(rnd() * 400);
  let s = '';
  const binary = rnd() < 0.3;
  for (let i = 0; i < n; i++) {
    s += binary
      ? String.fromCharCode(Math.floor(rnd() * 256))
      : rnd() < 0.3
        ? TOKENS[Math.floor(rnd() * TOKENS.length)]
        : String.fromCharCode(32 + Math.floor(rnd() * 95));
  }
  return s;
}

const KEYS = [
  'service',
  'provider',
  'stage',
  'stages',
  'defaults',
  'functions',
  'handler',
  'runtime',
  'memory',
  'timeout',
  'architecture',
  'environment',
  'ephemeralStorage',
  'role',
  'tags',
  'build',
  'package',
  'events',
  'http',
  'schedule',
  'method',
  'path',
  'expression',
  'include',
  'exclude',
  'name',
  'region',
  'x-a',
  'hello',
  'prod',
];

/** A random tree using the manifest's own keys, so the checks deeper down are reached. */
function randomValue(rnd: () => number, depth: number): unknown {
  const r = rnd();
  if (depth > 4 || r < 0.35) {
    const scalars = [
      0,
      -1,
      128,
      10241,
      3.5,
      true,
      null,
      '',
      'GET /a',
      'rate(1 day)',
      'cron(0 12 * * ? *)',
      'nodejs22.x',
      'python3.9',
      'src/a.handler',
      'x'.repeat(70),
      'AWS_REGION',
    ];
    return scalars[Math.floor(rnd() * scalars.length)];
  }
  if (r < 0.5)
    return Array.from({ length: Math.floor(rnd() * 4) }, () => randomValue(rnd, depth + 1));
  const obj: Record<string, unknown> = {};
  const n = Math.floor(rnd() * 6);
  for (let i = 0; i < n; i++)
    obj[KEYS[Math.floor(rnd() * KEYS.length)]] = randomValue(rnd, depth + 1);
  return obj;
}

function assertWellFormed(problems: Problem[], text: string, context: string): void {
  const lines = text.split(/\r\n|\r|\n/).length;
  for (const p of problems) {
    assert.notEqual(p.code, 'internal-error', `${context}: ${p.message}`);
    assert.ok(p.code && p.message && p.severity, context);
    const { start, end } = p.range;
    assert.ok(
      start.line >= 0 && start.character >= 0 && start.line < lines + 1,
      `${context}: ${JSON.stringify(p)}`,
    );
    assert.ok(
      end.line > start.line || (end.line === start.line && end.character >= start.character),
      `${context}: ${JSON.stringify(p)}`,
    );
    assert.ok(Array.isArray(p.path), context);
  }
}

const memoryFs: ManifestFs = {
  readFile: async (p) => (p.endsWith('src/hello.js') ? 'export const handler = 1;' : undefined),
  readDir: async () => [],
};

function runOne(text: string, rnd: () => number, context: string): void {
  const doc = parseManifest(text, { file: '/fuzz/flourish.yaml', now: NOW });
  assert.ok(Array.isArray(doc.problems), context);
  assertWellFormed(doc.problems, text, context);
  if (doc.manifest) assert.ok(Array.isArray(doc.manifest.functions), context);
  for (const p of doc.problems.slice(0, 5)) doc.rangeOf(p.path, rnd() < 0.5 ? 'key' : 'value');
  for (let i = 0; i < 3; i++) doc.pathAt(Math.floor(rnd() * (text.length + 2)) - 1);
}

describe('manifest fuzzing', function () {
  this.timeout(120_000);

  it('survives thousands of mutated manifests', () => {
    const rnd = prng(0xf10_12);
    for (let i = 0; i < 3000; i++) {
      const text = mutate(SEEDS[i % SEEDS.length], rnd);
      runOne(text, rnd, `mutation #${i}: ${JSON.stringify(text)}`);
    }
  });

  it('survives random text and bytes', () => {
    const rnd = prng(0xb1_7e5);
    for (let i = 0; i < 1500; i++) {
      const text = randomText(rnd);
      runOne(text, rnd, `random #${i}: ${JSON.stringify(text)}`);
    }
  });

  it('survives random trees built from the manifest keys', () => {
    const rnd = prng(0x7_2ee);
    for (let i = 0; i < 1500; i++) {
      const tree = {
        service: 'svc',
        functions: { hello: randomValue(rnd, 1), other: randomValue(rnd, 1) },
        ...(randomValue(rnd, 0) as object),
      };
      const text = stringify(tree);
      runOne(text, rnd, `tree #${i}: ${JSON.stringify(text)}`);
    }
  });

  it('checks files for mutated manifests without a rejection', async () => {
    const rnd = prng(0xc4_ec);
    for (let i = 0; i < 500; i++) {
      const text = mutate(SEEDS[i % SEEDS.length], rnd);
      const result = await checkManifest(text, {
        file: '/fuzz/flourish.yaml',
        fs: memoryFs,
        now: NOW,
      });
      assertWellFormed(result.problems, text, `check #${i}: ${JSON.stringify(text)}`);
    }
  });

  it('refuses a 5 MB manifest quickly instead of parsing it', () => {
    const line = '  f: { handler: a.b, runtime: nodejs22.x }\n';
    const text = 'service: s\nfunctions:\n' + line.repeat(Math.ceil(5_000_000 / line.length));
    assert.ok(text.length > MAX_MANIFEST_CHARS);
    const doc = parseManifest(text, { file: '/fuzz/flourish.yaml' });
    assert.deepEqual(
      doc.problems.map((p) => p.code),
      ['manifest-too-large'],
    );
    assert.equal(doc.manifest, undefined);
  });

  it('handles deep nesting and very long lines', () => {
    const deep = 'service: s\nfunctions:\n  f: ' + '['.repeat(5000) + ']'.repeat(5000) + '\n';
    runOne(deep, prng(1), 'deep flow nesting');
    const block =
      'service: s\nfunctions:\n' +
      Array.from({ length: 300 }, (_, i) => ' '.repeat(i + 2) + `k${i}:`).join('\n') +
      '\n';
    runOne(block, prng(2), 'deep block nesting');
    runOne('service: ' + 'x'.repeat(1_000_000) + '\nfunctions: {}\n', prng(3), 'long line');
  });
});
