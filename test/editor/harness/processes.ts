// Child processes the harness starts. Each one is started in its own session (Node's
// `detached` calls setsid(2)), so it leads a process group and `kill(-pgid)` stops it together
// with everything it spawned (code-server's extension host, npm's nested installs, Chromium's
// helpers). Every group is remembered until it is stopped, so a failure, a timeout or Ctrl-C
// can stop all of them by id.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';

const groups = new Set<number>();
let shuttingDown = false;

/** After this, nothing new is started: a signal is stopping the harness. */
export function refuseNewProcesses(): void {
  shuttingDown = true;
}

/** Remembers a process group the harness owns (a child spawned with `detached: true`). */
export function trackGroup(pgid: number): void {
  groups.add(pgid);
}

/**
 * Remembers a process someone else started for the harness to stop at the end: its group if it
 * leads one (a detached child), else the process alone.
 */
export function trackProcess(pid: number): void {
  adopted.add(pid);
}

const adopted = new Set<number>();

/** Stops every adopted process that is still running. */
export async function stopAdopted(): Promise<void> {
  await Promise.all(
    [...adopted].map(async (pid) => {
      adopted.delete(pid);
      if (groupAlive(pid)) await stopGroup(pid);
      else signalProcess(pid, 'SIGTERM');
    }),
  );
}

/** Stops one process group: SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export async function stopGroup(pgid: number, graceMs = 5000): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) {
    groups.delete(pgid);
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && groupAlive(pgid)) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (groupAlive(pgid)) signalGroup(pgid, 'SIGKILL');
  groups.delete(pgid);
}

/** Stops every process group still remembered. */
export async function stopAllGroups(): Promise<void> {
  await stopAdopted();
  await Promise.all([...groups].map((pgid) => stopGroup(pgid)));
}

/** The synchronous last resort for process exit: SIGKILL to every remembered group. */
export function killAllGroupsNow(): void {
  for (const pid of adopted) {
    if (!signalGroup(pid, 'SIGKILL')) signalProcess(pid, 'SIGKILL');
  }
  adopted.clear();
  for (const pgid of groups) signalGroup(pgid, 'SIGKILL');
  groups.clear();
}

function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts a long-lived process in its own process group, output appended to `logFile`. */
export function startGroup(
  command: string,
  args: string[],
  options: SpawnOptions & { logFile: string },
): ChildProcess {
  if (shuttingDown) throw new Error(`not starting ${command}: the harness is shutting down`);
  const fd = openSync(options.logFile, 'a');
  try {
    const child = spawn(command, args, {
      ...options,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    if (child.pid === undefined) {
      throw new Error(`could not start ${command}: no process id (see ${options.logFile})`);
    }
    trackGroup(child.pid);
    return child;
  } finally {
    closeSync(fd);
  }
}

/**
 * Runs a command to completion in its own process group with output appended to `logFile`.
 * On a non-zero exit the error carries the log's tail, so the reader sees why.
 */
export async function runLogged(
  command: string,
  args: string[],
  options: SpawnOptions & { logFile: string; what: string },
): Promise<void> {
  const child = startGroup(command, args, options);
  const pgid = child.pid as number;
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  // The command is done; anything it left running in its group is stopped now.
  await stopGroup(pgid, 1000);
  if (code !== 0) {
    const status = signal ? `signal ${signal}` : `exit code ${code}`;
    throw new Error(
      `${options.what} failed (${status}): ${command} ${args.join(' ')}\n` +
        `Last lines of ${options.logFile}:\n${tail(options.logFile, 40)}`,
    );
  }
}

/** The last `lines` lines of a text file, or a note that it cannot be read. */
export function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch (error) {
    return `(cannot read ${file}: ${(error as Error).message})`;
  }
}
