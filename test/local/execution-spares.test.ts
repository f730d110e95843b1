// Spare runtime processes: a cold start is handed a process that is already running, which
// must then be exactly what a worker spawned for the function would be (environment, folder,
// module paths, memory measured), and the pool must refill, replace a spare that dies, and stop
// every spare by its pid.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { ExecutionConfig, ExecutionEngine, SpareEvent } from '../../src/core/local/execution';
import { killProcessGroup } from '../../src/core/local/execution/process-group';
import { SparePool } from '../../src/core/local/execution/spare-pool';
import {
  findRuntimesDir,
  spareLaunch,
  type RuntimeFamily,
} from '../../src/core/local/execution/worker-launch';
import {
  codeDir,
  config,
  EngineHarness,
  isAlive,
  json,
  RecordingSink,
  removeTempDirs,
  request,
  waitUntilGone,
} from './execution-support';

/** Values that differ between any two environments, whatever started them. */
const PER_ENVIRONMENT = [
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_LAMBDA_RUNTIME_API',
  'TMPDIR',
  '_X_AMZN_TRACE_ID',
];

interface Seen {
  env: Record<string, string>;
  cwd: string;
  paths: string[];
  pid: number;
}

/** Resolves with the next `count` spares the engine starts. */
function sparesStarted(engine: ExecutionEngine, count: number): Promise<number[]> {
  const pids: number[] = [];
  return new Promise((resolve) => {
    const on = (e: SpareEvent): void => {
      pids.push(e.pid);
      if (pids.length < count) return;
      engine.off('spareStarted', on);
      resolve(pids);
    };
    engine.on('spareStarted', on);
  });
}

function comparable(seen: Seen): Seen {
  const env = { ...seen.env };
  for (const name of PER_ENVIRONMENT) {
    assert.ok(name in env, `${name} is set`);
    env[name] = '<per environment>';
  }
  return { ...seen, env, pid: 0 };
}

const NODE_PROBE = `exports.handler = async () => ({
  env: { ...process.env },
  cwd: process.cwd(),
  paths: require('module')._nodeModulePaths(process.cwd()).concat(require('module').globalPaths),
  pid: process.pid,
  tz: new Date(0).getTimezoneOffset(),
  loaded: Object.keys(require.cache),
});`;

const PYTHON_PROBE = `import os, sys, time
def handler(event, context):
    return {"env": dict(os.environ), "cwd": os.getcwd(), "paths": sys.path, "pid": os.getpid(),
            "tz": time.strftime("%Z", time.localtime(0)), "bytecode": sys.dont_write_bytecode}
`;

describe('execution engine: spare processes', function () {
  const harness = new EngineHarness();
  afterEach(() => harness.cleanUp());
  after(removeTempDirs);

  const node = (name: string, dir: string, extra: Partial<ExecutionConfig> = {}) =>
    config({ codeDir: dir, functionName: name, environment: { STAGE: 'dev' }, ...extra });
  const python = (name: string, dir: string) =>
    config({
      codeDir: dir,
      functionName: name,
      handler: 'app.handler',
      runtime: 'python3.12',
      environment: { STAGE: 'dev' },
    });

  it('hands a cold start a spare, then refills the pool', async () => {
    const engine = harness.make({ logSink: new RecordingSink(), spareProcesses: 1 });
    const dir = codeDir({ 'index.js': NODE_PROBE });
    const filled = sparesStarted(engine, 1);
    const started: boolean[] = [];
    engine.on('environmentStarted', (e) => started.push(e.fromSpare));
    const first = await engine.invoke(node('first', dir), request());
    assert.equal(first.coldStart, true);
    const [spare] = await filled;

    const refilled = sparesStarted(engine, 1);
    const second = await engine.invoke(node('second', dir), request());
    assert.equal(second.coldStart, true);
    assert.equal((json(second) as Seen).pid, spare, 'the spare runs the function');
    assert.match(second.log, /Init Duration: \d+\.\d{2} ms/);
    assert.ok(second.report.maxMemoryUsedMB > 5, 'memory is measured in the spare too');
    assert.deepEqual(started, [false, true]);
    const [replacement] = await refilled;
    assert.notEqual(replacement, spare);
    // One more if the spare had not finished starting when taken (a burst): at most twice.
    assert.ok(engine.sparePids().includes(replacement!));
    assert.ok(engine.sparePids().length <= 2);
  });

  it('gives a Node.js function exactly the environment, folder and paths of a fresh worker', async () => {
    const dir = codeDir({ 'index.js': NODE_PROBE });
    const fresh = harness.make({ logSink: new RecordingSink(), spareProcesses: 0 });
    const pooled = harness.make({ logSink: new RecordingSink(), spareProcesses: 1 });
    const expected = json(await fresh.invoke(node('fresh', dir), request())) as Seen;
    const ready = sparesStarted(pooled, 1);
    await pooled.invoke(node('warming', dir), request());
    const [spare] = await ready;
    const seen = json(await pooled.invoke(node('fresh', dir), request())) as Seen;
    assert.equal(seen.pid, spare);
    assert.equal(seen.env.FLOURISH_SPARE, undefined);
    assert.deepEqual(comparable(seen), comparable(expected));
    assert.deepEqual(Object.keys(seen.env).sort(), Object.keys(expected.env).sort());
  });

  it('gives a Python function exactly the environment, folder and paths of a fresh worker', async () => {
    const dir = codeDir({ 'app.py': PYTHON_PROBE });
    const fresh = harness.make({ logSink: new RecordingSink(), spareProcesses: 0 });
    const pooled = harness.make({ logSink: new RecordingSink(), spareProcesses: 1 });
    const expected = json(await fresh.invoke(python('fresh', dir), request())) as Seen;
    const ready = sparesStarted(pooled, 1);
    await pooled.invoke(python('warming', dir), request());
    const [spare] = await ready;
    const outcome = await pooled.invoke(python('fresh', dir), request());
    const seen = json(outcome) as Seen;
    assert.equal(seen.pid, spare);
    assert.equal(seen.env.FLOURISH_SPARE, undefined);
    assert.deepEqual(comparable(seen), comparable(expected));
    assert.match(outcome.log, /Init Duration: /);
  });

  it('starts a function whose variables are read at start-up in a process of its own', async () => {
    const engine = harness.make({ logSink: new RecordingSink(), spareProcesses: 1 });
    const dir = codeDir({
      'index.js': `exports.handler = async () => ({ pid: process.pid, flags: process.execArgv });`,
      'preload.js': 'globalThis.preloaded = true;',
    });
    const ready = sparesStarted(engine, 1);
    await engine.invoke(node('plain', dir), request());
    const [spare] = await ready;
    const started = once(engine, 'environmentStarted');
    const outcome = await engine.invoke(
      node('options', dir, { environment: { NODE_OPTIONS: '--no-warnings' } }),
      request(),
    );
    assert.equal((await started)[0].fromSpare, false);
    assert.notEqual((json(outcome) as { pid: number }).pid, spare);
    assert.deepEqual(engine.sparePids(), [spare], 'the spare still waits');
  });

  it('replaces a spare that dies', async () => {
    const engine = harness.make({ logSink: new RecordingSink(), spareProcesses: 1 });
    const ready = sparesStarted(engine, 1);
    await engine.invoke(node('a', codeDir({ 'index.js': NODE_PROBE })), request());
    const [spare] = await ready;
    const stopped = once(engine, 'spareStopped') as Promise<[SpareEvent]>;
    const replaced = sparesStarted(engine, 1);
    killProcessGroup(spare!);
    assert.equal((await stopped)[0].pid, spare);
    const [replacement] = await replaced;
    assert.notEqual(replacement, spare);
    assert.deepEqual(engine.sparePids(), [replacement]);
    const outcome = await engine.invoke(node('b', codeDir({ 'index.js': NODE_PROBE })), request());
    assert.equal((json(outcome) as Seen).pid, replacement);
  });

  it('stops every spare by its pid on shutdown', async () => {
    const engine = harness.make({ logSink: new RecordingSink(), spareProcesses: 2 });
    const ready = sparesStarted(engine, 4);
    await engine.invoke(node('n', codeDir({ 'index.js': NODE_PROBE })), request());
    await engine.invoke(python('p', codeDir({ 'app.py': PYTHON_PROBE })), request());
    const spares = await ready;
    assert.deepEqual([...engine.sparePids()].sort(), [...spares].sort());
    await engine.shutdown();
    for (const pid of spares) await waitUntilGone(pid);
    assert.deepEqual(engine.sparePids(), []);
    assert.ok(spares.every((pid) => !isAlive(pid)));
  });

  for (const family of ['node', 'python'] as RuntimeFamily[]) {
    it(`a ${family} spare whose engine went away (its pipe closed empty) exits by itself`, async () => {
      let spawned: () => void = () => undefined;
      const started = new Promise<void>((resolve) => (spawned = resolve));
      const pool = new SparePool({ perKey: 1, maxKeys: 1, onSpawned: () => spawned() });
      const cfg = family === 'node' ? node('x', codeDir({})) : python('x', codeDir({}));
      const launch = spareLaunch(family, cfg, {
        node: process.execPath,
        python: 'python3',
        runtimesDir: findRuntimesDir(),
      })!;
      try {
        assert.equal(pool.take(launch), undefined, 'nothing to take before the first fill');
        pool.refill(launch);
        await started;
        const spare = pool.take(launch)!;
        const exited = once(spare.child, 'exit');
        (spare.child.stdio[3] as Writable).end();
        assert.deepEqual(await exited, [0, null]);
      } finally {
        await pool.shutdown();
      }
    });
  }
});
