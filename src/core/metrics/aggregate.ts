// Per-function numbers from the logs every Lambda invocation leaves, the same on the local
// cloud and on AWS: invocations, errors, cold starts, duration percentiles, memory against
// configured (with a right-sizing hint), the cost, and a timeline for the charts. Throttles
// never reach a log: they come from the platform's metrics and are merged in here.
import { estimateCost, type CostBreakdown } from '../cost/costModel';
import { parseReportLine, type InvocationReport } from '../cost/report';
import type { Architecture } from '../manifest/types';

export interface MetricsLogEvent {
  timestamp: number;
  message: string;
}

export interface FunctionSettings {
  architecture: Architecture;
  memorySizeMB: number;
  ephemeralStorageMB?: number;
}

export interface TimelineBucket {
  start: number;
  invocations: number;
  errors: number;
  /** Requests refused for concurrency (0 when the figure is unavailable). */
  throttles: number;
  p95Ms?: number;
}

/** A count read from the platform's metrics, or why it could not be read (shown as n/a). */
export type PlatformCount =
  { available: true; count: number } | { available: false; reason: string };

/** Throttle sums per period from the platform (oldest first), or why they are unavailable. */
export type ThrottleInput = { timestamp: number; value: number }[] | { unavailable: string };

export interface FunctionMetrics {
  invocations: number;
  errors: number;
  coldStarts: number;
  /** Requests refused because no concurrency was free; they are neither invocations nor billed. */
  throttles: PlatformCount;
  durationMs: { p50?: number; p95?: number; p99?: number; max?: number };
  initDurationMs: { p50?: number; max?: number };
  maxMemoryUsedMB?: number;
  memorySizeMB: number;
  rightSizing?: RightSizingHint;
  cost: CostBreakdown;
  timeline: TimelineBucket[];
}

/** A service's metrics for a period: what the dashboard and `flourish metrics` show. */
export interface ServiceMetrics {
  service: string;
  stage: string;
  target: string;
  from: number;
  to: number;
  functions: { key: string; name: string; metrics: FunctionMetrics; truncated: boolean }[];
  totals: {
    invocations: number;
    errors: number;
    coldStarts: number;
    throttles: PlatformCount;
    cost: CostBreakdown;
  };
}

export interface RightSizingHint {
  kind: 'lower' | 'raise';
  suggestedMB: number;
  reason: string;
}

const ERROR_LINE =
  /\tERROR\t|^\[ERROR\]|\bInvoke Error\b|Task timed out after|Runtime exited with error|"errorType"|"level":\s*"ERROR"/;
/** A report whose invocation did not finish, in text (`Status: …`) or JSON (`"status"`). */
const FAILED_STATUS = new Set(['error', 'timeout', 'failure']);
const REQUEST_ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

export interface AggregateOptions {
  /** Period start and end (epoch ms), for the timeline. */
  from: number;
  to: number;
  buckets?: number;
  /** From the platform's metrics; default none seen. */
  throttles?: ThrottleInput;
}

export function aggregateFunctionMetrics(
  events: Iterable<MetricsLogEvent>,
  settings: FunctionSettings,
  options: AggregateOptions,
): FunctionMetrics {
  const reports: { at: number; report: InvocationReport }[] = [];
  const failed = new Set<string>();
  for (const event of events) {
    const report = parseReportLine(event.message);
    if (report) {
      reports.push({ at: event.timestamp, report });
      if (report.status && FAILED_STATUS.has(report.status)) failed.add(report.requestId);
      continue;
    }
    if (ERROR_LINE.test(event.message)) {
      const id = REQUEST_ID.exec(event.message)?.[0];
      if (id) failed.add(id.toLowerCase());
    }
  }
  const durations = reports.map((r) => r.report.durationMs).sort((a, b) => a - b);
  const inits = reports
    .map((r) => r.report.initDurationMs)
    .filter((d): d is number => d !== undefined)
    .sort((a, b) => a - b);
  const errors = reports.filter((r) => failed.has(r.report.requestId.toLowerCase())).length;
  const maxMemoryUsedMB = reports.length
    ? Math.max(...reports.map((r) => r.report.maxMemoryUsedMB))
    : undefined;
  const memorySizeMB = reports.at(-1)?.report.memorySizeMB ?? settings.memorySizeMB;
  const throttles = options.throttles ?? [];
  return {
    invocations: reports.length,
    errors,
    coldStarts: inits.length,
    throttles: Array.isArray(throttles)
      ? { available: true, count: throttles.reduce((n, p) => n + p.value, 0) }
      : { available: false, reason: throttles.unavailable },
    durationMs: {
      p50: percentile(durations, 50),
      p95: percentile(durations, 95),
      p99: percentile(durations, 99),
      max: durations.at(-1),
    },
    initDurationMs: { p50: percentile(inits, 50), max: inits.at(-1) },
    maxMemoryUsedMB,
    memorySizeMB,
    rightSizing: rightSizing(maxMemoryUsedMB, memorySizeMB, reports.length),
    cost: estimateCost(
      reports.map(({ report }) => ({
        architecture: settings.architecture,
        memorySizeMB: report.memorySizeMB,
        durationMs: report.durationMs,
        initDurationMs: report.initDurationMs,
        ephemeralStorageMB: settings.ephemeralStorageMB,
      })),
    ),
    timeline: timeline(reports, failed, Array.isArray(throttles) ? throttles : [], options),
  };
}

/** The service's throttles: available when every function's figure is. */
export function totalThrottles(figures: PlatformCount[]): PlatformCount {
  let count = 0;
  for (const figure of figures) {
    if (!figure.available) return figure;
    count += figure.count;
  }
  return { available: true, count };
}

/**
 * The period each throttle sum should cover to fill the timeline's buckets: close to a bucket's
 * width, in whole minutes, five minutes or hours, as CloudWatch asks of periods reaching back
 * past 15 and 63 days.
 */
export function throttlePeriodSeconds(options: AggregateOptions): number {
  const width = Math.max(1, options.to - options.from) / (options.buckets ?? DEFAULT_BUCKETS);
  const step = width >= 3_600_000 ? 3600 : width >= 300_000 ? 300 : 60;
  return Math.max(60, Math.floor(width / 1000 / step) * step);
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

// Lambda gives CPU in proportion to memory, so the hint is conservative: it suggests lowering
// only with room to spare (1.5x the peak) and raising when the peak nears the limit.
function rightSizing(
  maxUsed: number | undefined,
  size: number,
  samples: number,
): RightSizingHint | undefined {
  if (maxUsed === undefined || samples < 5) return undefined;
  if (maxUsed >= size * 0.9) {
    const suggestedMB = Math.min(10240, roundUpTo64(Math.max(size * 1.5, maxUsed * 1.5)));
    return {
      kind: 'raise',
      suggestedMB,
      reason: `peak memory ${maxUsed} MB is ${Math.round((maxUsed / size) * 100)}% of ${size} MB; an invocation near the limit is killed`,
    };
  }
  const suggestedMB = Math.max(128, roundUpTo64(maxUsed * 1.5));
  if (suggestedMB <= size / 2) {
    return {
      kind: 'lower',
      suggestedMB,
      reason: `peak memory ${maxUsed} MB uses ${Math.round((maxUsed / size) * 100)}% of ${size} MB; check duration after lowering, as CPU shrinks with memory`,
    };
  }
  return undefined;
}

function roundUpTo64(mb: number): number {
  return Math.ceil(mb / 64) * 64;
}

const DEFAULT_BUCKETS = 24;

function timeline(
  reports: { at: number; report: InvocationReport }[],
  failed: Set<string>,
  throttles: { timestamp: number; value: number }[],
  options: AggregateOptions,
): TimelineBucket[] {
  const count = options.buckets ?? DEFAULT_BUCKETS;
  const span = Math.max(1, options.to - options.from);
  const width = span / count;
  const buckets = Array.from({ length: count }, (_, i) => ({
    start: Math.round(options.from + i * width),
    invocations: 0,
    errors: 0,
    throttles: 0,
    durations: [] as number[],
  }));
  const indexOf = (at: number) =>
    Math.min(count - 1, Math.max(0, Math.floor((at - options.from) / width)));
  for (const { at, report } of reports) {
    const bucket = buckets[indexOf(at)];
    bucket.invocations += 1;
    if (failed.has(report.requestId.toLowerCase())) bucket.errors += 1;
    bucket.durations.push(report.durationMs);
  }
  for (const point of throttles) buckets[indexOf(point.timestamp)].throttles += point.value;
  return buckets.map(({ durations, ...bucket }) => ({
    ...bucket,
    p95Ms: percentile(
      durations.sort((a, b) => a - b),
      95,
    ),
  }));
}
