// One execution environment: a worker process in its own process group, its Runtime API server,
// its /tmp and its log stream. It runs one invocation at a time and enforces the function's
// timeout, memory and ephemeral storage limits the way Lambda does.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type {
  ExecutionConfig,
  InvocationOutcome,
  InvocationRequest,
  LogSink,
  StreamFlow,
} from './contract';
import {
  encodeDocument,
  exitError,
  exitReason,
  invalidEntrypointError,
  outOfMemoryError,
  responseTooLargeError,
  timeoutError,
  type ErrorDocument,
} from './error-documents';
import {
  billedMs,
  newLogStreamName,
  platformLines,
  type PlatformLines,
  type ReportFields,
} from './log-format';
import { MB, processTreeRssBytes } from './memory';
import { killProcessGroup } from './process-group';
import {
  MAX_RESPONSE_BYTES,
  MAX_STREAMED_RESPONSE_BYTES,
  RuntimeApiServer,
  type RuntimeApiListener,
  type RuntimeResult,
} from './runtime-api';
import { directoryUsage } from './storage';
import type { SpareLaunch, SparePool } from './spare-pool';
import {
  lambdaEnvironment,
  launchSpec,
  spareLaunch,
  type Executables,
  type RuntimeFamily,
} from './worker-launch';
import { WorkerOutput, type RequestLog } from './worker-output';

/** Lambda's limit on the init phase of an on-demand environment. */
export const INIT_LIMIT_MS = 10_000;
/** How often a busy environment's memory is read (each read is a few /proc files). */
const MEMORY_SAMPLE_MS = 50;
/** Between invocations, memory is read at most this often. */
const MEMORY_CHECK_MS = 250;
/** How long to wait for a killed worker's output pipes to close before reporting anyway. */
const PIPE_CLOSE_GRACE_MS = 500;

export type StopReason =
  | 'idle'
  | 'retired'
  | 'shutdown'
  | 'evicted'
  | 'timeout'
  | 'out-of-memory'
  | 'exit'
  | 'init-error'
  | 'ephemeral-storage';

export interface EnvironmentOptions {
  config: ExecutionConfig;
  family: RuntimeFamily;
  tmpRoot: string;
  logSink: LogSink;
  maxLogBytes: number;
  /** The init phase's own limit (Lambda's 10 s); see startWorker. */
  initLimitMs: number;
  /** Spare runtime processes to start from instead of spawning one (when the function allows). */
  spares?: SparePool;
  /** Called once, when the worker is gone (for whatever reason). */
  onStopped(env: ExecutionEnvironment, reason: StopReason): void;
}

type Ending =
  | RuntimeResult
  | { kind: 'timeout' }
  | { kind: 'out-of-memory' }
  | { kind: 'exit'; code: number | null; signal: NodeJS.Signals | null }
  | { kind: 'init-error'; body: Buffer; errorType?: string };

type InitResult = { ok: true } | { ok: false; ending: Ending };

export class ExecutionEnvironment {
  readonly id = randomBytes(16).toString('hex');
  readonly logStreamName: string;
  readonly config: ExecutionConfig;
  private readonly output: WorkerOutput;
  /** START, END and REPORT in the function's log format. */
  private readonly lines: PlatformLines;
  private api: RuntimeApiServer;
  private readonly apiListener: RuntimeApiListener;
  private readonly tmpDir: string;
  private child: ChildProcess | undefined;
  /** Whether the worker is a spare process the function was handed to. */
  private startedFromSpare = false;
  /** When the function's init began: the spawn, or the hand-over to a spare. */
  private spawnedAt = 0;
  private initDurationMs = 0;
  private readonly initResult: Promise<InitResult>;
  private resolveInit: (r: InitResult) => void = () => undefined;
  private settle: ((ending: Ending) => void) | undefined;
  private onDelivered: (() => void) | undefined;
  private streamListener: InvocationRequest['onStream'];
  private onStreamEnd: (() => void) | undefined;
  /** A stream nobody listens to (plain Invoke), gathered up to Invoke's 6 MB. */
  private gathered: Buffer[] | undefined;
  private gatheredBytes = 0;
  private stopReason: StopReason | undefined;
  private spawnError: { command: string; error: NodeJS.ErrnoException } | undefined;
  private readonly exited: Promise<void>;
  private markExited: () => void = () => undefined;
  private hasExited = false;
  private exitStatus: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private closed: Promise<void> = Promise.resolve();
  private cold = true;
  private peakRssBytes = 0;
  private lastMemoryCheck = 0;
  private storageCheckRunning = false;
  private storageCheckAgain = false;
  /** /tmp changed since the last check (or holds folders, whose changes are not watched). */
  private storageDirty = false;
  private storageHasFolders = false;
  private storageWatcher: FSWatcher | undefined;
  /** The memory reading under way, if one is. */
  private sampling: Promise<void> | undefined;
  /** The launch a spare would have had (to refill the pool once this cold start is over). */
  private spareLaunch: SpareLaunch | undefined;
  private recycleAfterInvocation: StopReason | undefined;
  busy = false;

  constructor(private readonly options: EnvironmentOptions) {
    this.config = options.config;
    this.lines = platformLines(options.config);
    this.exited = new Promise((resolve) => (this.markExited = resolve));
    this.initResult = new Promise((resolve) => (this.resolveInit = resolve));
    this.logStreamName = newLogStreamName(options.config.version);
    this.tmpDir = path.join(options.tmpRoot, this.id);
    const { logGroupName } = options.config;
    this.output = new WorkerOutput(
      (events) => options.logSink.write(logGroupName, this.logStreamName, events),
      options.maxLogBytes,
    );
    this.apiListener = {
      onFirstNext: () => {
        this.initDurationMs = performance.now() - this.spawnedAt;
        this.resolveInit({ ok: true });
      },
      onInitError: (body, errorType) =>
        this.resolveInit({ ok: false, ending: { kind: 'init-error', body, errorType } }),
      onResult: (_requestId, result) => this.settle?.(result),
      onStreamData: (_requestId, part, contentType, flow) =>
        this.onStreamPart(part, contentType, flow),
      onStreamEnd: () => this.onStreamEnd?.(),
      onDelivered: () => this.onDelivered?.(),
    };
    this.api = new RuntimeApiServer(this.apiListener, true);
  }

  get family(): RuntimeFamily {
    return this.options.family;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get stopped(): boolean {
    return this.stopReason !== undefined;
  }

  get fromSpare(): boolean {
    return this.startedFromSpare;
  }

  /** Starts the worker; initialisation goes on in the background until the first invoke. */
  async start(executables: Executables): Promise<void> {
    const spares = this.options.spares;
    const launch = spares?.enabled
      ? spareLaunch(this.options.family, this.config, executables)
      : undefined;
    const spare = launch && spares!.take(launch);
    this.spareLaunch = launch;
    if (spare) {
      // The spare is connected to its own Runtime API server already: this environment's.
      void this.api.close();
      this.api = spare.api;
      this.api.attach(this.apiListener);
    }
    const runtimeApi = spare ? this.api.runtimeApi : await this.api.listen();
    await mkdir(this.tmpDir, { recursive: true });
    if (this.stopped) {
      // Stopped while starting: onExit cleaned up what existed then; undo what came since.
      spare?.kill();
      await this.api.close();
      await rm(this.tmpDir, { recursive: true, force: true });
      return;
    }
    // /tmp is walked only when it changed, so an unused /tmp costs nothing per invocation.
    this.storageWatcher = watch(this.tmpDir, () => {
      this.storageDirty = true;
      if (!this.busy) this.checkStorageSoon();
    });
    this.storageWatcher.on('error', () => (this.storageDirty = true));
    const { command, args, runtimeDir } = launchSpec(this.options.family, this.config, executables);
    const env = lambdaEnvironment(this.config, this.options.family, {
      runtimeApi,
      logStreamName: this.logStreamName,
      tmpDir: this.tmpDir,
      runtimeDir,
    });
    // Init begins now: with a spare, when it is handed the function, not when it started.
    this.spawnedAt = performance.now();
    let child: ChildProcess;
    if (spare) {
      this.startedFromSpare = true;
      const early = spare.handOver(env, this.config.codeDir);
      child = spare.child;
      for (const chunk of early) this.output.feed(chunk);
    } else {
      // detached: the worker leads its own process group, so a kill of -pid takes its children.
      child = spawn(command, args, {
        cwd: this.config.codeDir,
        env,
        detached: true,
        windowsHide: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    }
    this.child = child;
    child.stdout!.on('data', (chunk: Buffer) => this.output.feed(chunk));
    child.stderr!.on('data', (chunk: Buffer) => this.output.feed(chunk));
    this.closed = new Promise((resolve) => child.once('close', () => resolve()));
    child.once('error', (err) => {
      this.spawnError = { command, error: err };
      this.onExit(127, null);
    });
    child.once('exit', (code, signal) => this.onExit(code, signal));
    // Lambda gives the init phase 10 s; one that takes longer is given another go within the
    // first invocation, under the function's timeout. Here the same init goes on for that long.
    const limitMs = this.options.initLimitMs;
    let initTimer = setTimeout(() => {
      this.platform(this.lines.initReport(limitMs, { status: 'timeout' }));
      initTimer = setTimeout(() => {
        this.resolveInit({ ok: false, ending: { kind: 'timeout' } });
        this.kill('timeout');
      }, this.config.timeoutSec * 1000);
    }, limitMs);
    void this.initResult.then(() => clearTimeout(initTimer));
  }

  /**
   * Runs one invocation here. Resolves undefined if the worker died before it received the
   * event (it exited between two invocations): the caller runs it in another environment.
   */
  async invoke(request: InvocationRequest): Promise<InvocationOutcome | undefined> {
    this.busy = true;
    const { requestId } = request;
    const coldStart = this.cold;
    this.cold = false;
    let log: RequestLog;
    let initDurationMs: number | undefined;
    let firstSample: Promise<void> | undefined;
    if (coldStart) {
      const init = await this.initResult;
      initDurationMs = this.initDurationMs || performance.now() - this.spawnedAt;
      log = this.output.current; // the init output leads the first request's log
      if (!init.ok) {
        this.refillSpares();
        return this.finishFailedInit(request, log, init.ending, initDurationMs);
      }
      // Memory after init, read while the first event already runs (awaited before REPORT).
      firstSample = this.sampleMemory();
    } else {
      log = this.output.begin();
    }

    // START and the clock wait for the runtime to take the event: it may still be on its way
    // back to /next after the previous one.
    let startedAt = performance.now();
    const started = (): void => {
      startedAt = performance.now();
      this.platform(this.lines.start(requestId), log);
    };
    this.onDelivered = started;
    this.streamListener = request.onStream;
    this.onStreamEnd = request.onStreamEnd;
    this.gathered = undefined;
    this.gatheredBytes = 0;
    const timeoutMs = this.config.timeoutSec * 1000;
    const ending = new Promise<Ending>((resolve) => (this.settle = resolve));
    // The worker may have died while this invocation waited (e.g. during the memory sample).
    if (this.exitStatus) this.settle!({ kind: 'exit', ...this.exitStatus });
    const timer = setTimeout(() => this.kill('timeout'), timeoutMs);
    const sampler = setInterval(() => void this.sampleMemory(), MEMORY_SAMPLE_MS);
    this.api.dispatch({
      requestId,
      payload: request.payload,
      deadlineMs: Date.now() + timeoutMs,
      invokedFunctionArn: request.invokedFunctionArn ?? this.config.functionArn,
      traceId: traceId(),
      // The Invoke API takes it base64-encoded; the runtime receives the JSON itself.
      clientContext:
        request.clientContext && Buffer.from(request.clientContext, 'base64').toString('utf8'),
    });
    const result = await ending;
    const durationMs = result.kind === 'timeout' ? timeoutMs : performance.now() - startedAt;
    clearTimeout(timer);
    clearInterval(sampler);
    this.settle = undefined;
    this.onDelivered = undefined;
    this.streamListener = undefined;
    this.onStreamEnd = undefined;
    if (!this.api.delivered) {
      if (result.kind === 'exit') return undefined;
      started();
    }
    await this.drainOutput(result);
    if (firstSample) {
      await firstSample;
      this.refillSpares();
    }
    return this.finish(request, log, result, durationMs, coldStart ? initDurationMs : undefined);
  }

  /** A part of a streamed response: to the invocation's listener, or gathered (Invoke). */
  private onStreamPart(part: Buffer, contentType: string, flow: StreamFlow): void {
    if (!this.settle) return; // no invocation is waiting for it
    if (this.streamListener) return this.streamListener(part, contentType, flow);
    this.gatheredBytes += part.length;
    if (this.gatheredBytes <= MAX_RESPONSE_BYTES) (this.gathered ??= []).push(part);
  }

  /** Kills the worker's process group and waits for it to be gone. */
  async stop(reason: StopReason): Promise<void> {
    if (!this.child) {
      // Never spawned (the engine stopped while it was starting).
      this.stopReason ??= reason;
      this.onExit(null, null);
    }
    this.kill(reason);
    await this.exited;
  }

  private kill(reason: StopReason): void {
    this.stopReason ??= reason;
    if (reason === 'timeout') this.settle?.({ kind: 'timeout' });
    if (reason === 'out-of-memory') this.settle?.({ kind: 'out-of-memory' });
    const pid = this.child?.pid;
    if (pid !== undefined && this.child!.exitCode === null && this.child!.signalCode === null) {
      killProcessGroup(pid);
    }
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.hasExited) return;
    this.hasExited = true;
    this.exitStatus = { code, signal };
    if (this.stopReason === undefined) this.stopReason = 'exit';
    // The group may outlive its leader (a handler's own children): take it down too.
    if (this.child?.pid !== undefined) killProcessGroup(this.child.pid);
    this.resolveInit({ ok: false, ending: { kind: 'exit', code, signal } });
    this.settle?.({ kind: 'exit', code, signal });
    void this.api.close();
    this.storageWatcher?.close();
    void rm(this.tmpDir, { recursive: true, force: true });
    this.options.onStopped(this, this.stopReason);
    this.markExited();
  }

  /** Writes a line of the platform's own to the log being written (and to the stream). */
  note(message: string): void {
    this.output.platform(message);
  }

  /** A platform line, unless the function's log format writes none there. */
  private platform(line: string | undefined, log?: RequestLog): void {
    if (line !== undefined) this.output.platform(line, log);
  }

  /** Resolves once the worker is gone. */
  whenExited(): Promise<void> {
    return this.exited;
  }

  /** Reads the tree's memory; while a reading is under way, waits for that one. */
  private sampleMemory(): Promise<void> {
    const pid = this.child?.pid;
    if (pid === undefined || this.stopped) return Promise.resolve();
    this.sampling ??= processTreeRssBytes(pid, this.options.family === 'node')
      .then((rss) => {
        this.peakRssBytes = Math.max(this.peakRssBytes, rss);
        if (rss > this.config.memorySizeMB * MB && !this.stopped) this.kill('out-of-memory');
      })
      .finally(() => (this.sampling = undefined));
    return this.sampling;
  }

  /** This cold start is over: the spare pool may start the process that replaces its spare. */
  private refillSpares(): void {
    if (this.spareLaunch) this.options.spares?.refill(this.spareLaunch);
    this.spareLaunch = undefined;
  }

  /** Lets output the worker wrote before its result reach the log. */
  private async drainOutput(result: Ending): Promise<void> {
    if (
      result.kind === 'response' ||
      result.kind === 'error' ||
      result.kind === 'too-large' ||
      result.kind === 'streamed'
    ) {
      // Output written before the result was sent is in the pipe already, so it was ready in
      // the same poll as the result: the check phase that follows comes after its read.
      await new Promise((resolve) => setImmediate(resolve));
      return;
    }
    await Promise.race([
      this.closed,
      new Promise((resolve) => setTimeout(resolve, PIPE_CLOSE_GRACE_MS).unref()),
    ]);
    this.output.flush();
  }

  private finish(
    request: InvocationRequest,
    log: RequestLog,
    result: Ending,
    durationMs: number,
    initDurationMs: number | undefined,
  ): InvocationOutcome {
    const { requestId } = request;
    let payload: Buffer;
    let functionError: InvocationOutcome['functionError'];
    let streamed: InvocationOutcome['streamed'];
    let status: ReportFields['status'];
    const platformError = (doc: ErrorDocument, lines: string[]): void => {
      payload = encodeDocument(doc);
      functionError = 'Unhandled';
      for (const line of lines) this.output.platform(line, log);
    };
    switch (result.kind) {
      case 'response':
        payload = result.body;
        break;
      case 'error':
        payload = result.body;
        functionError = 'Unhandled';
        break;
      case 'too-large':
        platformError(responseTooLargeError(result.bytes), []);
        status = { status: 'error', errorType: 'Function.ResponseSizeTooLarge' };
        break;
      case 'streamed': {
        const gathered = !request.onStream;
        const limit = gathered ? MAX_RESPONSE_BYTES : MAX_STREAMED_RESPONSE_BYTES;
        if (result.error) {
          payload = result.error.body;
          functionError = 'Unhandled';
        } else if (result.bytes > limit) {
          platformError(responseTooLargeError(result.bytes, limit), []);
          status = { status: 'error', errorType: 'Function.ResponseSizeTooLarge' };
        } else {
          payload = Buffer.concat(this.gathered ?? []);
        }
        if (!gathered) streamed = { contentType: result.contentType, bytes: result.bytes };
        this.gathered = undefined;
        this.gatheredBytes = 0;
        break;
      }
      case 'timeout':
        // The log says it in REPORT (`Status: timeout`) only: Lambda no longer writes a
        // `Task timed out after` line (seen in CloudWatch since mid-2026).
        platformError(timeoutError(requestId, this.config.timeoutSec), []);
        status = { status: 'timeout' };
        break;
      case 'out-of-memory': {
        const doc = outOfMemoryError(requestId);
        platformError(doc, [doc.errorMessage, doc.errorType]);
        status = { status: 'error', errorType: doc.errorType };
        this.peakRssBytes = Math.max(this.peakRssBytes, this.config.memorySizeMB * MB);
        break;
      }
      case 'exit':
      case 'init-error': {
        const doc = this.spawnError
          ? invalidEntrypointError(
              requestId,
              this.spawnError.command,
              this.spawnError.error,
              this.options.family === 'provided' ? undefined : this.config.runtime,
            )
          : exitError(
              requestId,
              exitReason(
                result.kind === 'exit' ? result.code : null,
                result.kind === 'exit' ? result.signal : null,
              ),
            );
        platformError(doc, [doc.errorMessage, doc.errorType]);
        status = { status: 'error', errorType: doc.errorType };
        break;
      }
    }
    if (log.dropped > 0) {
      this.output.platform(
        `[flourish] ${log.dropped} bytes of output were dropped: the local cloud keeps ${this.options.maxLogBytes} bytes of log per request.`,
        log,
      );
    }
    const report = {
      durationMs,
      // Lambda bills the init phase with the invocation, for every runtime since 1 August 2025.
      billedDurationMs: billedMs(durationMs + (initDurationMs ?? 0)),
      memorySizeMB: this.config.memorySizeMB,
      maxMemoryUsedMB: Math.min(
        this.config.memorySizeMB,
        Math.max(1, Math.ceil(this.peakRssBytes / MB)),
      ),
      ...(initDurationMs !== undefined ? { initDurationMs } : {}),
    };
    this.output.flush(); // a last line without a newline belongs to this request
    this.platform(this.lines.end(requestId), log);
    this.platform(this.lines.report(requestId, { ...report, status }), log);
    this.output.begin();
    this.afterInvocation();
    return {
      requestId,
      payload: payload!,
      ...(functionError ? { functionError } : {}),
      ...(streamed ? { streamed } : {}),
      log: log.text(),
      report,
      coldStart: initDurationMs !== undefined,
      logStreamName: this.logStreamName,
    };
  }

  private finishFailedInit(
    request: InvocationRequest,
    log: RequestLog,
    ending: Ending,
    initDurationMs: number,
  ): Promise<InvocationOutcome> {
    const { requestId } = request;
    const failed = async (): Promise<InvocationOutcome> => {
      if (ending.kind !== 'init-error') {
        this.kill(ending.kind === 'timeout' ? 'timeout' : 'exit');
        await this.drainOutput(ending);
        this.platform(this.lines.start(requestId), log);
        return this.finish(request, log, ending, 0, initDurationMs);
      }
      this.kill('init-error');
      await this.drainOutput(ending);
      const errorType = ending.errorType ?? parseErrorType(ending.body) ?? 'Runtime.Unknown';
      this.platform(this.lines.initReport(initDurationMs, { status: 'error', errorType }), log);
      this.platform(this.lines.start(requestId), log);
      this.platform(this.lines.end(requestId), log);
      const report = {
        durationMs: 0,
        billedDurationMs: billedMs(initDurationMs),
        memorySizeMB: this.config.memorySizeMB,
        maxMemoryUsedMB: Math.max(1, Math.ceil(this.peakRssBytes / MB)),
        initDurationMs,
      };
      this.platform(
        this.lines.report(requestId, { ...report, status: { status: 'error', errorType } }),
        log,
      );
      return {
        requestId,
        payload:
          ending.body.length > 0
            ? ending.body
            : encodeDocument({ errorType, errorMessage: 'Initialisation failed' }),
        functionError: 'Unhandled',
        log: log.text(),
        report,
        coldStart: true,
        logStreamName: this.logStreamName,
      };
    };
    return failed();
  }

  /** After a result: the next invocation can come; memory and /tmp are checked meanwhile. */
  private afterInvocation(): void {
    this.busy = false;
    if (this.recycleAfterInvocation) return this.kill(this.recycleAfterInvocation);
    if (this.stopped) return;
    // Memory between samples is read at most every MEMORY_CHECK_MS; /tmp after every
    // invocation (a single readdir while it is empty).
    const now = performance.now();
    if (now - this.lastMemoryCheck >= MEMORY_CHECK_MS) {
      this.lastMemoryCheck = now;
      void this.sampleMemory();
    }
    if (this.storageDirty || this.storageHasFolders) this.checkStorageSoon();
  }

  private checkStorageSoon(): void {
    if (this.storageCheckRunning) {
      this.storageCheckAgain = true;
      return;
    }
    this.storageCheckRunning = true;
    this.storageDirty = false;
    void this.checkStorage().finally(() => {
      this.storageCheckRunning = false;
      if (this.storageCheckAgain && !this.stopped) {
        this.storageCheckAgain = false;
        this.checkStorageSoon();
      }
    });
  }

  private async checkStorage(): Promise<void> {
    const { bytes: tmpBytes, folders } = await directoryUsage(this.tmpDir);
    this.storageHasFolders = folders > 0;
    const limit = this.config.ephemeralStorageMB * MB;
    if (tmpBytes > limit && !this.stopped) {
      this.output.platform(
        `[flourish] /tmp holds ${Math.ceil(tmpBytes / MB)} MB, over the function's ephemeral storage of ${this.config.ephemeralStorageMB} MB: this execution environment is stopped and the next invocation starts a fresh one.`,
      );
      if (this.busy) this.recycleAfterInvocation = 'ephemeral-storage';
      else this.kill('ephemeral-storage');
    }
  }
}

function parseErrorType(body: Buffer): string | undefined {
  try {
    const doc = JSON.parse(body.toString('utf8')) as { errorType?: unknown };
    return typeof doc.errorType === 'string' ? doc.errorType : undefined;
  } catch {
    return undefined;
  }
}

/** An X-Ray trace header, as Lambda passes one to every invocation. */
function traceId(): string {
  const epoch = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  // Unique without a random draw per call: a per-process prefix and a counter.
  traceCounter = (traceCounter + 1) % 0x1000000000000;
  const root = TRACE_PREFIX + traceCounter.toString(16).padStart(12, '0');
  return `Root=1-${epoch}-${root};Parent=${root.slice(8)};Sampled=0`;
}

const TRACE_PREFIX = randomBytes(6).toString('hex');
let traceCounter = 0;
