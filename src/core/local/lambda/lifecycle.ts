// Moves a function through Lambda's states: CreateFunction leaves it Pending until its code is
// unpacked (then Active); an update leaves LastUpdateStatus InProgress until it settles
// (Successful or Failed). The SDK waiters poll exactly these fields.
import { randomUUID } from 'node:crypto';
import { conflict } from '../http/errors';
import type { CodeStore } from '../store/code-store';
import type { StateStore } from '../store/state-store';
import { functionArn, lambdaTimestamp, type FunctionRecord, type Identity } from './model';

export interface LifecycleOptions {
  /** Least time a create or update stays in progress, as on Lambda; 0 settles when unpacked. */
  minTransitionMs: number;
  /** Runs before an update is shown as settled (to retire environments of the old code). */
  beforeUpdateSettles?: (functionName: string) => Promise<void>;
  /** Runs after a change settled and was saved. */
  onSettled?: (functionName: string, updated: boolean) => void | Promise<void>;
  /** Failures after a change settled (saving state, clean-up); the change itself stands. */
  onError?: (error: unknown) => void;
}

export class Lifecycle {
  /** Pending minimum-transition waits, and how to cut each short when the cloud stops. */
  private readonly timers = new Map<NodeJS.Timeout, (reason: Error) => void>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly identity: Identity,
    private readonly store: StateStore,
    private readonly code: CodeStore,
    private readonly clock: () => number,
    private readonly options: LifecycleOptions,
  ) {}

  /** Refuses a change while the previous one has not settled, as Lambda does. */
  assertIdle(fn: FunctionRecord): void {
    const latest = fn.latest;
    if (latest.state === 'Pending' || latest.lastUpdateStatus === 'InProgress') {
      throw conflict(
        `The operation cannot be performed at this time. An update is in progress for resource: ${functionArn(this.identity, fn.name)}`,
      );
    }
  }

  /**
   * Before $LATEST changes: keeps the settled $LATEST serving invocations until the change
   * settles. After a failed update the last good one is already kept, and stays.
   */
  keepServing(fn: FunctionRecord): void {
    if (fn.latest.lastUpdateStatus === 'Failed' && fn.serving) return;
    fn.serving = structuredClone(fn.latest);
  }

  markCreating(fn: FunctionRecord): void {
    Object.assign(fn.latest, {
      state: 'Pending',
      stateReason: 'The function is being created.',
      stateReasonCode: 'Creating',
    });
    delete fn.latest.lastUpdateStatus;
    delete fn.latest.lastUpdateStatusReason;
    delete fn.latest.lastUpdateStatusReasonCode;
  }

  markUpdating(fn: FunctionRecord): void {
    Object.assign(fn.latest, {
      lastUpdateStatus: 'InProgress',
      lastUpdateStatusReason: 'The function is being created.',
      lastUpdateStatusReasonCode: 'Creating',
      lastModified: lambdaTimestamp(this.clock()),
      revisionId: randomUUID(),
    });
  }

  /** Settles the function's latest change in the background. */
  schedule(fn: FunctionRecord): void {
    const name = fn.name;
    const creating = fn.latest.state === 'Pending';
    const sha = fn.latest.codeSha256Hex;
    const work = Promise.all([this.code.unpack(sha).then(() => undefined), this.delay()])
      .then(
        () => this.finish(name, sha, creating, undefined),
        (error: unknown) => this.finish(name, sha, creating, error),
      )
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  /** After a restart, picks up changes that were in progress when the cloud stopped. */
  resume(): void {
    for (const fn of Object.values(this.store.state.functions)) {
      if (fn.latest.state === 'Pending' || fn.latest.lastUpdateStatus === 'InProgress') {
        this.schedule(fn);
      }
    }
  }

  /** Cuts the waits short and lets running unpacks finish, so nothing writes after stop. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const [timer, cancel] of this.timers) {
      clearTimeout(timer);
      cancel(new Error('The local cloud stopped.'));
    }
    this.timers.clear();
    await Promise.all([...this.inFlight]);
  }

  private delay(): Promise<void> {
    if (this.options.minTransitionMs <= 0) return Promise.resolve();
    if (this.stopped) return Promise.reject(new Error('The local cloud stopped.'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, this.options.minTransitionMs);
      this.timers.set(timer, reject);
    });
  }

  private async finish(
    name: string,
    sha: string,
    creating: boolean,
    error: unknown,
  ): Promise<void> {
    if (this.stopped) return;
    if (!creating && error === undefined) await this.options.beforeUpdateSettles?.(name);
    const fn = this.store.state.functions[name];
    // Deleted, or replaced by a newer change that will settle on its own.
    if (this.stopped || !fn || fn.latest.codeSha256Hex !== sha) return;
    const latest = fn.latest;
    const reason =
      error === undefined
        ? undefined
        : `Could not unpack the deployment package: ${(error as Error).message}`;
    if (creating) {
      Object.assign(latest, {
        state: reason ? 'Failed' : 'Active',
        lastUpdateStatus: reason ? 'Failed' : 'Successful',
      });
      delete latest.stateReason;
      delete latest.stateReasonCode;
      if (reason)
        Object.assign(latest, { stateReason: reason, stateReasonCode: 'InvalidZipFileException' });
    } else {
      latest.lastUpdateStatus = reason ? 'Failed' : 'Successful';
      if (!reason) delete fn.serving;
    }
    delete latest.lastUpdateStatusReason;
    delete latest.lastUpdateStatusReasonCode;
    if (reason) {
      Object.assign(latest, {
        lastUpdateStatusReason: reason,
        lastUpdateStatusReasonCode: 'InvalidZipFileException',
      });
    }
    latest.revisionId = randomUUID();
    // Versions published while the change was in progress (Publish: true) settle with it.
    for (const version of Object.values(fn.versions)) {
      if (version.state !== 'Pending') continue;
      Object.assign(version, {
        state: reason ? 'Failed' : 'Active',
        lastUpdateStatus: reason ? 'Failed' : 'Successful',
        revisionId: randomUUID(),
      });
      for (const key of [
        'stateReason',
        'stateReasonCode',
        'lastUpdateStatusReason',
        'lastUpdateStatusReasonCode',
      ] as const) {
        delete version[key];
      }
    }
    await this.store.save();
    await this.options.onSettled?.(name, !creating);
  }
}
