// Reads a service's metrics on any provider (local cloud or AWS): from its functions' logs, the
// REPORT line of every invocation and the lines that mark a failure; from the platform's
// metrics, the throttled requests, which leave no log line.
import { CloudError } from '../cloud/errors';
import type { CloudProvider, LogEvent } from '../cloud/provider';
import { estimateCost, type BillableInvocation } from '../cost/costModel';
import { JSON_REPORT_TYPE, parseReportLine } from '../cost/report';
import type { FunctionSpec, Manifest } from '../manifest/types';
import {
  aggregateFunctionMetrics,
  throttlePeriodSeconds,
  totalThrottles,
  type ServiceMetrics,
  type ThrottleInput,
} from './aggregate';

/** Only what the numbers need: REPORT lines (text or JSON records) and failures. */
export const METRICS_FILTER = `?REPORT ?"${JSON_REPORT_TYPE}" ?ERROR ?"Task timed out" ?"Runtime exited"`;
/** Past this many events per function, the period is cut short (and said so). */
const MAX_EVENTS = 200_000;

export interface CollectOptions {
  from: number;
  to: number;
  functions?: string[];
  buckets?: number;
  signal?: AbortSignal;
}

export async function collectServiceMetrics(
  manifest: Manifest,
  provider: CloudProvider,
  options: CollectOptions,
): Promise<ServiceMetrics> {
  const chosen = manifest.functions.filter(
    (fn) => !options.functions?.length || options.functions.includes(fn.key),
  );
  const functions = await Promise.all(
    chosen.map(async (fn) => {
      const [{ events, truncated }, throttles] = await Promise.all([
        readMetricEvents(provider, fn, options),
        readThrottles(provider, fn, options),
      ]);
      const metrics = aggregateFunctionMetrics(
        events,
        {
          architecture: fn.architecture,
          memorySizeMB: fn.memory,
          ephemeralStorageMB: fn.ephemeralStorage,
        },
        { from: options.from, to: options.to, buckets: options.buckets, throttles },
      );
      return { key: fn.key, name: fn.name, metrics, truncated, billable: billable(events, fn) };
    }),
  );
  return {
    service: manifest.service,
    stage: manifest.stage,
    target: provider.label,
    from: options.from,
    to: options.to,
    functions: functions.map(({ billable: _billable, ...rest }) => rest),
    totals: {
      invocations: sum(functions.map((f) => f.metrics.invocations)),
      errors: sum(functions.map((f) => f.metrics.errors)),
      coldStarts: sum(functions.map((f) => f.metrics.coldStarts)),
      throttles: totalThrottles(functions.map((f) => f.metrics.throttles)),
      // The free tier applies to the account's total, so the service is priced as a whole.
      cost: estimateCost(functions.flatMap((f) => f.billable)),
    },
  };
}

async function readMetricEvents(
  provider: CloudProvider,
  fn: FunctionSpec,
  options: CollectOptions,
): Promise<{ events: LogEvent[]; truncated: boolean }> {
  const group = provider.logGroupName(fn.name);
  const events: LogEvent[] = [];
  let nextToken: string | undefined;
  do {
    let page;
    try {
      page = await provider.filterLogs(
        group,
        { startTime: options.from, endTime: options.to, filterPattern: METRICS_FILTER, nextToken },
        { signal: options.signal },
      );
    } catch (error) {
      // A function that never ran has no log group: no invocations, not a failure.
      if ((error as { notFound?: boolean }).notFound) return { events, truncated: false };
      throw error;
    }
    events.push(...page.items);
    nextToken = page.nextToken;
    if (events.length >= MAX_EVENTS) return { events, truncated: Boolean(nextToken) };
  } while (nextToken);
  return { events, truncated: false };
}

/**
 * The function's throttles in periods that fit the timeline. Credentials that may not read
 * metrics, or an endpoint that does not serve them, leave the figure unavailable with the
 * reason rather than failing the whole report.
 */
async function readThrottles(
  provider: CloudProvider,
  fn: FunctionSpec,
  options: CollectOptions,
): Promise<ThrottleInput> {
  try {
    return await provider.getThrottles(
      fn.name,
      { from: options.from, to: options.to, periodSeconds: throttlePeriodSeconds(options) },
      { signal: options.signal },
    );
  } catch (error) {
    if (
      error instanceof CloudError &&
      (error.accessDenied || error.code === 'UnknownOperationException')
    ) {
      return { unavailable: error.message };
    }
    throw error;
  }
}

function billable(events: LogEvent[], fn: FunctionSpec): BillableInvocation[] {
  const result: BillableInvocation[] = [];
  for (const event of events) {
    const report = parseReportLine(event.message);
    if (!report) continue;
    result.push({
      architecture: fn.architecture,
      memorySizeMB: report.memorySizeMB,
      durationMs: report.durationMs,
      initDurationMs: report.initDurationMs,
      ephemeralStorageMB: fn.ephemeralStorage,
    });
  }
  return result;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
