// Handlers that throw, exit, hang, exhaust memory, flood their output or return too much: each
// gets Lambda's error document and log lines, and the next invocation succeeds.
import assert from 'node:assert/strict';
import type {
  ExecutionConfig,
  ExecutionEngine,
  InvocationOutcome,
} from '../../src/core/local/execution';
import {
  codeDir,
  config,
  EngineHarness,
  isAlive,
  waitUntilGone,
  json,
  RecordingSink,
  removeTempDirs,
  request,
} from './execution-support';

const FAULTY = `
const { spawn } = require('node:child_process');
exports.handler = async (event, context) => {
  switch (event.fault) {
    case 'throw': throw new RangeError('out of range');
    case 'exit': process.exit(3);
    case 'uncaught': setImmediate(() => { throw new Error('escaped'); }); return new Promise(() => {});
    case 'hang': {
      // A child in the same process group must die with the environment.
      const child = spawn('sleep', ['600'], { stdio: 'ignore' });
      console.log('child', child.pid);
      return new Promise(() => {});
    }
    case 'spin': for (;;) {}
    case 'memory': {
      const hog = [];
      for (;;) { hog.push(Buffer.alloc(8 * 1024 * 1024, 1)); await new Promise((r) => setImmediate(r)); }
    }
    case 'flood': {
      const line = 'x'.repeat(1000);
      for (;;) console.log(line);
    }
    case 'big': return 'y'.repeat(7 * 1024 * 1024);
    case 'tmp': require('node:fs').writeFileSync(require('node:path').join(require('node:os').tmpdir(), 'fill'), Buffer.alloc(3 * 1024 * 1024, 1)); return 'wrote';
    case 'tmp-folder': {
      const dir = require('node:path').join(require('node:os').tmpdir(), 'a', 'b');
      require('node:fs').mkdirSync(dir, { recursive: true });
      require('node:fs').writeFileSync(require('node:path').join(dir, 'fill'), Buffer.alloc(2 * 1024 * 1024, 1));
      return 'wrote';
    }
    default: return { ok: process.pid };
  }
};`;

function errorDoc(outcome: InvocationOutcome): { errorType: string; errorMessage: string } {
  return json(outcome) as { errorType: string; errorMessage: string };
}

function reportOf(outcome: InvocationOutcome): string {
  return outcome.log.slice(0, -1).split('\n').at(-1)!;
}

describe('execution engine: faults', function () {
  this.timeout(30_000);
  const harness = new EngineHarness();
  let engine: ExecutionEngine;
  let sink: RecordingSink;
  let cfg: ExecutionConfig;

  beforeEach(() => {
    sink = new RecordingSink();
    engine = harness.make({ logSink: sink, maxLogBytesPerInvocation: 64 * 1024 });
    cfg = config({
      codeDir: codeDir({ 'index.js': FAULTY }),
      timeoutSec: 1,
      memorySizeMB: 128,
      ephemeralStorageMB: 1,
    });
  });
  afterEach(() => harness.cleanUp());
  after(removeTempDirs);

  async function nextCallWorks(): Promise<number> {
    const outcome = await engine.invoke(cfg, request({}));
    assert.equal(outcome.functionError, undefined, outcome.payload.toString());
    return (json(outcome) as { ok: number }).ok;
  }

  it('a throw is the function error, in the same environment', async () => {
    const pid = await nextCallWorks();
    const outcome = await engine.invoke(cfg, request({ fault: 'throw' }));
    assert.equal(outcome.functionError, 'Unhandled');
    assert.equal(errorDoc(outcome).errorType, 'RangeError');
    assert.equal(await nextCallWorks(), pid);
  });

  it('process.exit gives Runtime.ExitError with the exit status', async () => {
    const pid = await nextCallWorks();
    const req = request({ fault: 'exit' });
    const outcome = await engine.invoke(cfg, req);
    assert.equal(outcome.functionError, 'Unhandled');
    assert.deepEqual(errorDoc(outcome), {
      errorType: 'Runtime.ExitError',
      errorMessage: `RequestId: ${req.requestId} Error: Runtime exited with error: exit status 3`,
    });
    assert.match(
      outcome.log,
      new RegExp(
        `\\nRequestId: ${req.requestId} Error: Runtime exited with error: exit status 3\\nRuntime\\.ExitError\\nEND `,
      ),
    );
    assert.match(reportOf(outcome), /\tStatus: error\tError Type: Runtime\.ExitError\t$/);
    assert.equal(isAlive(pid), false);
    assert.notEqual(await nextCallWorks(), pid);
  });

  it('an uncaught exception outside the handler is reported, and a fresh environment follows', async () => {
    const pid = await nextCallWorks();
    const outcome = await engine.invoke(cfg, request({ fault: 'uncaught' }));
    assert.equal(outcome.functionError, 'Unhandled');
    assert.equal(errorDoc(outcome).errorMessage, 'escaped');
    assert.notEqual(await nextCallWorks(), pid);
  });

  it('a worker that exits right after its init gives Runtime.ExitError, not a timeout', async () => {
    const quitter = config({
      codeDir: codeDir({
        'index.js': 'setImmediate(() => process.exit(5));\nexports.handler = async () => 1;',
      }),
      timeoutSec: 30,
    });
    const outcome = await engine.invoke(quitter, request());
    assert.equal(outcome.functionError, 'Unhandled');
    assert.equal(errorDoc(outcome).errorType, 'Runtime.ExitError');
    await nextCallWorks();
  });

  it('a hang times out with Sandbox.Timedout, and the whole process group is killed', async () => {
    const req = request({ fault: 'hang' });
    const outcome = await engine.invoke(cfg, req);
    assert.deepEqual(errorDoc(outcome), {
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${req.requestId} Error: Task timed out after 1.00 seconds`,
    });
    assert.doesNotMatch(outcome.log, /Task timed out/, 'said by REPORT, as Lambda does now');
    assert.match(
      reportOf(outcome),
      /\tDuration: 1000\.00 ms\tBilled Duration: \d+ ms\t.*\tStatus: timeout\t$/,
    );
    // A cold start: the init phase is billed with the timed-out invocation.
    assert.equal(outcome.report.billedDurationMs, Math.ceil(1000 + outcome.report.initDurationMs!));
    const childPid = Number(/\tchild (\d+)/.exec(outcome.log)![1]);
    await waitUntilGone(childPid); // the handler's child dies with its environment
    await nextCallWorks();
  });

  it('a busy loop is stopped by the timeout too', async () => {
    const outcome = await engine.invoke(cfg, request({ fault: 'spin' }));
    assert.equal(errorDoc(outcome).errorType, 'Sandbox.Timedout');
    await nextCallWorks();
  });

  it('memory over the configured size is Runtime.OutOfMemory, with Max Memory Used at the limit', async () => {
    const req = request({ fault: 'memory' });
    const cold = { ...cfg, timeoutSec: 20 };
    const outcome = await engine.invoke(cold, req);
    assert.deepEqual(errorDoc(outcome), {
      errorType: 'Runtime.OutOfMemory',
      errorMessage: `RequestId: ${req.requestId} Error: Runtime exited with error: signal: killed`,
    });
    assert.match(
      outcome.log,
      /Error: Runtime exited with error: signal: killed\nRuntime\.OutOfMemory\nEND /,
    );
    assert.match(
      reportOf(outcome),
      /Max Memory Used: 128 MB\t.*Status: error\tError Type: Runtime\.OutOfMemory\t$/,
    );
    assert.equal(outcome.report.maxMemoryUsedMB, 128);
    const next = await engine.invoke(cold, request({}));
    assert.equal(next.functionError, undefined);
    assert.ok(next.report.maxMemoryUsedMB < 128, 'a fresh environment measures its own memory');
  });

  it('endless output is bounded per request, the engine stays responsive, the timeout ends it', async () => {
    {
      const flood = engine.invoke(cfg, request({ fault: 'flood' }));
      // While the flood runs, another function is served normally.
      const other = config({
        codeDir: codeDir({ 'index.js': 'exports.handler = async () => "still here";' }),
        functionName: 'bystander',
      });
      const bystander = await engine.invoke(other, request());
      assert.equal(json(bystander), 'still here');
      const outcome = await flood;
      assert.equal(errorDoc(outcome).errorType, 'Sandbox.Timedout');
      assert.ok(outcome.log.length < 80 * 1024, `kept ${outcome.log.length} bytes of log`);
      assert.match(outcome.log, /\[flourish\] \d+ bytes of output were dropped/);
      assert.match(reportOf(outcome), /Status: timeout/);
      const streamed = sink.messages(outcome.logStreamName).join('\n').length;
      assert.ok(streamed < 80 * 1024, `sent ${streamed} bytes to the sink`);
    }
    await nextCallWorks();
  });

  it('a response over 6 MB is Function.ResponseSizeTooLarge', async () => {
    const outcome = await engine.invoke(cfg, request({ fault: 'big' }));
    assert.equal(outcome.functionError, 'Unhandled');
    assert.equal(errorDoc(outcome).errorType, 'Function.ResponseSizeTooLarge');
    assert.match(errorDoc(outcome).errorMessage, /maximum allowed payload size \(6291556 bytes\)/);
    await nextCallWorks();
  });

  it('/tmp over the ephemeral storage size stops the environment after the invocation', async () => {
    const stopped = new Promise<string>((resolve) =>
      engine.on('environmentStopped', (e) => resolve(e.reason)),
    );
    const outcome = await engine.invoke(cfg, request({ fault: 'tmp' }));
    assert.equal(json(outcome), 'wrote');
    assert.equal(await stopped, 'ephemeral-storage');
    assert.ok(
      sink
        .messages(outcome.logStreamName)
        .some((m) => /\/tmp holds 3 MB, over the function's ephemeral storage of 1 MB/.test(m)),
    );
    const next = await engine.invoke(cfg, request({}));
    assert.equal(next.coldStart, true);
  });

  it('/tmp usage counts files in nested folders too', async () => {
    const stopped = new Promise<string>((resolve) =>
      engine.on('environmentStopped', (e) => resolve(e.reason)),
    );
    assert.equal(json(await engine.invoke(cfg, request({ fault: 'tmp-folder' }))), 'wrote');
    assert.equal(await stopped, 'ephemeral-storage');
  });

  it('Python: a hang times out and an exit is Runtime.ExitError; the next call works', async () => {
    const py = config({
      codeDir: codeDir({
        'app.py':
          'import os, sys, time\n\ndef handler(event, context):\n    if event.get("fault") == "hang":\n        time.sleep(600)\n    if event.get("fault") == "exit":\n        sys.exit(2)\n    return {"ok": os.getpid()}\n',
      }),
      handler: 'app.handler',
      runtime: 'python3.12',
      timeoutSec: 1,
    });
    const hung = await engine.invoke(py, request({ fault: 'hang' }));
    assert.equal(errorDoc(hung).errorType, 'Sandbox.Timedout');
    const exited = await engine.invoke(py, request({ fault: 'exit' }));
    assert.equal(errorDoc(exited).errorType, 'Runtime.ExitError');
    assert.match(errorDoc(exited).errorMessage, /exit status 2$/);
    const ok = await engine.invoke(py, request({}));
    assert.equal(ok.functionError, undefined, ok.payload.toString());
  });
});
