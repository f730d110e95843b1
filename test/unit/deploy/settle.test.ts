import * as assert from 'node:assert/strict';
import { CloudError, type FunctionVersion } from '../../../src/core/cloud';
import { settled, waitUntilSettled } from '../../../src/core/cloud/aws/settle';

const at = (over: Partial<FunctionVersion>): FunctionVersion => ({
  name: 'f',
  arn: 'arn:f',
  version: '$LATEST',
  configuration: {
    handler: 'h',
    runtime: 'nodejs22.x',
    memory: 128,
    timeout: 3,
    architecture: 'x86_64',
    environment: {},
    ephemeralStorage: 512,
    logFormat: 'Text',
    role: 'arn:r',
    description: '',
  },
  codeSha256: 'x',
  codeSize: 1,
  revisionId: 'r',
  lastModified: '',
  ...over,
});

const options = {
  minDelayMs: 1,
  maxDelayMs: 2,
  maxWaitMs: 5000,
  functionName: 'shop-dev-greet',
  label: 'the local cloud at http://127.0.0.1:1',
};

/** Answers each read with the next state of the script, repeating the last one. */
function script(...states: Partial<FunctionVersion>[]) {
  let reads = 0;
  const read = async () => at(states[Math.min(reads++, states.length - 1)]);
  return { read, reads: () => reads };
}

describe('waitUntilSettled', () => {
  it('classifies states as the Lambda waiters do', () => {
    assert.equal(settled(at({ state: 'Active', lastUpdateStatus: 'Successful' })), 'ready');
    assert.equal(settled(at({ state: 'Inactive' })), 'ready');
    assert.equal(settled(at({ state: 'Pending' })), 'waiting');
    assert.equal(settled(at({ state: 'Active', lastUpdateStatus: 'InProgress' })), 'waiting');
    assert.equal(settled(at({ state: 'Failed' })), 'failed');
    assert.equal(settled(at({ state: 'Active', lastUpdateStatus: 'Failed' })), 'failed');
  });

  it('polls until the create and the update have finished', async () => {
    const s = script(
      { state: 'Pending' },
      { state: 'Active', lastUpdateStatus: 'InProgress' },
      { state: 'Active', lastUpdateStatus: 'Successful', revisionId: 'done' },
    );
    const v = await waitUntilSettled(s.read, options);
    assert.equal(v.revisionId, 'done');
    assert.equal(s.reads(), 3);
  });

  it('says why an update failed, in the platform words', async () => {
    const s = script({
      state: 'Active',
      lastUpdateStatus: 'Failed',
      lastUpdateStatusReason: 'Unzipped size must be smaller than 262144000 bytes',
    });
    await assert.rejects(waitUntilSettled(s.read, options), (e: unknown) => {
      assert.ok(e instanceof CloudError);
      assert.equal(e.code, 'FunctionNotReady');
      assert.match(e.message, /Unzipped size must be smaller/);
      assert.match(e.message, /last update Failed: fix the cause and deploy again/);
      return true;
    });
  });

  it('gives up after the longest wait', async () => {
    const s = script({ state: 'Pending' });
    await assert.rejects(
      waitUntilSettled(s.read, { ...options, maxWaitMs: 20 }),
      (e: unknown) => e instanceof CloudError && e.code === 'TimeoutError',
    );
  });

  it('ends a read error at once instead of polling on', async () => {
    let reads = 0;
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    await assert.rejects(
      waitUntilSettled(async () => {
        reads++;
        throw refused;
      }, options),
      (e: unknown) => e === refused,
    );
    assert.equal(reads, 1);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    const s = script({ state: 'Pending' });
    const waiting = waitUntilSettled(s.read, {
      ...options,
      maxWaitMs: 60_000,
      minDelayMs: 10_000,
      maxDelayMs: 10_000,
      signal: controller.signal,
    });
    controller.abort();
    await assert.rejects(waiting, (e: unknown) => (e as Error).name === 'AbortError');
  });
});
