import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { cli } from './runCliHelper';

const MANIFEST = `service: shop
provider:
  name: local
stage: dev
functions:
  hello:
    handler: src/hello.handler
    runtime: nodejs22.x
`;

describe('flourish CLI', () => {
  let project: string;
  beforeEach(async () => {
    project = await mkdtemp(path.join(tmpdir(), 'flourish-cli-'));
    await mkdir(path.join(project, 'src'));
    await writeFile(path.join(project, 'flourish.yaml'), MANIFEST);
    await writeFile(
      path.join(project, 'src', 'hello.js'),
      'exports.handler = async () => ({ ok: true });\n',
    );
  });
  afterEach(() => rm(project, { recursive: true, force: true }));

  it('prints help and exits 2 without a command', async () => {
    const run = await cli([], project);
    assert.equal(run.code, 2);
    assert.match(run.stdout, /usage: flourish <command>/);
    assert.match(run.stdout, /validate/);
  });

  it('refuses an unknown command and an unknown option with exit 2', async () => {
    assert.equal((await cli(['depoly'], project)).code, 2);
    const run = await cli(['validate', '--stgae', 'x'], project);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /stgae/);
  });

  it('validates the nearest manifest from a subfolder', async () => {
    const run = await cli(['validate'], path.join(project, 'src'));
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /valid \(1 function, stage dev\)/);
  });

  it('reports problems with their place and exits 1', async () => {
    await writeFile(
      path.join(project, 'flourish.yaml'),
      MANIFEST.replace('nodejs22.x', 'nodejs22.y').concat('    memroy: 256\n'),
    );
    const run = await cli(['validate'], project);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /flourish\.yaml:8:14: error/);
    assert.match(run.stdout, /memroy/);
  });

  it('gives JSON for CI with --json', async () => {
    const run = await cli(['validate', '--json'], project);
    const result = JSON.parse(run.stdout) as { valid: boolean; problems: unknown[] };
    assert.equal(result.valid, true);
    assert.deepEqual(result.problems, []);
  });

  it('says what to do when there is no manifest', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'flourish-empty-'));
    try {
      const run = await cli(['validate'], empty);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /No flourish\.yaml in .* or any folder above it/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('packages a function deterministically and reuses an unchanged package', async () => {
    const first = JSON.parse((await cli(['package', '--json'], project)).stdout) as {
      packages: { function: string; sha256: string; reused: boolean }[];
    };
    const second = JSON.parse((await cli(['package', '--json'], project)).stdout) as typeof first;
    assert.equal(first.packages[0].function, 'hello');
    assert.equal(first.packages[0].reused, false);
    assert.equal(second.packages[0].sha256, first.packages[0].sha256);
    assert.equal(second.packages[0].reused, true);
  });

  it('names the known functions when asked for an unknown one', async () => {
    const run = await cli(['package', 'bye'], project);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /No function "bye" .* Its functions are: hello/);
  });
});
