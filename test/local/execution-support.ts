// Shared by the execution engine's tests: temp function folders, a recording log sink, a
// config builder, and an engine factory that stops every worker after each test.
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  ExecutionEngine,
  type ExecutionConfig,
  type ExecutionEngineOptions,
  type InvocationOutcome,
  type LogEventInput,
  type LogSink,
} from '../../src/core/local/execution';

export class RecordingSink implements LogSink {
  readonly events: { group: string; stream: string; event: LogEventInput }[] = [];

  write(logGroupName: string, logStreamName: string, events: LogEventInput[]): void {
    for (const event of events)
      this.events.push({ group: logGroupName, stream: logStreamName, event });
  }

  messages(stream?: string): string[] {
    return this.events
      .filter((e) => stream === undefined || e.stream === stream)
      .map((e) => e.event.message);
  }
}

const tempDirs: string[] = [];

/** A function's code folder with the given files (a file named `bootstrap` is made executable). */
export function codeDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flourish-exec-test-'));
  tempDirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    if (path.basename(name) === 'bootstrap') chmodSync(file, 0o755);
  }
  return dir;
}

export function config(overrides: Partial<ExecutionConfig> & { codeDir: string }): ExecutionConfig {
  const functionName = overrides.functionName ?? 'test-fn';
  return {
    functionName,
    version: '$LATEST',
    functionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    handler: 'index.handler',
    runtime: 'nodejs20.x',
    memorySizeMB: 256,
    timeoutSec: 10,
    ephemeralStorageMB: 512,
    architecture: 'x86_64',
    environment: {},
    region: 'us-east-1',
    accountId: '123456789012',
    logGroupName: `/aws/lambda/${functionName}`,
    environmentKey: `${functionName}|${overrides.codeDir}|${overrides.handler ?? ''}|${overrides.runtime ?? ''}`,
    ...overrides,
  };
}

export function request(
  payload: unknown = {},
  extra: { clientContext?: string; signal?: AbortSignal } = {},
) {
  return {
    requestId: randomUUID(),
    payload: Buffer.from(JSON.stringify(payload)),
    invocationType: 'RequestResponse' as const,
    ...extra,
  };
}

export function json(outcome: InvocationOutcome): unknown {
  return JSON.parse(outcome.payload.toString('utf8'));
}

/** Engines made here are shut down, and their workers checked gone, by `cleanUp`. */
export class EngineHarness {
  private readonly engines: ExecutionEngine[] = [];
  readonly pids = new Set<number>();

  make(options: Partial<ExecutionEngineOptions> & { logSink: LogSink }): ExecutionEngine {
    const engine = new ExecutionEngine(options);
    engine.on('environmentStarted', (e) => e.pid !== undefined && this.pids.add(e.pid));
    engine.on('spareStarted', (e) => this.pids.add(e.pid));
    this.engines.push(engine);
    return engine;
  }

  async cleanUp(): Promise<void> {
    await Promise.all(this.engines.splice(0).map((e) => e.shutdown()));
    // shutdown() waited for every worker's and spare's exit, so each is gone now.
    for (const pid of this.pids) {
      if (isAlive(pid)) throw new Error(`process ${pid} is still running after shutdown`);
    }
    this.pids.clear();
  }
}

/** Whether the process runs; a zombie (killed, not yet reaped by init) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Waits for a killed process to disappear: the kernel finishes a SIGKILL asynchronously. */
export async function waitUntilGone(pid: number, withinMs = 5000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline)
      throw new Error(`process ${pid} is still alive ${withinMs} ms after its kill`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * A loopback gate handlers can wait on: each GET is held until `release()`, so a test can
 * keep invocations busy for exactly as long as it needs, without sleeping.
 */
export class Gate {
  private readonly held: http.ServerResponse[] = [];
  private readonly waiters: { count: number; resolve: () => void }[] = [];
  private server: http.Server | undefined;
  url = '';

  async open(): Promise<void> {
    this.server = http.createServer((_req, res) => {
      this.held.push(res);
      for (const w of this.waiters.filter((w) => this.held.length >= w.count)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  /** Resolves once `count` requests are being held. */
  waitForHeld(count: number): Promise<void> {
    if (this.held.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  release(): void {
    for (const res of this.held.splice(0)) res.end('go');
  }

  async close(): Promise<void> {
    this.release();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}
