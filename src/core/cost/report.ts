// Reads Lambda's REPORT lines, the one record every invocation leaves in its log, local or AWS:
// REPORT RequestId: <id>\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\t
// Max Memory Used: 70 MB\tInit Duration: 150.20 ms

export interface InvocationReport {
  requestId: string;
  durationMs: number;
  billedDurationMs: number;
  memorySizeMB: number;
  maxMemoryUsedMB: number;
  /** Present on a cold start. */
  initDurationMs?: number;
  /** Lambda adds `Status: timeout` / `Status: error` when the invocation did not finish. */
  status?: string;
}

const FIELD = /([A-Za-z ]+):\s*([^\t]+)/g;

export function parseReportLine(line: string): InvocationReport | undefined {
  const start = line.indexOf('REPORT RequestId:');
  if (start < 0) return undefined;
  const fields = new Map<string, string>();
  for (const match of line.slice(start + 'REPORT '.length).matchAll(FIELD)) {
    fields.set(match[1].trim(), match[2].trim());
  }
  const requestId = fields.get('RequestId');
  const duration = number(fields.get('Duration'));
  const billed = number(fields.get('Billed Duration'));
  const memory = number(fields.get('Memory Size'));
  const used = number(fields.get('Max Memory Used'));
  if (!requestId || duration === undefined || billed === undefined || memory === undefined) {
    return undefined;
  }
  const report: InvocationReport = {
    requestId,
    durationMs: duration,
    billedDurationMs: billed,
    memorySizeMB: memory,
    maxMemoryUsedMB: used ?? 0,
  };
  const init = number(fields.get('Init Duration'));
  if (init !== undefined) report.initDurationMs = init;
  const status = fields.get('Status');
  if (status) report.status = status;
  return report;
}

function number(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number.parseFloat(text);
  return Number.isFinite(value) ? value : undefined;
}
