// Finds the local cloud this machine is running, or starts one in the background that outlives
// the caller (the CLI exits, the editor reloads; deployed functions stay reachable). The CLI and
// the extension both come here, each saying how to start the `flourish local start` process.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { readLocalCloudInfo, type LocalCloudInfo } from '../local';

export interface LaunchCommand {
  executable: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

export interface EnsureOptions {
  stateDir: string;
  /** How to run `flourish local start --state-dir <stateDir>` on this machine. */
  command: LaunchCommand;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export class LocalCloudStartError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LocalCloudStartError';
  }
}

/** The running local cloud's connection details, starting it first when none answers. */
export async function ensureLocalCloud(options: EnsureOptions): Promise<LocalCloudInfo> {
  const running = await findRunningLocalCloud(options.stateDir);
  if (running) return running;
  return startDetached(options);
}

/** The local cloud recorded in the state dir, if its process is still alive. */
export function findRunningLocalCloud(stateDir: string): Promise<LocalCloudInfo | undefined> {
  // readLocalCloudInfo already ignores a record whose process has gone.
  return readLocalCloudInfo(stateDir);
}

async function startDetached(options: EnsureOptions): Promise<LocalCloudInfo> {
  await mkdir(options.stateDir, { recursive: true });
  const logFile = path.join(options.stateDir, 'local-cloud.log');
  const log = openSync(logFile, 'a');
  const child = spawn(options.command.executable, options.command.args, {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, ...options.command.env },
    windowsHide: true,
  });
  closeSync(log);
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = signal ? `was stopped by ${signal}` : `exited with code ${code}`;
  });
  child.once('error', (error) => {
    exited = `could not start: ${error.message}`;
  });
  child.unref();

  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  // The server writes endpoint.json once it listens; wait for the one written by this child.
  for (;;) {
    options.signal?.throwIfAborted();
    const info = await readLocalCloudInfo(options.stateDir);
    if (info && info.pid === child.pid) return info;
    if (exited) {
      throw new LocalCloudStartError(
        `The local cloud ${exited}. Its log (${logFile}) ends with:\n${tail(logFile)}`,
      );
    }
    if (Date.now() > deadline) {
      if (child.pid) process.kill(child.pid, 'SIGTERM');
      throw new LocalCloudStartError(
        `The local cloud did not start within ${Math.round((options.timeoutMs ?? 15_000) / 1000)} s. See ${logFile}, or run "flourish local start" to watch it start.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
