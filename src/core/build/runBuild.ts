import { spawn, type ChildProcess } from 'node:child_process';
import type { FunctionSpec, Manifest } from '../manifest/types';
import { BuildError } from './errors';
import { resolveInside } from './paths';

export type OutputStream = 'stdout' | 'stderr';

export interface RunBuildOptions {
  /** Called once per line of output, without the line ending. */
  onOutput?: (line: string, stream: OutputStream) => void;
  /** Aborting kills the command's whole process group. */
  signal?: AbortSignal;
  /** Extra environment for the command, on top of this process's. */
  env?: Record<string, string>;
}

export interface BuildRun {
  command: string;
  cwd: string;
  exitCode: number;
  /** Everything the command printed, stdout and stderr interleaved as they arrived. */
  log: string;
}

const TAIL_LINES = 20;
/** The log kept for the result stops growing here; the tail is always kept for errors. */
const MAX_LOG_CHARS = 1 << 20;
/** Longer output without a newline is passed on in pieces of this size. */
const MAX_LINE_CHARS = 64 * 1024;
/** How long a cancelled command gets to exit after SIGTERM before it is killed. */
const KILL_GRACE_MS = 3000;

/**
 * Runs the function's build command through the shell in its cwd, streaming output line by
 * line. Resolves when it exits with 0; rejects with a BuildError otherwise or when cancelled.
 */
export function runBuild(
  fn: FunctionSpec,
  manifest: Manifest,
  options: RunBuildOptions = {},
): Promise<BuildRun> {
  const build = fn.build;
  if (!build) {
    return Promise.reject(
      new BuildError(
        `Function "${fn.key}" has no build command to run. Add build.command to it in ` +
          `${manifest.file}, or package it without a build.`,
        { functionKey: fn.key, command: '', exitCode: null, lastLines: [] },
      ),
    );
  }
  let cwd: string;
  try {
    cwd = resolveInside(manifest.root, build.cwd || '.', `build.cwd of function "${fn.key}"`);
  } catch (err) {
    return Promise.reject(err);
  }
  const { signal, onOutput } = options;
  const tail: string[] = [];
  let log = '';

  const fail = (what: string, extra: Partial<BuildError['details']>, cause?: unknown) =>
    new BuildError(
      `Build of function "${fn.key}" ${what} (command: ${build.command}, in ${cwd}).` +
        (tail.length ? `\nLast output:\n${tail.join('\n')}` : ''),
      {
        functionKey: fn.key,
        command: build.command,
        exitCode: null,
        lastLines: [...tail],
        ...extra,
      },
      cause === undefined ? undefined : { cause },
    );

  if (signal?.aborted) {
    return Promise.reject(fail('was cancelled before it started', { cancelled: true }));
  }

  return new Promise<BuildRun>((resolve, reject) => {
    const child = spawn(build.command, {
      cwd,
      shell: true,
      // Its own process group, so cancelling reaches whatever the shell started.
      detached: process.platform !== 'win32',
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });

    const record = (line: string, stream: OutputStream) => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
      if (log.length < MAX_LOG_CHARS) log += line + '\n';
      onOutput?.(line, stream);
    };
    const flushers = [splitLines(child, 'stdout', record), splitLines(child, 'stderr', record)];

    let cancelled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      cancelled = true;
      killTree(child, 'SIGTERM');
      killTimer = setTimeout(() => killTree(child, 'SIGKILL'), KILL_GRACE_MS);
      killTimer.unref();
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    child.once('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      reject(fail(`could not start: ${err.message}`, {}, err));
    });
    child.once('close', (code, sig) => {
      signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      for (const flush of flushers) flush();
      if (cancelled) {
        reject(fail('was cancelled', { cancelled: true, exitCode: code, signal: sig }));
      } else if (code === 0) {
        resolve({ command: build.command, cwd, exitCode: 0, log });
      } else if (code === null) {
        reject(
          fail(`was killed by ${sig}; check what stopped it and run it again`, {
            exitCode: null,
            signal: sig,
          }),
        );
      } else {
        reject(
          fail(`failed with exit code ${code}; fix the errors above and run it again`, {
            exitCode: code,
          }),
        );
      }
    });
  });
}

/** Emits whole lines from one output stream; returns a function that flushes a last partial line. */
function splitLines(
  child: ChildProcess,
  stream: OutputStream,
  emit: (line: string, stream: OutputStream) => void,
): () => void {
  let pending = '';
  const source = child[stream];
  source?.setEncoding('utf8');
  source?.on('data', (chunk: string) => {
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      emit(pending.slice(0, nl).replace(/\r$/, ''), stream);
      pending = pending.slice(nl + 1);
    }
    // A tool that never ends its line (a progress bar) still gets shown, in pieces.
    while (pending.length > MAX_LINE_CHARS) {
      emit(pending.slice(0, MAX_LINE_CHARS), stream);
      pending = pending.slice(MAX_LINE_CHARS);
    }
  });
  return () => {
    if (pending) emit(pending.replace(/\r$/, ''), stream);
    pending = '';
  };
}

/** Kills the child's process group (POSIX) or process tree (Windows). */
function killTree(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    if (process.platform === 'win32') {
      spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { windowsHide: true });
    } else {
      process.kill(-child.pid, sig);
    }
  } catch {
    // Already gone: nothing left to stop.
  }
}
