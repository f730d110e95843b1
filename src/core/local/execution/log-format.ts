// The platform's own log lines, in the text format Lambda writes to CloudWatch Logs.
import { randomBytes } from 'node:crypto';

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

/** `Task timed out after 3.00 seconds`, as Lambda logs and reports a timeout. */
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
