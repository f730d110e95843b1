// Spare runtime processes, started before they are needed so that a cold start costs the
// handler's load and the first invocation instead of an interpreter start. A spare is a runtime
// bootstrap (Node.js or Python) launched as a function's worker would be, with a neutral
// environment, waiting on a pipe (fd 3) for its function: the variables Lambda sets and the
// function's own, and the code folder. It then replaces its whole environment with those,
// changes into the folder, closes the pipe and carries on as a freshly spawned worker does.
//
// Bounded: `perKey` spares per launch (program and arguments; Node.js heap flags follow the
// memory size) for the `maxKeys` launches used last; up to twice that while cold starts drain
// the pool faster than spares start, back to `perKey` after 30 s without one. A spare taken is
// replaced in the background once the cold start it served is over (at once during a burst); a
// spare that dies is replaced too, unless spares keep dying. Every spare leads its
// own process group and is stopped by its pid; if the engine's process dies, the pipe closes and
// the spare exits by itself.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
import { killProcessGroup } from './process-group';
import { RuntimeApiServer } from './runtime-api';

/** What a spare runs: the worker's program and arguments, started in `cwd`. */
export interface SpareLaunch {
  /** Spares are interchangeable only within one key (program and arguments). */
  key: string;
  command: string;
  args: string[];
  cwd: string;
  /** The neutral environment the spare waits in; replaced whole when it is taken. */
  env: NodeJS.ProcessEnv;
}

export interface SparePoolOptions {
  /** Spares kept ready per launch (0 turns the pool off). */
  perKey: number;
  /** Launches kept ready at once; the one used longest ago gives its spares up. */
  maxKeys: number;
  onSpawned?: (pid: number, key: string) => void;
  onStopped?: (pid: number, key: string) => void;
}

/** Output a spare wrote before it was taken (a runtime warning, say) is kept up to this. */
const MAX_EARLY_OUTPUT = 64 * 1024;
/** After this many spares in a row died unused, a launch is not refilled until next taken. */
const MAX_FAILURES = 3;
/** A spare that died is replaced after this pause. */
const REFILL_DELAY_MS = 100;
/** A spare taken is replaced after this long at the latest. */
const REFILL_FALLBACK_MS = 1000;
/** Cold starts this far apart end a burst: the pool goes back to its base size. */
const BURST_QUIET_MS = 30_000;

interface Launch {
  launch: SpareLaunch;
  spares: Spare[];
  /** Spares whose Runtime API server is being set up. */
  starting: number;
  failures: number;
  /** Spares to keep: perKey, up to twice that during a burst of cold starts. */
  target: number;
  lastTake: number;
}

export class Spare {
  readonly spawnedAt = Date.now();
  private early: Buffer[] = [];
  private earlyBytes = 0;
  private taken = false;
  private exited = false;
  readonly whenExited: Promise<void>;

  /**
   * The Runtime API server the function will use, listening already: the spare connects to it
   * while it waits, so the check of who connected is done before the function is handed over.
   */
  constructor(
    readonly child: ChildProcess,
    readonly key: string,
    readonly api: RuntimeApiServer,
  ) {
    const keep = (chunk: Buffer): void => {
      if (this.earlyBytes >= MAX_EARLY_OUTPUT) return;
      this.early.push(chunk);
      this.earlyBytes += chunk.length;
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.whenExited = new Promise((resolve) => {
      const gone = (): void => {
        this.exited = true;
        if (!this.taken) void api.close();
        resolve();
      };
      child.once('exit', gone);
      // Not started at all (the program is missing): there is no exit to wait for.
      child.once('error', () => child.pid === undefined && gone());
    });
    this.unsubscribe = () => {
      child.stdout!.off('data', keep);
      child.stderr!.off('data', keep);
    };
  }

  private readonly unsubscribe: () => void;

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return (
      !this.exited &&
      this.child.pid !== undefined &&
      this.child.exitCode === null &&
      this.child.signalCode === null
    );
  }

  get isTaken(): boolean {
    return this.taken;
  }

  /**
   * Hands the spare its function: the whole environment and the working folder. Returns what
   * the spare wrote before (the caller's log gets it); from now on its output is the caller's.
   */
  handOver(env: NodeJS.ProcessEnv, cwd: string): Buffer[] {
    this.taken = true;
    this.unsubscribe();
    const pipe = this.child.stdio[3] as Writable | null;
    const clean: Record<string, string> = {};
    for (const [name, value] of Object.entries(env)) if (value !== undefined) clean[name] = value;
    // Node's spawn hands every child the parent's coverage folder whatever env it is given,
    // so a freshly spawned worker has it; a spare must end up the same.
    const coverage = process.env.NODE_V8_COVERAGE;
    if (coverage !== undefined && clean.NODE_V8_COVERAGE === undefined)
      clean.NODE_V8_COVERAGE = coverage;
    pipe?.on('error', () => undefined); // the spare died meanwhile: its exit reports that
    pipe?.end(`${JSON.stringify({ env: clean, cwd })}\n`);
    const early = this.early;
    this.early = [];
    return early;
  }

  kill(): void {
    if (this.alive) killProcessGroup(this.child.pid!);
  }
}

export class SparePool {
  /** Launches by key, least recently used first. */
  private readonly launches = new Map<string, Launch>();
  private readonly all = new Set<Spare>();
  private readonly refills = new Set<NodeJS.Timeout>();
  private readonly starting = new Set<Promise<Spare | undefined>>();
  private closed = false;

  constructor(private readonly options: SparePoolOptions) {}

  get enabled(): boolean {
    return this.options.perKey > 0 && !this.closed;
  }

  /**
   * A spare for this launch if one is there (one that has started, else the one started first:
   * it saves the part it has done), and a replacement is started in the background.
   * The first call for a launch returns undefined and starts filling it.
   */
  take(launch: SpareLaunch): Spare | undefined {
    if (!this.enabled) return undefined;
    const now = Date.now();
    let entry = this.launches.get(launch.key);
    const known = entry !== undefined;
    if (entry) this.launches.delete(launch.key);
    entry ??= {
      launch,
      spares: [],
      starting: 0,
      failures: 0,
      target: this.options.perKey,
      lastTake: now,
    };
    this.launches.set(launch.key, entry); // now the most recently used
    this.trimLaunches();
    if (now - entry.lastTake > BURST_QUIET_MS) this.shrink(entry);
    entry.lastTake = now;
    entry.spares = entry.spares.filter((s) => s.alive);
    // One that has finished starting (it connected), else the one started first.
    const ready = entry.spares.findIndex((s) => s.api.connected);
    const spare = entry.spares.splice(Math.max(0, ready), 1)[0];
    if (spare) entry.failures = 0;
    entry.failures = Math.min(entry.failures, MAX_FAILURES - 1); // a take tries again
    if (spare) this.all.delete(spare);
    if (known && !spare?.api.connected) {
      // No spare had finished starting: cold starts come faster than spares start. Keep more
      // ready, and start them now.
      entry.target = Math.min(entry.target + 1, 2 * this.options.perKey);
      this.fill(entry);
    } else {
      // The replacement starts once the cold start it would slow down is over (see refill),
      // or after a while if nobody says so.
      this.later(entry, REFILL_FALLBACK_MS);
    }
    return spare;
  }

  /** After a quiet spell, back to the base size: the spares a burst added go. */
  private shrink(entry: Launch): void {
    entry.target = this.options.perKey;
    while (entry.spares.length > entry.target) entry.spares.pop()!.kill();
  }

  /** Starts what is missing for this launch now (called when a cold start is over). */
  refill(launch: SpareLaunch): void {
    const entry = this.launches.get(launch.key);
    if (entry) this.fill(entry);
  }

  /** Pids of the spares waiting now (for tests and diagnostics). */
  pids(): number[] {
    return [...this.all].filter((s) => s.alive).map((s) => s.pid!);
  }

  /** Stops every waiting spare by its process group and waits until all are gone. */
  async shutdown(): Promise<void> {
    this.closed = true;
    for (const timer of this.refills) clearTimeout(timer);
    this.refills.clear();
    await Promise.allSettled([...this.starting]);
    const spares = [...this.all];
    this.launches.clear();
    for (const spare of spares) spare.kill();
    await Promise.all(spares.map((s) => s.whenExited));
  }

  private trimLaunches(): void {
    while (this.launches.size > this.options.maxKeys) {
      const [key, oldest] = this.launches.entries().next().value!;
      this.launches.delete(key);
      for (const spare of oldest.spares.splice(0)) spare.kill();
    }
  }

  private fill(entry: Launch): void {
    while (
      !this.closed &&
      this.launches.get(entry.launch.key) === entry &&
      entry.failures < MAX_FAILURES &&
      entry.spares.length + entry.starting < entry.target
    ) {
      entry.starting++;
      const starting = this.spawn(entry.launch);
      this.starting.add(starting);
      void starting.finally(() => this.starting.delete(starting));
      void starting.then(
        (spare) => {
          entry.starting--;
          if (!spare) return;
          entry.spares.push(spare);
          void spare.whenExited.then(() => this.onExit(entry, spare));
          if (spare.pid !== undefined) this.options.onSpawned?.(spare.pid, spare.key);
          // Given up while it started: it goes at once.
          if (this.closed || this.launches.get(entry.launch.key) !== entry) spare.kill();
        },
        () => entry.starting--,
      );
    }
  }

  private async spawn(launch: SpareLaunch): Promise<Spare | undefined> {
    const api = new RuntimeApiServer(undefined, true);
    const address = await api.listen();
    if (this.closed) {
      await api.close();
      return undefined;
    }
    const child = spawn(launch.command, launch.args, {
      cwd: launch.cwd,
      env: { ...launch.env, FLOURISH_SPARE_RUNTIME_API: address },
      detached: true,
      windowsHide: true,
      // fd 3 carries the function's setup; the worker's stdin is empty, as when spawned fresh.
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    child.on('error', () => undefined);
    const spare = new Spare(child, launch.key, api);
    this.all.add(spare);
    return spare;
  }

  private onExit(entry: Launch, spare: Spare): void {
    if (spare.isTaken) return; // an environment's worker now: its exit is the environment's
    this.all.delete(spare);
    if (spare.pid !== undefined) {
      killProcessGroup(spare.pid); // whatever it started goes too
      this.options.onStopped?.(spare.pid, spare.key);
    }
    const at = entry.spares.indexOf(spare);
    if (at >= 0) entry.spares.splice(at, 1);
    // Given up (an older launch, or the engine stopping): not replaced.
    if (at < 0 || this.closed || this.launches.get(entry.launch.key) !== entry) return;
    entry.failures++;
    this.later(entry, REFILL_DELAY_MS);
  }

  private later(entry: Launch, delayMs: number): void {
    const timer = setTimeout(() => {
      this.refills.delete(timer);
      this.fill(entry);
    }, delayMs);
    timer.unref();
    this.refills.add(timer);
  }
}
