import { strict as assert } from 'node:assert';
import { readFile, realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { BuildError, runBuild, UnsafePathError } from '../../../src/core/build';
import { makeFunction, makeManifest, removeDir, tempDir, writeTree } from './helpers';

/** Whether a process is gone (or a zombie nobody has reaped yet, which no longer runs). */
async function isGone(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat === '' || / Z /.test(stat);
}

/** Resolves once `check` holds, re-checking as the event loop turns; the test timeout bounds it. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setImmediate(resolve));
}

describe('runBuild', () => {
  let root: string | undefined;
  beforeEach(async () => {
    root = await tempDir();
    await writeTree(root, { 'tools/.keep': '' });
  });
  afterEach(() => removeDir(root));

  const buildWith = (command: string, cwd = '.') => {
    const fn = makeFunction({ build: { command, cwd } });
    return { fn, manifest: makeManifest(root!, [fn]) };
  };

  it('streams output line by line from the build folder, stdout and stderr', async () => {
    const { fn, manifest } = buildWith(
      'echo one; echo two >&2; pwd; printf "no newline at the end"',
      'tools',
    );
    const lines: [string, string][] = [];
    const run = await runBuild(fn, manifest, {
      onOutput: (line, stream) => lines.push([line, stream]),
    });
    const cwd = await realpath(path.join(root!, 'tools'));
    assert.deepEqual(
      lines.filter(([, s]) => s === 'stdout').map(([l]) => l),
      ['one', cwd, 'no newline at the end'],
    );
    assert.deepEqual(
      lines.filter(([, s]) => s === 'stderr').map(([l]) => l),
      ['two'],
    );
    assert.equal(run.exitCode, 0);
    assert.match(run.log, /one\n[\s\S]*two\n/);
  });

  it('fails with the function, the command, the exit code and the last lines', async () => {
    const { fn, manifest } = buildWith('for i in $(seq 1 30); do echo line $i; done; exit 3');
    await assert.rejects(runBuild(fn, manifest), (err: unknown) => {
      assert.ok(err instanceof BuildError);
      assert.equal(err.details.exitCode, 3);
      assert.equal(err.details.functionKey, 'api');
      assert.equal(err.details.lastLines.at(-1), 'line 30');
      assert.ok(err.details.lastLines.length < 30, 'only the tail is kept');
      assert.match(err.message, /"api" failed with exit code 3/);
      assert.ok(err.message.includes(fn.build!.command));
      assert.match(err.message, /line 30/);
      return true;
    });
  });

  it('kills the whole process group when cancelled', async () => {
    const { fn, manifest } = buildWith('sleep 300 & echo child=$!; wait');
    const controller = new AbortController();
    let child = 0;
    const running = runBuild(fn, manifest, {
      signal: controller.signal,
      onOutput: (line) => {
        const m = /^child=(\d+)$/.exec(line);
        if (m) {
          child = Number(m[1]);
          controller.abort();
        }
      },
    });
    await assert.rejects(running, (err: unknown) => {
      assert.ok(err instanceof BuildError);
      assert.equal(err.details.cancelled, true);
      assert.match(err.message, /cancelled/);
      return true;
    });
    assert.ok(child > 0);
    try {
      await eventually(() => isGone(child));
    } finally {
      if (!(await isGone(child))) process.kill(child, 'SIGKILL');
    }
  });

  it('does not start when already cancelled, and refuses a cwd outside the project', async () => {
    const { fn, manifest } = buildWith('echo never');
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      runBuild(fn, manifest, { signal: controller.signal, onOutput: () => assert.fail('ran') }),
      (err: unknown) => err instanceof BuildError && err.details.cancelled === true,
    );
    const outside = buildWith('echo never', '../elsewhere');
    await assert.rejects(runBuild(outside.fn, outside.manifest), UnsafePathError);
  });

  it('reports a command the shell cannot find with its exit code', async () => {
    const { fn, manifest } = buildWith('definitely-not-a-command-flourish');
    await assert.rejects(
      runBuild(fn, manifest),
      (err: unknown) => err instanceof BuildError && err.details.exitCode === 127,
    );
  });
});
