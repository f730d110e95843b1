// Reads Lambda's REPORT lines, the one record every invocation leaves in its log, local or AWS:
// REPORT RequestId: <id>\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\t
// Max Memory Used: 70 MB\tInit Duration: 150.20 ms
// or, from a function that logs as JSON, its `platform.report` record:
// {"time":"…","type":"platform.report","record":{"requestId":"<id>","metrics":{"durationMs":12.34,
// "billedDurationMs":13,"memorySizeMB":128,"maxMemoryUsedMB":70},"status":"success"}}

export interface InvocationReport {
  requestId: string;
  durationMs: number;
  billedDurationMs: number;
  memorySizeMB: number;
  maxMemoryUsedMB: number;
  /** Present on a cold start. */
  initDurationMs?: number;
  /**
   * Lambda adds `Status: timeout` / `Status: error` when the invocation did not finish (a JSON
   * record may also say `failure`); absent when it did.
   */
  status?: string;
}

const FIELD = /([A-Za-z ]+):\s*([^\t]+)/g;

/** Marks a JSON platform.report record, as a filter pattern term and in the text. */
export const JSON_REPORT_TYPE = 'platform.report';

export function parseReportLine(line: string): InvocationReport | undefined {
  if (line.startsWith('{') && line.includes(JSON_REPORT_TYPE)) return parseReportRecord(line);
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

/** Whether a log event is the START line (or JSON `platform.start` record) of this request. */
export function isStartOf(message: string, requestId: string): boolean {
  return (
    message.startsWith(`START RequestId: ${requestId}`) ||
    isRecordOf(message, 'platform.start', requestId)
  );
}

/** Whether a log event is the REPORT line (or JSON `platform.report` record) of this request. */
export function isReportOf(message: string, requestId: string): boolean {
  return (
    message.startsWith(`REPORT RequestId: ${requestId}`) ||
    isRecordOf(message, JSON_REPORT_TYPE, requestId)
  );
}

/** A platform record of this type for this request: its own `type`, not a logged object's. */
function isRecordOf(message: string, type: string, requestId: string): boolean {
  if (!message.startsWith('{') || !message.includes(requestId)) return false;
  const parsed = platformRecord(message);
  return parsed?.type === type && parsed.record.requestId === requestId;
}

function platformRecord(
  message: string,
): { type: unknown; record: Record<string, unknown> } | undefined {
  try {
    const parsed = JSON.parse(message) as { type?: unknown; record?: unknown };
    return typeof parsed?.record === 'object' && parsed.record !== null
      ? { type: parsed.type, record: parsed.record as Record<string, unknown> }
      : undefined;
  } catch {
    return undefined;
  }
}

function parseReportRecord(line: string): InvocationReport | undefined {
  const parsed = platformRecord(line);
  if (parsed?.type !== JSON_REPORT_TYPE) return undefined;
  const { record } = parsed;
  const metrics = (record.metrics ?? {}) as Record<string, unknown>;
  const requestId = record.requestId;
  const duration = metrics.durationMs;
  const billed = metrics.billedDurationMs;
  const memory = metrics.memorySizeMB;
  if (
    typeof requestId !== 'string' ||
    !requestId ||
    !finite(duration) ||
    !finite(billed) ||
    !finite(memory)
  ) {
    return undefined;
  }
  const report: InvocationReport = {
    requestId,
    durationMs: duration,
    billedDurationMs: billed,
    memorySizeMB: memory,
    maxMemoryUsedMB: finite(metrics.maxMemoryUsedMB) ? metrics.maxMemoryUsedMB : 0,
  };
  if (finite(metrics.initDurationMs)) report.initDurationMs = metrics.initDurationMs;
  if (typeof record.status === 'string' && record.status !== 'success') {
    report.status = record.status;
  }
  return report;
}

const finite = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

function number(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number.parseFloat(text);
  return Number.isFinite(value) ? value : undefined;
}
