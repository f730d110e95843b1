// Waiting until Lambda has finished creating or updating a function. The acceptors are those
// of the SDK's FunctionActiveV2 and FunctionUpdatedV2 waiters; the loop is our own because
// those waiters treat every error as "try again" and would poll a lost connection for the
// whole wait (ten minutes). Here a call that fails after the SDK's own retries ends the wait.
import { setTimeout as sleep } from 'node:timers/promises';
import { CloudError } from '../errors';
import type { FunctionVersion } from '../provider';

export interface SettleOptions {
  signal?: AbortSignal;
  /** First pause between polls, in ms; doubles up to maxDelayMs. */
  minDelayMs: number;
  maxDelayMs: number;
  maxWaitMs: number;
  /** For messages. */
  functionName: string;
  label: string;
}

export async function waitUntilSettled(
  read: () => Promise<FunctionVersion>,
  options: SettleOptions,
): Promise<FunctionVersion> {
  const deadline = Date.now() + options.maxWaitMs;
  let pause = options.minDelayMs;
  for (;;) {
    const current = await read();
    const verdict = settled(current);
    if (verdict === 'ready') return current;
    if (verdict === 'failed') {
      const reason =
        current.state === 'Failed'
          ? current.stateReason
          : (current.lastUpdateStatusReason ?? current.stateReason);
      throw new CloudError(reason || 'the update failed without a reason', {
        code: 'FunctionNotReady',
        operation: 'Wait for function update',
        resource: `function ${options.functionName}`,
        hint: `${options.label} reports state ${current.state ?? 'unknown'} and last update ${current.lastUpdateStatus ?? 'unknown'}: fix the cause and deploy again`,
      });
    }
    if (Date.now() + pause > deadline) {
      throw new CloudError(
        `still ${current.state === 'Pending' ? 'Pending' : 'InProgress'} after ${Math.round(options.maxWaitMs / 1000)} s`,
        {
          code: 'TimeoutError',
          operation: 'Wait for function update',
          resource: `function ${options.functionName}`,
          hint: `Check the function on ${options.label} and deploy again once it is Active`,
          retryable: true,
        },
      );
    }
    await sleep(pause, undefined, { signal: options.signal });
    pause = Math.min(pause * 2, options.maxDelayMs);
  }
}

/** Active (or idle) with no update running is ready; a failed create or update is not. */
export function settled(v: FunctionVersion): 'ready' | 'failed' | 'waiting' {
  if (v.state === 'Failed' || v.lastUpdateStatus === 'Failed') return 'failed';
  if (v.state === 'Pending' || v.lastUpdateStatus === 'InProgress') return 'waiting';
  return 'ready';
}
