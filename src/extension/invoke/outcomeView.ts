// What the invoke panel shows of one invocation: the response as text (pretty-printed when it
// is JSON) and the numbers of its REPORT line. A response may be up to 200 MB when streamed;
// the panel shows the first RESPONSE_VIEW_LIMIT bytes and says how much there was, since the
// webview keeps the last results in its state. Pure: no `vscode`.
import { parseReportLine, type InvocationReport } from '../../core/cost';
import type { InvokeOutcomeView } from '../../webview/invoke/protocol';

export const RESPONSE_VIEW_LIMIT = 1024 * 1024;

export interface InvocationFacts {
  statusCode: number;
  payload: Buffer;
  functionError?: string;
  executedVersion?: string;
  requestId: string;
  log: string;
}

export function outcomeView(
  result: InvocationFacts,
  startedAt: number,
  roundTripMs: number,
): InvokeOutcomeView {
  let report: InvocationReport | undefined;
  for (const line of result.log.split('\n')) {
    report = parseReportLine(line);
    if (report) break;
  }
  return {
    statusCode: result.statusCode,
    functionError: result.functionError,
    response: responseText(result.payload),
    executedVersion: result.executedVersion,
    awsRequestId: result.requestId,
    durationMs: report?.durationMs,
    billedDurationMs: report?.billedDurationMs,
    memoryUsedMB: report?.maxMemoryUsedMB,
    memorySizeMB: report?.memorySizeMB,
    initDurationMs: report?.initDurationMs,
    coldStart: report?.initDurationMs !== undefined,
    log: result.log,
    startedAt,
    roundTripMs,
  };
}

export function responseText(payload: Buffer): string {
  if (payload.length > RESPONSE_VIEW_LIMIT) {
    // The decoder drops a character cut at the end rather than show half of it.
    const shown = new TextDecoder().decode(payload.subarray(0, RESPONSE_VIEW_LIMIT), {
      stream: true,
    });
    return `${shown}\n… (${megabytes(payload.length)} in all; the panel shows the first ${megabytes(RESPONSE_VIEW_LIMIT)})`;
  }
  const text = payload.toString('utf8');
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
