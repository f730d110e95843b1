// The incremental parse must be indistinguishable from a full parse: same problems, same
// manifest, same locations, over a long run of seeded random edits.
import assert from 'node:assert/strict';
import {
  ManifestParseCache,
  parseManifest,
  type ManifestDocument,
} from '../../../src/core/manifest';
import { NOW } from './helpers';

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

function functionText(i: number): string {
  const variants = [
    `  f${i}:\n    handler: src/f${i}.handler\n    memory: ${i % 7 === 0 ? 99999 : 256}\n    environment:\n      GREETING: hi\n    events:\n      - http: GET /f${i}\n      - schedule: rate(5 minutes)\n`,
    `  f${i}: { handler: app/m${i}.handler, runtime: python3.13, timeout: ${i % 5 === 0 ? 0 : 30} }\n`,
    `  # function ${i}\n  f${i}:\n    handler: src/f${i}.handler\n    runtime: nodejs18.x\n    description: "quoted: text"\n\n`,
    `  f${i}:\n    handler: src/f${i}.handler\n    build:\n      command: npm run build\n    description: |\n      Literal block\n        with indentation\n    memroy: 12\n`,
  ];
  return variants[i % variants.length];
}

function manifest(n: number): string {
  let s =
    'service: shop\nprovider: { name: local }\nstages:\n  prod: { defaults: { memory: 1024 }, functions: { f1: { memory: 2048 } } }\n';
  s += 'defaults:\n  runtime: nodejs22.x\nfunctions:\n';
  for (let i = 0; i < n; i++) s += functionText(i);
  s += '# trailing comment\nstage: dev\n';
  return s;
}

function same(
  a: ManifestDocument,
  b: ManifestDocument,
  text: string,
  rnd: () => number,
  context: string,
): void {
  assert.deepEqual(a.problems, b.problems, `${context}: problems`);
  assert.deepEqual(a.manifest, b.manifest, `${context}: manifest`);
  assert.deepEqual(a.document.toJS(), b.document.toJS(), `${context}: document`);
  assert.deepEqual(a.lineCounter.lineStarts, b.lineCounter.lineStarts, `${context}: lines`);
  for (let k = 0; k < 5; k++) {
    const offset = Math.floor(rnd() * text.length);
    assert.deepEqual(a.pathAt(offset), b.pathAt(offset), `${context}: pathAt(${offset})`);
  }
  const keys = b.manifest?.functions.map((f) => f.key) ?? [];
  for (let k = 0; k < 5 && keys.length > 0; k++) {
    const key = keys[Math.floor(rnd() * keys.length)];
    for (const p of [
      ['functions', key],
      ['functions', key, 'handler'],
      ['defaults', 'runtime'],
      ['stage'],
    ]) {
      assert.deepEqual(
        a.rangeOf(p, 'key'),
        b.rangeOf(p, 'key'),
        `${context}: rangeOf(${p.join('.')})`,
      );
      assert.deepEqual(a.rangeOf(p), b.rangeOf(p), `${context}: rangeOf(${p.join('.')})`);
    }
  }
}

const EDITS = [
  'x',
  ' ',
  '\n',
  '1',
  ': ',
  '- ',
  '#',
  'memory: 512\n    ',
  '  g: { handler: a.b }\n',
  '"',
  '{',
  '&a ',
  '\t',
];

describe('incremental manifest parsing', function () {
  this.timeout(120_000);

  it('takes the incremental path for a large manifest and matches a full parse', () => {
    const text = manifest(400);
    const cache = new ManifestParseCache();
    const fast = parseManifest(text, { file: '/p/flourish.yaml', now: NOW, cache });
    assert.equal(cache.lastParse, 'incremental');
    const full = parseManifest(text, { file: '/p/flourish.yaml', now: NOW });
    assert.ok(full.problems.length > 100, 'the fixture has problems to compare');
    same(fast, full, text, prng(1), 'initial');
    // And again from the warm cache, with nothing changed.
    same(
      parseManifest(text, { file: '/p/flourish.yaml', now: NOW, cache }),
      full,
      text,
      prng(2),
      'warm',
    );
  });

  it('matches a full parse over hundreds of random edits', () => {
    const rnd = prng(0x1c_7e);
    const cache = new ManifestParseCache();
    cache.minChars = 2_000;
    let text = manifest(40);
    let lastClean = text;
    let incremental = 0;
    const steps = 250;
    for (let step = 0; step < steps; step++) {
      const at = Math.floor(rnd() * text.length);
      const r = rnd();
      if (r < 0.45)
        text = text.slice(0, at) + EDITS[Math.floor(rnd() * EDITS.length)] + text.slice(at);
      else if (r < 0.8) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 6));
      else {
        // Retype a function wholesale, as a paste would.
        const i = Math.floor(rnd() * 40);
        text = text.replace(
          new RegExp(`  f${i}:[^\\n]*\\n`),
          functionText(i + 1).replace(`f${i + 1}`, `f${i}`),
        );
      }
      if (text.length < 2_000) text = manifest(40);
      const fast = parseManifest(text, { file: '/p/flourish.yaml', now: NOW, cache });
      if (cache.lastParse === 'incremental') incremental++;
      const full = parseManifest(text, { file: '/p/flourish.yaml', now: NOW });
      same(
        fast,
        full,
        text,
        rnd,
        `step ${step}: ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 40))}`,
      );
      // Like typing: a broken state is usually repaired before the next change.
      if (!full.problems.some((p) => p.code === 'yaml-syntax' || p.code === 'duplicate-key'))
        lastClean = text;
      else if (rnd() < 0.8) text = lastClean;
    }
    // Most edits keep the text cuttable; the fast path must really be exercised.
    assert.ok(incremental > steps / 4, `only ${incremental} of ${steps} parses were incremental`);
  });

  it('keeps functions that share one map through an alias apart', () => {
    const text =
      'service: s\nfunctions:\n  f1: &same\n    handler: src/a.handler\n    runtime: nodejs22.x\n    memory: 1\n  f2: *same\n';
    const cache = new ManifestParseCache();
    const doc = parseManifest(text, { file: '/p/flourish.yaml', now: NOW, cache });
    assert.deepEqual(
      doc.problems,
      parseManifest(text, { file: '/p/flourish.yaml', now: NOW }).problems,
    );
    assert.deepEqual(
      doc.problems.map((p) => p.path.join('.')),
      ['functions.f1.memory', 'functions.f2.memory'],
    );
    const again = parseManifest(text, { file: '/p/flourish.yaml', now: NOW, cache });
    assert.deepEqual(
      again.manifest?.functions.map((f) => f.name),
      ['s-dev-f1', 's-dev-f2'],
    );
  });

  it('falls back to a full parse where a cut could change the meaning', () => {
    const cache = new ManifestParseCache();
    cache.minChars = 0;
    const base = manifest(10);
    for (const unsafe of [
      base.replace('defaults:', 'defaults: &d'),
      base.replace('  f1:', '  f1: !!map'),
      base.replace('  f1: { ', '  f1: {\n  '),
      base.replace('functions:\n', 'functions:\n- a\n'),
      base + 'functions: {}\n',
      base.replace('  f0:', '  f0:\n  f0:'),
      '%YAML 1.2\n---\n' + base,
    ]) {
      const fast = parseManifest(unsafe, { file: '/p/flourish.yaml', now: NOW, cache });
      assert.equal(cache.lastParse, 'full', JSON.stringify(unsafe.slice(0, 200)));
      same(
        fast,
        parseManifest(unsafe, { file: '/p/flourish.yaml', now: NOW }),
        unsafe,
        prng(3),
        'unsafe',
      );
    }
  });
});
