// What every harness entry does around its work: stop every started process group on the way
// out, including on Ctrl-C, SIGTERM and an overall timeout.
import { killAllGroupsNow, refuseNewProcesses, stopAllGroups } from './processes';

const shutdownTasks: (() => void)[] = [];

/** Registers quick, synchronous cleanup (removing scratch folders) for every way out. */
export function atShutdown(task: () => void): void {
  shutdownTasks.push(task);
}

export async function withCleanup<T>(work: () => Promise<T>): Promise<T> {
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping every process the harness started`);
    refuseNewProcesses();
    void stopAllGroups().finally(() => {
      for (const task of shutdownTasks) task();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Last resort if the process exits some other way (an uncaught error, process.exit).
  process.on('exit', killAllGroupsNow);
  try {
    return await work();
  } finally {
    // Whether the work finished or gave up (an overall timeout), nothing new starts after it.
    refuseNewProcesses();
    await stopAllGroups();
    for (const task of shutdownTasks) task();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Rejects after `ms` with a message naming what took too long. */
export function deadline(ms: number, what: string): { promise: Promise<never>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`)),
      ms,
    );
  });
  promise.catch(() => undefined);
  return { promise, cancel: () => clearTimeout(timer) };
}
