import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  ManifestError,
  formatProblem,
  loadManifest,
  type Problem,
} from '../../../src/core/manifest';

describe('loading a manifest for the CLI and deploy', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'flourish-load-'));
    await writeFile(path.join(root, 'index.mjs'), 'export const handler = async () => ({});\n');
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('returns the resolved manifest for the chosen stage', async () => {
    const file = path.join(root, 'flourish.yaml');
    await writeFile(
      file,
      'service: s\nstages: { prod: { defaults: { memory: 512 } } }\nfunctions:\n  f: { handler: index.handler, runtime: nodejs22.x }\n',
    );
    const dev = await loadManifest(file);
    assert.equal(dev.functions[0].name, 's-dev-f');
    assert.equal(dev.functions[0].memory, 128);
    const prod = await loadManifest(file, { stage: 'prod' });
    assert.equal(prod.functions[0].memory, 512);
    assert.equal(prod.root, root);
  });

  it('throws a ManifestError listing each error as file:line:column', async () => {
    const file = path.join(root, 'broken.yaml');
    await writeFile(
      file,
      'service: s\nfunctions:\n  f:\n    handler: index.handler\n    runtime: nodejs22.x\n    memroy: 512\n    timeout: 0\n',
    );
    const err = await loadManifest(file).then(
      () => assert.fail('expected a ManifestError'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ManifestError);
    assert.equal(err.file, file);
    assert.deepEqual(err.problems.map((p) => p.code).sort(), ['out-of-range', 'unknown-key']);
    assert.match(err.message, /has 2 errors/);
    assert.ok(
      err.message.includes(`${file}:6:5: error [unknown-key] Unknown key 'memroy'`),
      err.message,
    );
    assert.ok(err.message.includes(`${file}:7:14: error [out-of-range]`), err.message);
  });

  it('does not throw for warnings alone', async () => {
    const file = path.join(root, 'warn.yaml');
    await writeFile(
      file,
      'service: s\nfunctions:\n  f: { handler: index.handler, runtime: nodejs22.x, build: make }\n  g: { handler: gone.handler, runtime: nodejs22.x, build: make }\n',
    );
    const m = await loadManifest(file);
    assert.equal(m.functions.length, 2);
  });

  it('keeps the cause when the file cannot be read', async () => {
    const file = path.join(root, 'absent.yaml');
    const err = await loadManifest(file).then(
      () => assert.fail('expected a ManifestError'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ManifestError);
    assert.equal((err.cause as NodeJS.ErrnoException).code, 'ENOENT');
    assert.match(err.message, /Cannot read .*absent\.yaml.*Check the path/);
    assert.equal(err.problems[0].code, 'manifest-unreadable');
  });

  it('formats a problem with 1-based positions', () => {
    const p: Problem = {
      code: 'unknown-key',
      severity: 'error',
      message: "Unknown key 'x'.",
      range: { start: { line: 11, character: 4 }, end: { line: 11, character: 5 } },
      path: ['x'],
    };
    assert.equal(
      formatProblem('flourish.yaml', p),
      "flourish.yaml:12:5: error [unknown-key] Unknown key 'x'.",
    );
  });
});
