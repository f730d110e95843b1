// An init phase past Lambda's 10 s limit (here shortened) is not the end: as on Lambda, it gets
// the first invocation's timeout to finish, and only then times out.
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import type { InvocationOutcome } from '../../src/core/local/execution';
import {
  codeDir,
  config,
  EngineHarness,
  Gate,
  json,
  RecordingSink,
  removeTempDirs,
  request,
} from './execution-support';

const INIT_LIMIT_MS = 100;

const errorDoc = (outcome: InvocationOutcome): { errorType: string; errorMessage: string } =>
  json(outcome) as { errorType: string; errorMessage: string };

describe('execution engine: a slow init', function () {
  this.timeout(20_000);
  const harness = new EngineHarness();
  const gate = new Gate();

  before(() => gate.open());
  afterEach(() => harness.cleanUp());
  after(async () => {
    await gate.close();
    removeTempDirs();
  });

  it('goes on past the init limit within the function timeout, then the invocation runs', async () => {
    const engine = harness.make({ logSink: new RecordingSink(), initLimitMs: INIT_LIMIT_MS });
    const cfg = config({
      codeDir: codeDir({
        'index.mjs': `await fetch(${JSON.stringify(gate.url)}).then((r) => r.text());
export const handler = async () => 'ran';`,
      }),
      handler: 'index.handler',
      timeoutSec: 5,
    });
    const running = engine.invoke(cfg, request());
    await gate.waitForHeld(1);
    // The environment's limit timer was set before the worker reached the gate.
    await delay(INIT_LIMIT_MS * 3);
    gate.release();
    const outcome = await running;
    assert.equal(outcome.functionError, undefined, outcome.payload.toString());
    assert.equal(json(outcome), 'ran');
    assert.match(
      outcome.log,
      new RegExp(
        `^INIT_REPORT Init Duration: ${INIT_LIMIT_MS}\\.00 ms\\tPhase: init\\tStatus: timeout$`,
        'm',
      ),
    );
    assert.ok(outcome.report.initDurationMs! >= INIT_LIMIT_MS * 3);
  });

  it('times out with the function timeout when the init never ends', async () => {
    const engine = harness.make({ logSink: new RecordingSink(), initLimitMs: INIT_LIMIT_MS });
    const cfg = config({
      codeDir: codeDir({ 'index.mjs': `await new Promise(() => setInterval(() => {}, 1000));` }),
      handler: 'index.handler',
      timeoutSec: 1,
    });
    const req = request();
    const started = performance.now();
    const outcome = await engine.invoke(cfg, req);
    assert.equal(outcome.functionError, 'Unhandled');
    assert.deepEqual(errorDoc(outcome), {
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${req.requestId} Error: Task timed out after 1.00 seconds`,
    });
    // The limit, then the whole timeout: not cut short at the init limit.
    assert.ok(performance.now() - started >= INIT_LIMIT_MS + 1000);
    const next = await engine.invoke(cfg, request());
    assert.equal(errorDoc(next).errorType, 'Sandbox.Timedout', 'each new environment tries again');
  });
});
