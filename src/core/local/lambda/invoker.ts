// Runs invocations on the execution engine: resolves an alias's routing to one version, builds
// the immutable ExecutionConfig, and queues asynchronous (Event) invocations, retrying them
// when every environment is busy as Lambda retries throttled events. Every refusal for
// concurrency is counted as a throttle (an Event once, however often it is retried).
import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  ConcurrencyLimitError,
  type ExecutionConfig,
  type InvocationOutcome,
  type InvocationRequest,
} from '../execution/contract';
import type { ThrottleRecorder } from '../monitoring/lambda-metrics';
import type { CodeStore } from '../store/code-store';
import {
  functionArn,
  logGroupName,
  pickVersioned,
  type FunctionRecord,
  type Identity,
  type VersionRecord,
} from './model';

/** The execution engine as the API uses it (implemented in ../execution). */
export interface InvocationEngine {
  invoke(config: ExecutionConfig, request: InvocationRequest): Promise<InvocationOutcome>;
  retire(functionName: string): Promise<void>;
  shutdown(): Promise<void>;
}

interface QueuedEvent {
  config: ExecutionConfig;
  request: InvocationRequest;
  /** Runs so far that ended in a function error. */
  failures: number;
  /** The version or alias the caller named, for the Resource dimension of its metrics. */
  qualifier?: string;
}

/** Lambda retries a failed asynchronous invocation twice, about one then two minutes later. */
export const LAMBDA_ASYNC_RETRY_DELAYS_MS = [60_000, 120_000];

export class Invoker {
  private readonly queue: QueuedEvent[] = [];
  private readonly slots = new EventEmitter();
  private readonly stopping = new AbortController();
  private running = 0;
  private asyncRunning = 0;
  private readonly drained = new Set<() => void>();
  private readonly retries = new Set<NodeJS.Timeout>();
  private readonly configs = new WeakMap<
    VersionRecord,
    { revisionId: string; config: ExecutionConfig }
  >();

  constructor(
    private readonly identity: Identity,
    private readonly engine: InvocationEngine,
    private readonly code: CodeStore,
    private readonly asyncConcurrency: number,
    private readonly retryDelaysMs: number[] = LAMBDA_ASYNC_RETRY_DELAYS_MS,
    private readonly throttles?: ThrottleRecorder,
  ) {
    this.slots.setMaxListeners(0);
  }

  /** Picks the version an alias routes this invocation to (weights are shares of 0-1). */
  route(
    fn: FunctionRecord,
    record: VersionRecord,
    weights?: Record<string, number>,
  ): VersionRecord {
    if (!weights) return record;
    let roll = Math.random();
    for (const [version, weight] of Object.entries(weights)) {
      roll -= weight;
      if (roll < 0) return fn.versions[version] ?? record;
    }
    return record;
  }

  async config(fn: FunctionRecord, record: VersionRecord): Promise<ExecutionConfig> {
    const codeDir = await this.code.unpack(record.codeSha256Hex);
    // Every settled change of a record gets a new revision id, so (record, revision, code)
    // names one configuration; building it hashes and copies the settings, so it is kept.
    const cached = this.configs.get(record);
    if (
      cached &&
      cached.revisionId === record.revisionId &&
      cached.config.codeDir === codeDir &&
      cached.config.functionName === fn.name
    ) {
      return cached.config;
    }
    const config = this.buildConfig(fn, record, codeDir);
    this.configs.set(record, { revisionId: record.revisionId, config });
    return config;
  }

  private buildConfig(fn: FunctionRecord, record: VersionRecord, codeDir: string): ExecutionConfig {
    const versioned = pickVersioned(record);
    const key = createHash('sha256')
      .update(JSON.stringify([fn.name, record.version, versioned]))
      .digest('hex')
      .slice(0, 32);
    return {
      functionName: fn.name,
      version: record.version,
      functionArn: functionArn(this.identity, fn.name, record.version),
      codeDir,
      handler: record.handler,
      runtime: record.runtime,
      memorySizeMB: record.memorySize,
      timeoutSec: record.timeout,
      ephemeralStorageMB: record.ephemeralStorage,
      architecture: record.architecture,
      environment: { ...record.environment },
      region: this.identity.region,
      accountId: this.identity.accountId,
      logGroupName: logGroupName(fn.name),
      ...(record.jsonLogging ? { jsonLogging: { ...record.jsonLogging } } : {}),
      environmentKey: key,
    };
  }

  /**
   * Runs one synchronous invocation; a ConcurrencyLimitError is counted as a throttle of
   * `qualifier` (what the caller named) and passed on.
   */
  async invoke(
    config: ExecutionConfig,
    request: InvocationRequest,
    qualifier?: string,
  ): Promise<InvocationOutcome> {
    try {
      return await this.run(config, this.named(config, request, qualifier));
    } catch (error) {
      if (error instanceof ConcurrencyLimitError)
        this.throttles?.throttled(config.functionName, qualifier);
      throw error;
    }
  }

  /** The request with the ARN the caller named, as the function's context reports it. */
  private named(
    config: ExecutionConfig,
    request: InvocationRequest,
    qualifier: string | undefined,
  ): InvocationRequest {
    request.invokedFunctionArn ??= functionArn(this.identity, config.functionName, qualifier);
    return request;
  }

  private async run(
    config: ExecutionConfig,
    request: InvocationRequest,
  ): Promise<InvocationOutcome> {
    this.running++;
    try {
      return await this.engine.invoke(config, request);
    } finally {
      this.running--;
      this.slots.emit('free');
    }
  }

  enqueue(
    config: ExecutionConfig,
    payload: Buffer,
    clientContext?: string,
    qualifier?: string,
  ): string {
    const requestId = randomUUID();
    this.queue.push({
      config,
      request: this.named(
        config,
        {
          requestId,
          payload,
          invocationType: 'Event',
          clientContext,
          signal: this.stopping.signal,
        },
        qualifier,
      ),
      failures: 0,
      qualifier,
    });
    this.pump();
    return requestId;
  }

  /** Resolves when no asynchronous invocation is queued, running or waiting to be retried. */
  whenDrained(): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve) => this.drained.add(resolve));
  }

  private idle(): boolean {
    return this.queue.length === 0 && this.asyncRunning === 0 && this.retries.size === 0;
  }

  private settleDrained(): void {
    if (!this.idle()) return;
    for (const resolve of this.drained) resolve();
    this.drained.clear();
  }

  retire(functionName: string): Promise<void> {
    return this.engine.retire(functionName);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.queue.length = 0;
    for (const timer of this.retries) clearTimeout(timer);
    this.retries.clear();
    this.slots.emit('free');
    await this.engine.shutdown();
  }

  private pump(): void {
    while (this.asyncRunning < this.asyncConcurrency && this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.asyncRunning++;
      void this.runEvent(next).finally(() => {
        this.asyncRunning--;
        this.pump();
        this.settleDrained();
      });
    }
  }

  private async runEvent(event: QueuedEvent): Promise<void> {
    let throttled = false;
    while (!this.stopping.signal.aborted) {
      try {
        const outcome = await this.run(event.config, event.request);
        if (outcome.functionError) this.retryLater(event);
        return;
      } catch (error) {
        if (!(error instanceof ConcurrencyLimitError)) return;
        // Lambda counts a throttled event; here it waits for a slot rather than backing off,
        // so its attempts are no measure: one throttle per event.
        if (!throttled) this.throttles?.throttled(event.config.functionName, event.qualifier);
        throttled = true;
        await this.nextFreeSlot();
      }
    }
  }

  private retryLater(event: QueuedEvent): void {
    const delay = this.retryDelaysMs[event.failures];
    if (delay === undefined || this.stopping.signal.aborted) return;
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      this.queue.push({ ...event, failures: event.failures + 1 });
      this.pump();
    }, delay);
    this.retries.add(timer);
  }

  private nextFreeSlot(): Promise<void> {
    // With nothing of ours running, a slot can only free up outside our view: try again soon.
    if (this.running === 0) return new Promise((resolve) => setImmediate(resolve));
    return new Promise((resolve) => this.slots.once('free', () => resolve()));
  }
}
