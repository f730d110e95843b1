// The local cloud's execution engine: it keeps warm execution environments per environment key,
// starts new ones up to the concurrency cap, reaps idle ones, and turns every way an invocation
// can end into the outcome Lambda would give.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  ConcurrencyLimitError,
  type ExecutionConfig,
  type InvocationOutcome,
  type InvocationRequest,
  type LogSink,
} from './contract';
import { encodeDocument, unsupportedRuntimeError } from './error-documents';
import { ExecutionEnvironment, INIT_LIMIT_MS, type StopReason } from './environment';
import { SparePool } from './spare-pool';
import {
  findRuntimesDir,
  runtimeFamily,
  type Executables,
  type RuntimeFamily,
} from './worker-launch';
import { DEFAULT_MAX_LOG_BYTES } from './worker-output';

/** An evicted environment's process is stopped this long after eviction at the latest. */
const EVICTION_GRACE_MS = 1000;

export interface ExecutionEngineOptions {
  logSink: LogSink;
  /** Environments alive at once, across all functions (default 16). */
  maxConcurrency?: number;
  /** An environment idle this long is stopped (default 5 minutes). */
  idleTimeoutMs?: number;
  /** Node.js used for nodejs* runtimes (default: this process's node, or `node` on PATH). */
  nodeExecutable?: string;
  /** Python used for python3.* runtimes (default `python3` on PATH). */
  pythonExecutable?: string;
  /** Parent of each environment's /tmp (default: a fresh folder under the OS temp dir). */
  tmpRoot?: string;
  /** Folder of the runtime bootstraps (default: found next to the code or in dist/runtimes). */
  runtimesDir?: string;
  /** Log bytes kept per request; the rest is dropped with a note (default 1 MiB). */
  maxLogBytesPerInvocation?: number;
  /**
   * Spare runtime processes kept started per Node.js or Python launch, so that a cold start
   * skips the interpreter's start (default 2; 0 spawns every worker afresh). See spare-pool.ts.
   */
  spareProcesses?: number;
  /** The init phase's limit before it gets the first invocation's timeout (default 10 s). */
  initLimitMs?: number;
}

export interface EnvironmentEvent {
  functionName: string;
  environmentKey: string;
  environmentId: string;
  logStreamName: string;
  pid: number | undefined;
  /** The worker is a spare process the function was handed to. */
  fromSpare: boolean;
}

export interface EnvironmentStoppedEvent extends EnvironmentEvent {
  reason: StopReason;
}

export interface SpareEvent {
  pid: number;
  /** The launch it can serve: program and arguments, as JSON. */
  launch: string;
}

export interface ExecutionEngineEvents {
  environmentStarted: [EnvironmentEvent];
  environmentStopped: [EnvironmentStoppedEvent];
  /** A spare process started; it serves the next cold start of a function with this launch. */
  spareStarted: [SpareEvent];
  /** A spare process went away unused (it died, or the engine stopped it). */
  spareStopped: [SpareEvent];
}

export class ExecutionEngine extends EventEmitter<ExecutionEngineEvents> {
  private readonly maxConcurrency: number;
  private readonly idleTimeoutMs: number;
  private readonly tmpRoot: string;
  private readonly ownsTmpRoot: boolean;
  private readonly all = new Set<ExecutionEnvironment>();
  private readonly idle = new Map<string, ExecutionEnvironment[]>();
  private readonly idleTimers = new Map<ExecutionEnvironment, NodeJS.Timeout>();
  private readonly retireAfterInvocation = new Set<ExecutionEnvironment>();
  /**
   * Idle environments that gave their place to a newcomer, until their process is gone: the
   * timer stops them once its cold start is over at the latest (undefined: being stopped).
   */
  private readonly evicted = new Map<ExecutionEnvironment, NodeJS.Timeout | undefined>();
  /** When each idle environment was released (a count), to evict the one idle longest. */
  private readonly releasedAt = new Map<ExecutionEnvironment, number>();
  private releases = 0;
  /** The environment each newcomer took the place of. */
  private readonly victims = new Map<ExecutionEnvironment, ExecutionEnvironment>();
  private readonly spares: SparePool;
  private pythonExecutable: Promise<string> | undefined;
  private runtimesDir: string | undefined;
  private closed = false;

  constructor(private readonly options: ExecutionEngineOptions) {
    super();
    this.maxConcurrency = options.maxConcurrency ?? 16;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 5 * 60_000;
    this.ownsTmpRoot = options.tmpRoot === undefined;
    this.tmpRoot =
      options.tmpRoot ??
      path.join(os.tmpdir(), `flourish-local-${process.pid}-${randomBytes(4).toString('hex')}`);
    this.spares = new SparePool({
      perKey: options.spareProcesses ?? 2,
      maxKeys: 3,
      onSpawned: (pid, launch) => this.emit('spareStarted', { pid, launch }),
      onStopped: (pid, launch) => this.emit('spareStopped', { pid, launch }),
    });
  }

  /**
   * Runs one invocation. Resolves with the outcome whatever the function did (errors, timeouts,
   * crashes are outcomes carrying Lambda's error documents); rejects only with
   * ConcurrencyLimitError, with the signal's reason on abort, or once the engine is shut down.
   */
  async invoke(config: ExecutionConfig, request: InvocationRequest): Promise<InvocationOutcome> {
    if (this.closed) {
      throw new Error(
        `Cannot invoke ${config.functionName}: the execution engine is shut down. Start the local cloud again.`,
      );
    }
    request.signal?.throwIfAborted();
    const family = runtimeFamily(config.runtime);
    if (!family) return unsupportedRuntimeOutcome(config, request);
    const run = this.run(config, family, request);
    return request.signal ? untilAborted(run, request.signal) : run;
  }

  private async run(
    config: ExecutionConfig,
    family: RuntimeFamily,
    request: InvocationRequest,
  ): Promise<InvocationOutcome> {
    // A warm worker can exit between two invocations (e.g. after an uncaught exception); the
    // event it never received goes to another environment, as Lambda would do.
    for (let attempt = 1; ; attempt++) {
      const env = this.acquire(config, family);
      const outcome = await env.invoke(request).finally(() => {
        this.stopVictimOf(env);
        this.release(env);
      });
      if (outcome || attempt === 3) return outcome ?? workerLostOutcome(config, request);
    }
  }

  /** Stops the function's environments: idle ones now, busy ones when their invocation ends. */
  async retire(functionName: string): Promise<void> {
    const evicted = [...this.evicted.keys()].filter(
      (victim) => victim.config.functionName === functionName,
    );
    evicted.forEach((victim) => this.stopEvicted(victim));
    const envs = [...this.all].filter((env) => env.config.functionName === functionName);
    for (const env of envs) {
      if (env.busy) this.retireAfterInvocation.add(env);
      else void env.stop('retired');
    }
    await Promise.all([...envs, ...evicted].map((env) => env.whenExited()));
  }

  /** Stops every worker and spare process (by process group) and waits until all are gone. */
  async shutdown(): Promise<void> {
    this.closed = true;
    const envs = [...this.all];
    const evicted = [...this.evicted.keys()];
    evicted.forEach((victim) => this.stopEvicted(victim));
    await Promise.all([
      this.spares.shutdown(),
      ...envs.map((env) => env.stop('shutdown')),
      ...evicted.map((victim) => victim.whenExited()),
    ]);
    if (this.ownsTmpRoot) await rm(this.tmpRoot, { recursive: true, force: true });
  }

  /** Pids of the spare processes waiting for a function. */
  sparePids(): number[] {
    return this.spares.pids();
  }

  stats(): { environments: number; busy: number } {
    let busy = 0;
    for (const env of this.all) if (env.busy) busy++;
    return { environments: this.all.size, busy };
  }

  private acquire(config: ExecutionConfig, family: RuntimeFamily): ExecutionEnvironment {
    if (this.closed)
      throw new Error(`Cannot invoke ${config.functionName}: the execution engine is shut down.`);
    const warm = this.idle.get(config.environmentKey)?.pop();
    if (warm) {
      clearTimeout(this.idleTimers.get(warm));
      this.idleTimers.delete(warm);
      this.releasedAt.delete(warm);
      warm.busy = true;
      return warm;
    }
    const victim = this.all.size >= this.maxConcurrency ? this.evictIdle() : undefined;
    if (this.all.size >= this.maxConcurrency) throw new ConcurrencyLimitError(this.maxConcurrency);
    const env = new ExecutionEnvironment({
      config,
      family,
      tmpRoot: this.tmpRoot,
      logSink: this.options.logSink,
      maxLogBytes: this.options.maxLogBytesPerInvocation ?? DEFAULT_MAX_LOG_BYTES,
      initLimitMs: this.options.initLimitMs ?? INIT_LIMIT_MS,
      spares: this.spares,
      onStopped: (stopped, reason) => this.forget(stopped, reason),
    });
    env.busy = true;
    this.all.add(env);
    if (victim) this.victims.set(env, victim);
    void this.startEnvironment(env);
    return env;
  }

  private async startEnvironment(env: ExecutionEnvironment): Promise<void> {
    try {
      await env.start(await this.resolveExecutables(env.family));
      this.emit('environmentStarted', describe(env));
    } catch (err) {
      // The invocation waiting on this environment sees it exit and reports Runtime.ExitError;
      // the reason goes into its log, where the user looks.
      env.note(
        `[flourish] Could not start an execution environment for ${env.config.functionName}: ${err instanceof Error ? err.message : String(err)}`,
      );
      await env.stop('exit');
    }
  }

  /**
   * Makes room for another function: the least recently used idle environment gives its place
   * up at once. Its process is stopped when the newcomer's first invocation is over (at the
   * latest after EVICTION_GRACE_MS), because a process dying takes a CPU while it frees its
   * memory, and on a small machine that lands on the cold start that made room for it.
   */
  private evictIdle(): ExecutionEnvironment | undefined {
    // Each list is in the order its environments were released: the first is its oldest.
    let oldest: ExecutionEnvironment[] | undefined;
    for (const list of this.idle.values()) {
      const first = list[0];
      if (first && (!oldest || this.releasedAt.get(first)! < this.releasedAt.get(oldest[0]!)!)) {
        oldest = list;
      }
    }
    const victim = oldest?.shift();
    if (!victim) return undefined;
    this.all.delete(victim);
    clearTimeout(this.idleTimers.get(victim));
    this.idleTimers.delete(victim);
    this.releasedAt.delete(victim);
    const timer = setTimeout(() => this.stopEvicted(victim), EVICTION_GRACE_MS);
    timer.unref();
    this.evicted.set(victim, timer);
    return victim;
  }

  private stopVictimOf(newcomer: ExecutionEnvironment): void {
    const victim = this.victims.get(newcomer);
    if (!victim) return;
    this.victims.delete(newcomer);
    this.stopEvicted(victim);
  }

  private stopEvicted(victim: ExecutionEnvironment): void {
    const timer = this.evicted.get(victim);
    if (timer === undefined) return; // being stopped already, or gone
    clearTimeout(timer);
    // Kept until it is gone (forget), so shutdown and retire can wait for it.
    this.evicted.set(victim, undefined);
    void victim.stop('evicted');
  }

  private release(env: ExecutionEnvironment): void {
    env.busy = false;
    if (env.stopped) return;
    if (this.closed || this.retireAfterInvocation.delete(env)) {
      void env.stop(this.closed ? 'shutdown' : 'retired');
      return;
    }
    const key = env.config.environmentKey;
    let list = this.idle.get(key);
    if (!list) this.idle.set(key, (list = []));
    list.push(env);
    this.releasedAt.set(env, this.releases++);
    const timer = setTimeout(() => void env.stop('idle'), this.idleTimeoutMs);
    timer.unref();
    this.idleTimers.set(env, timer);
  }

  private forget(env: ExecutionEnvironment, reason: StopReason): void {
    this.all.delete(env);
    clearTimeout(this.evicted.get(env));
    this.evicted.delete(env);
    this.retireAfterInvocation.delete(env);
    clearTimeout(this.idleTimers.get(env));
    this.idleTimers.delete(env);
    this.releasedAt.delete(env);
    const list = this.idle.get(env.config.environmentKey);
    const at = list?.indexOf(env) ?? -1;
    if (list && at >= 0) list.splice(at, 1);
    if (list && list.length === 0) this.idle.delete(env.config.environmentKey);
    this.emit('environmentStopped', { ...describe(env), reason });
  }

  /** Only a Python function waits for Python to be located (once per engine). */
  private async resolveExecutables(family: RuntimeFamily): Promise<Executables> {
    this.runtimesDir ??= this.options.runtimesDir ?? findRuntimesDir();
    const python =
      family === 'python'
        ? await (this.pythonExecutable ??= realPython(this.options.pythonExecutable ?? 'python3'))
        : (this.options.pythonExecutable ?? 'python3');
    return {
      node: this.options.nodeExecutable ?? defaultNode(),
      python,
      runtimesDir: this.runtimesDir,
    };
  }
}

function describe(env: ExecutionEnvironment): EnvironmentEvent {
  return {
    functionName: env.config.functionName,
    environmentKey: env.config.environmentKey,
    environmentId: env.id,
    logStreamName: env.logStreamName,
    pid: env.pid,
    fromSpare: env.fromSpare,
  };
}

/** Inside VS Code, process.execPath is the editor itself; elsewhere it is node. */
function defaultNode(): string {
  return process.versions.electron ? 'node' : process.execPath;
}

/** The interpreter behind a launcher such as a pyenv shim, so a cold start skips the shim. */
function realPython(python: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      python,
      ['-c', 'import sys; print(sys.executable)'],
      { timeout: 10_000 },
      (err, stdout) => {
        const exe = stdout?.trim();
        resolve(err || !exe ? python : exe);
      },
    );
  });
}

function untilAborted<T>(run: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    run.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

function workerLostOutcome(config: ExecutionConfig, request: InvocationRequest): InvocationOutcome {
  const doc = {
    errorType: 'Runtime.ExitError',
    errorMessage: `RequestId: ${request.requestId} Error: Runtime exited before it received the event, three times in a row. Check the function's init code.`,
  };
  return {
    ...unsupportedRuntimeOutcome(config, request),
    payload: encodeDocument(doc),
    log: `${doc.errorMessage}\n`,
  };
}

function unsupportedRuntimeOutcome(
  config: ExecutionConfig,
  request: InvocationRequest,
): InvocationOutcome {
  const doc = unsupportedRuntimeError(config.runtime);
  return {
    requestId: request.requestId,
    payload: encodeDocument(doc),
    functionError: 'Unhandled',
    log: `${doc.errorType}: ${doc.errorMessage}\n`,
    report: {
      durationMs: 0,
      billedDurationMs: 0,
      memorySizeMB: config.memorySizeMB,
      maxMemoryUsedMB: 0,
    },
    coldStart: false,
    logStreamName: '',
  };
}
