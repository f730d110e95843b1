// The platform's own log lines, as Lambda writes them to CloudWatch Logs: text lines (START,
// END, REPORT) or, for a function that logs as JSON, records (platform.start, platform.report).
import { randomBytes } from 'node:crypto';
import type { ExecutionConfig, SystemLogLevel } from './contract';

export function startLine(requestId: string, version: string): string {
  return `START RequestId: ${requestId} Version: ${version}`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

export interface ReportFields {
  durationMs: number;
  billedDurationMs: number;
  memorySizeMB: number;
  maxMemoryUsedMB: number;
  initDurationMs?: number;
  /** `timeout`, or `error` with the error type, as Lambda appends for platform failures. */
  status?: { status: 'timeout' } | { status: 'error'; errorType: string };
}

export function reportLine(requestId: string, r: ReportFields): string {
  let line =
    `REPORT RequestId: ${requestId}\tDuration: ${r.durationMs.toFixed(2)} ms` +
    `\tBilled Duration: ${r.billedDurationMs} ms\tMemory Size: ${r.memorySizeMB} MB` +
    `\tMax Memory Used: ${r.maxMemoryUsedMB} MB`;
  if (r.initDurationMs !== undefined) line += `\tInit Duration: ${r.initDurationMs.toFixed(2)} ms`;
  if (r.status?.status === 'timeout') line += '\tStatus: timeout';
  if (r.status?.status === 'error') line += `\tStatus: error\tError Type: ${r.status.errorType}`;
  return line + '\t';
}

export type InitFailure = { status: 'timeout' } | { status: 'error'; errorType: string };

/** The platform's lines for one function; undefined where its format writes none. */
export interface PlatformLines {
  start(requestId: string): string | undefined;
  end(requestId: string): string | undefined;
  report(requestId: string, fields: ReportFields): string | undefined;
  initReport(durationMs: number, failure: InitFailure): string | undefined;
}

export function platformLines(config: ExecutionConfig): PlatformLines {
  return config.jsonLogging
    ? jsonLines(config, config.jsonLogging.systemLogLevel)
    : textLines(config.version);
}

function textLines(version: string): PlatformLines {
  return {
    start: (requestId) => startLine(requestId, version),
    end: endLine,
    report: reportLine,
    initReport: (durationMs, failure) =>
      `INIT_REPORT Init Duration: ${durationMs.toFixed(2)} ms\tPhase: init\tStatus: ${failure.status}` +
      (failure.status === 'error' ? `\tError Type: ${failure.errorType}` : ''),
  };
}

/**
 * Records as Lambda writes them in JSON format: `{"time", "type", "record"}`, no END line. They
 * are INFO records, so a SystemLogLevel of WARN leaves them out.
 */
function jsonLines(config: ExecutionConfig, level: SystemLogLevel): PlatformLines {
  if (level === 'WARN') {
    return { start: none, end: none, report: none, initReport: none };
  }
  const record = (type: string, body: Record<string, unknown>): string =>
    JSON.stringify({ time: new Date().toISOString(), type, record: body });
  return {
    start: (requestId) =>
      record('platform.start', {
        requestId,
        functionArn: config.functionArn.replace(/:[^:]+$/, ''),
        version: config.version,
      }),
    end: none,
    report: (requestId, r) =>
      record('platform.report', {
        requestId,
        metrics: {
          durationMs: round3(r.durationMs),
          billedDurationMs: r.billedDurationMs,
          memorySizeMB: r.memorySizeMB,
          maxMemoryUsedMB: r.maxMemoryUsedMB,
          ...(r.initDurationMs !== undefined ? { initDurationMs: round3(r.initDurationMs) } : {}),
        },
        status: r.status?.status ?? 'success',
        ...(r.status?.status === 'error' ? { errorType: r.status.errorType } : {}),
      }),
    initReport: (durationMs, failure) =>
      record('platform.initReport', {
        initializationType: 'on-demand',
        phase: 'init',
        status: failure.status,
        ...(failure.status === 'error' ? { errorType: failure.errorType } : {}),
        metrics: { durationMs: round3(durationMs) },
      }),
  };
}

const none = (): undefined => undefined;
const round3 = (ms: number): number => Math.round(ms * 1000) / 1000;

/** `Task timed out after 3.00 seconds`, as Lambda reports a timeout to the caller. */
export function timeoutText(timeoutSec: number): string {
  return `Task timed out after ${timeoutSec.toFixed(2)} seconds`;
}

/** `YYYY/MM/DD/[<version>]<32 hex>`: one stream per execution environment. */
export function newLogStreamName(version: string, now = new Date()): string {
  const y = now.getUTCFullYear();
  const m = String(now.getUTCMonth() + 1).padStart(2, '0');
  const d = String(now.getUTCDate()).padStart(2, '0');
  return `${y}/${m}/${d}/[${version}]${randomBytes(16).toString('hex')}`;
}

/** Lambda bills each millisecond begun. */
export function billedMs(durationMs: number): number {
  return Math.max(1, Math.ceil(durationMs));
}
