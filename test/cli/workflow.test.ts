// The CLI's whole loop against a local cloud, as a CI pipeline runs it: deploy, a no-op deploy,
// invoke with a payload, logs, versions, a change, rollback. Exit codes and JSON are checked.
import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startLocalCloud, type LocalCloud } from '../../src/core/local';
import { cli } from './runCliHelper';

const MANIFEST = `service: cli
provider:
  name: local
stage: dev
functions:
  echo:
    handler: src/echo.handler
    runtime: nodejs22.x
    memory: 128
`;

function handler(version: string): string {
  return `exports.handler = async (event) => {
  console.log('echo ${version}', JSON.stringify(event));
  if (event.fail) throw new Error('asked to fail');
  return { version: '${version}', got: event };
};
`;
}

interface InvokeJson {
  statusCode: number;
  functionError?: string;
  executedVersion: string;
  response: { version: string; got: unknown; errorMessage?: string };
  log: string;
}

describe('flourish CLI against the local cloud', function () {
  this.timeout(120_000);
  let project: string;
  let stateDir: string;
  let cloud: LocalCloud;
  const run = (...args: string[]) => cli([...args, '--state-dir', stateDir], project);

  before(async () => {
    project = await mkdtemp(path.join(tmpdir(), 'flourish-cli-project-'));
    stateDir = await mkdtemp(path.join(tmpdir(), 'flourish-cli-state-'));
    await mkdir(path.join(project, 'src'));
    await writeFile(path.join(project, 'flourish.yaml'), MANIFEST);
    await writeFile(path.join(project, 'src', 'echo.js'), handler('one'));
    cloud = await startLocalCloud({ stateDir, port: 0 });
  });

  after(async () => {
    await cloud?.stop();
    await rm(project, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  });

  it('deploys, publishing version 1 behind the stage alias', async () => {
    const result = await run('deploy', '--json');
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as {
      ok: boolean;
      functions: { status: string; version: string }[];
    };
    assert.equal(json.ok, true);
    assert.deepEqual(
      json.functions.map((f) => [f.status, f.version]),
      [['deployed', '1']],
    );
  });

  it('skips an unchanged function on the next deploy', async () => {
    const result = await run('deploy', '--json');
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as {
      functions: { status: string; uploadedBytes: number }[];
    };
    assert.equal(json.functions[0].status, 'unchanged');
    assert.equal(json.functions[0].uploadedBytes, 0);
  });

  it('invokes with inline JSON and returns the response and the whole log', async () => {
    const result = await run('invoke', 'echo', '--data', '{"name":"Ada"}', '--json');
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as InvokeJson;
    assert.equal(json.statusCode, 200);
    assert.equal(json.executedVersion, '1');
    assert.deepEqual(json.response, { version: 'one', got: { name: 'Ada' } });
    assert.match(json.log, /^START RequestId: /);
    assert.match(json.log, /echo one \{"name":"Ada"\}/);
    assert.match(json.log, /REPORT RequestId: .*Max Memory Used: \d+ MB/);
  });

  it('exits 1 on a function error and prints the error document', async () => {
    const result = await run('invoke', 'echo', '--data', '{"fail":true}');
    assert.equal(result.code, 1);
    assert.match(result.stdout, /asked to fail/);
    assert.match(result.stderr, /echo failed \(Unhandled\)/);
  });

  it('refuses a payload that is not JSON before sending anything', async () => {
    const result = await run('invoke', 'echo', '--data', '{"name":');
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--data is not valid JSON/);
  });

  it('shows the function logs', async () => {
    const result = await run('logs', 'echo', '--since', '10m', '--filter', 'Ada');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /echo one \{"name":"Ada"\}/);
    assert.doesNotMatch(result.stdout, /"fail":true/);
  });

  it('publishes version 2 for a code change, lists versions, and rolls back to 1', async () => {
    await writeFile(path.join(project, 'src', 'echo.js'), handler('two'));
    assert.equal((await run('deploy')).code, 0);
    const two = JSON.parse((await run('invoke', 'echo', '--json')).stdout) as InvokeJson;
    assert.equal(two.response.version, 'two');
    assert.equal(two.executedVersion, '2');

    const versions = await run('versions', 'echo');
    assert.equal(versions.code, 0, versions.stderr);
    assert.match(versions.stdout, /^2\s+.*\bdev$/m);
    assert.match(versions.stdout, /^1\s+/m);

    const back = await run('rollback', 'echo', '--json');
    assert.equal(back.code, 0, back.stderr);
    assert.deepEqual(JSON.parse(back.stdout), {
      functionName: 'cli-dev-echo',
      alias: 'dev',
      from: '2',
      to: '1',
    });
    const one = JSON.parse((await run('invoke', 'echo', '--json')).stdout) as InvokeJson;
    assert.equal(one.response.version, 'one');
    assert.equal(one.executedVersion, '1');
  });

  it('invokes a given version with --qualifier', async () => {
    const result = JSON.parse(
      (await run('invoke', 'echo', '--qualifier', '2', '--json')).stdout,
    ) as InvokeJson;
    assert.equal(result.response.version, 'two');
  });

  it('reports metrics from the logs: calls, errors, cold starts, memory and cost', async () => {
    const result = await run('metrics', '--since', '1h', '--json');
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as {
      functions: {
        key: string;
        metrics: {
          invocations: number;
          errors: number;
          coldStarts: number;
          maxMemoryUsedMB: number;
          memorySizeMB: number;
        };
      }[];
      totals: { invocations: number; cost: { requests: number; totalUsd: number } };
    };
    const echo = json.functions.find((f) => f.key === 'echo')!.metrics;
    // Invocations in this suite: Ada, fail, no-payload (v2), no-payload (v1 after rollback), qualifier 2.
    assert.equal(echo.invocations, 5);
    assert.equal(echo.errors, 1);
    assert.ok(echo.coldStarts >= 2, `cold starts: ${echo.coldStarts}`);
    assert.ok(echo.maxMemoryUsedMB > 0 && echo.maxMemoryUsedMB < echo.memorySizeMB);
    assert.equal(json.totals.cost.requests, 5);
    assert.ok(json.totals.cost.totalUsd > 0);
  });
});
