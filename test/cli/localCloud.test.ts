// The local cloud as the CLI runs it: started in the background on demand, found again by the
// next command, stopped by `flourish local stop`. Every process is stopped by its pid.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ensureLocalCloud, findRunningLocalCloud } from '../../src/core/launch';
import { selfCommand } from '../../src/cli/localCloud';
import { cli } from './runCliHelper';

const ENTRY = path.resolve(__dirname, '../../src/cli/main.ts');

describe('local cloud from the CLI', function () {
  this.timeout(60_000);
  let stateDir: string;
  let started: number | undefined;

  before(async () => {
    stateDir = await mkdtemp(path.join(tmpdir(), 'flourish-state-'));
    process.env.FLOURISH_CLI_ENTRY = ENTRY;
  });

  after(async () => {
    delete process.env.FLOURISH_CLI_ENTRY;
    if (started) {
      try {
        process.kill(started, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await rm(stateDir, { recursive: true, force: true });
  });

  it('reports that none is running', async () => {
    const run = await cli(['local', 'status', '--state-dir', stateDir], stateDir);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /Not running/);
  });

  it('starts one in the background and finds the same one again', async () => {
    const command = selfCommand(['local', 'start', '--state-dir', stateDir, '--port', '0']);
    const first = await ensureLocalCloud({ stateDir, command, timeoutMs: 30_000 });
    started = first.pid;
    assert.notEqual(first.pid, process.pid);
    assert.match(first.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    const second = await ensureLocalCloud({ stateDir, command, timeoutMs: 30_000 });
    assert.equal(second.pid, first.pid);

    const status = await cli(['local', 'status', '--state-dir', stateDir, '--json'], stateDir);
    assert.equal(status.code, 0);
    assert.equal((JSON.parse(status.stdout) as { endpoint: string }).endpoint, first.endpoint);

    const refused = await cli(['local', 'start', '--state-dir', stateDir], stateDir);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /already runs/);
  });

  it('stops it by its pid', async () => {
    const run = await cli(['local', 'stop', '--state-dir', stateDir], stateDir);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(await findRunningLocalCloud(stateDir), undefined);
    started = undefined;
  });
});
