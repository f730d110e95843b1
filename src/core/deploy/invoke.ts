// Invoke a function of the manifest (through its stage alias by default) and return the
// result with that request's whole log. Lambda returns only the last 4 KB of the log with the
// response; when that is cut, the rest is read from the log stream, START to REPORT.
import { setTimeout as delay } from 'node:timers/promises';
import type { CloudProvider, InvocationType, InvokeResult, LogEvent } from '../cloud/provider';
import type { Manifest } from '../manifest/types';
import { isReportOf, isStartOf } from '../cost/report';
import { findFunction } from './plan';

export interface InvokeFunctionOptions {
  /** Version or alias; default the stage alias. */
  qualifier?: string;
  invocationType?: InvocationType;
  signal?: AbortSignal;
  /** How long to wait for a cut log to reach the log store; default 15 s. */
  logTimeoutMs?: number;
  /** Receives a streamed response as it comes (see InvokeInput.onStream). */
  onStream?: (chunk: Buffer) => void;
}

export interface InvocationResult extends InvokeResult {
  functionName: string;
  qualifier: string;
  /** The request's log, START to REPORT, when it could be read; else the 4 KB tail. */
  log: string;
  /** `log` holds the request's whole log. */
  logComplete: boolean;
}

/** How far before the call to search for its START line, for clocks that differ. */
const CLOCK_MARGIN_MS = 5 * 60_000;

export async function invokeFunction(
  manifest: Manifest,
  provider: CloudProvider,
  functionKey: string,
  payload: Uint8Array | string,
  options: InvokeFunctionOptions = {},
): Promise<InvocationResult> {
  const fn = findFunction(manifest, functionKey);
  const qualifier = options.qualifier ?? manifest.stage;
  const type = options.invocationType ?? 'RequestResponse';
  const startedAt = Date.now();
  const result = await provider.invoke(fn.name, {
    payload: typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload,
    qualifier,
    invocationType: type,
    signal: options.signal,
    ...(options.onStream ? { onStream: options.onStream } : {}),
  });
  let log = result.logTail ?? '';
  let logComplete = false;
  if (type === 'RequestResponse' && result.requestId) {
    logComplete = holdsWholeRequest(log, result.requestId);
    if (!logComplete && result.logTail !== undefined) {
      const whole = await readRequestLog(
        provider,
        provider.logGroupName(fn.name),
        result.requestId,
        {
          startTime: startedAt - CLOCK_MARGIN_MS,
          signal: options.signal,
          timeoutMs: options.logTimeoutMs ?? 15_000,
        },
      );
      if (whole !== undefined) {
        log = whole;
        logComplete = true;
      }
    }
  }
  return { ...result, functionName: fn.name, qualifier, log, logComplete };
}

/** Lambda's tail of a request's log: its last 4 KB. */
const TAIL_BYTES = 4096;

/**
 * A tail shorter than Lambda's 4 KB is the whole log, whatever lines it has (a function logging
 * JSON with SystemLogLevel WARN has no START or REPORT); a full one is whole if it holds both.
 */
function holdsWholeRequest(log: string, requestId: string): boolean {
  if (Buffer.byteLength(log) < TAIL_BYTES) return true;
  const lines = log.split('\n');
  return (
    lines.some((line) => isStartOf(line, requestId)) &&
    lines.some((line) => isReportOf(line, requestId))
  );
}

/**
 * The lines of one request from its log stream: an execution environment runs one request at
 * a time, so everything between its START and REPORT lines is its own. Polls (with backoff)
 * until the REPORT line has arrived, since log delivery lags the response.
 */
export async function readRequestLog(
  provider: CloudProvider,
  group: string,
  requestId: string,
  options: { startTime?: number; signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<string | undefined> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let pause = 100;
  for (;;) {
    const start = await findStart(provider, group, requestId, options);
    if (start) {
      const lines = await linesFrom(provider, group, start, requestId, options.signal);
      if (lines) return lines;
    }
    if (Date.now() + pause > deadline) return undefined;
    await delay(pause, undefined, { signal: options.signal });
    pause = Math.min(pause * 2, 2000);
  }
}

async function findStart(
  provider: CloudProvider,
  group: string,
  requestId: string,
  options: { startTime?: number; signal?: AbortSignal },
): Promise<LogEvent | undefined> {
  let nextToken: string | undefined;
  do {
    // Its START line, or the platform.start records (one per request) of a JSON function.
    const page = await provider.filterLogs(
      group,
      {
        startTime: options.startTime,
        filterPattern: `?"START RequestId: ${requestId}" ?"platform.start"`,
        nextToken,
      },
      { signal: options.signal },
    );
    const hit = page.items.find((e) => isStartOf(e.message, requestId));
    if (hit) return hit;
    nextToken = page.nextToken;
  } while (nextToken);
  return undefined;
}

async function linesFrom(
  provider: CloudProvider,
  group: string,
  start: LogEvent,
  requestId: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  const out: string[] = [];
  let started = false;
  let nextToken: string | undefined;
  do {
    const page = await provider.filterLogs(
      group,
      { logStreamNames: [start.logStream], startTime: start.timestamp, nextToken },
      { signal },
    );
    for (const e of page.items) {
      if (!started) {
        if (isStartOf(e.message, requestId)) started = true;
        else continue;
      }
      out.push(e.message.endsWith('\n') ? e.message : `${e.message}\n`);
      if (isReportOf(e.message, requestId)) return out.join('');
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return undefined;
}
