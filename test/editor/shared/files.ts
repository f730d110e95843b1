// Waiting for a file to appear, by watching its folder rather than sleeping. Used on both sides
// of the harness/runner boundary.
import { existsSync, renameSync, watch, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Resolves when `file` exists. Rejects after `timeoutMs` with `what` in the message, or at once
 * when `abort` rejects (for example because the process that should write the file exited).
 */
export function waitForFile(
  file: string,
  timeoutMs: number,
  what: string,
  abort?: Promise<never>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const dir = path.dirname(file);
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(poll);
      watcher.close();
      if (error) reject(error);
      else resolve();
    };
    const check = () => {
      if (existsSync(file)) finish();
    };
    const watcher = watch(dir, () => check());
    watcher.on('error', (error) =>
      finish(new Error(`cannot watch ${dir} for ${what}`, { cause: error })),
    );
    // fs.watch can miss an event on some file systems; a slow poll is the safety net.
    const poll = setInterval(check, 500);
    const timer = setTimeout(
      () => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${file})`)),
      timeoutMs,
    );
    abort?.catch((error: unknown) =>
      finish(error instanceof Error ? error : new Error(String(error))),
    );
    check();
  });
}

/** Writes a file so that a watcher never sees it half-written. */
export function writeFileAtomic(file: string, content: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, file);
}
