// CloudWatch GetMetricData over JSON 1.0 (`X-Amz-Target: GraniteServiceVersion20100801.
// GetMetricData`): MetricStat queries on the series the local cloud keeps, in periods of whole
// minutes from StartTime (rounded down to the minute) to EndTime (exclusive), with ScanBy and
// MaxDatapoints/NextToken paging. Metrics it does not keep answer with no data points, as
// CloudWatch answers for a metric nobody published; metric math is refused.
import {
  invalidNextToken,
  invalidParameterCombination,
  invalidParameterValue,
  missingParameter,
} from './errors';
import { BUCKET_MS, type Bucket, type Dimension, type MetricStore } from './metric-store';

export type MonitoringInput = Record<string, unknown>;
export type MonitoringHandler = (store: MetricStore, input: MonitoringInput) => unknown;

const MAX_QUERIES = 500;
const DEFAULT_MAX_DATAPOINTS = 100_800;
const STATISTICS = new Set(['Sum', 'SampleCount', 'Average', 'Minimum', 'Maximum']);
/** Percentiles and trimmed statistics: accepted, but samples are not kept for them. */
const EXTENDED_STATISTIC = /^(p|tm|wm|tc|ts|pr)(\d{1,2}(\.\d+)?|100|\(.*\))$/i;
const ID_PATTERN = /^[a-z][a-zA-Z0-9_]{0,254}$/;

interface Query {
  id: string;
  label: string;
  returnData: boolean;
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  periodMs: number;
  stat: string;
}

interface Datapoint {
  timestamp: number;
  value: number;
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidParameterValue(`The parameter ${where} must be a structure.`);
  }
  return value as Record<string, unknown>;
}

function text(input: Record<string, unknown>, key: string, where: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw invalidParameterValue(`The parameter ${where}${key} must be a string.`);
  return value;
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw missingParameter(`The parameter ${name} is required.`);
  return value;
}

/** JSON 1.0 sends timestamps as epoch seconds; an ISO string is accepted too. */
function time(input: MonitoringInput, key: string): number {
  const value = required(input[key] ?? undefined, key);
  const ms =
    typeof value === 'number'
      ? value * 1000
      : typeof value === 'string'
        ? Date.parse(value)
        : Number.NaN;
  if (!Number.isFinite(ms))
    throw invalidParameterValue(`The parameter ${key} must be a valid timestamp.`);
  return ms;
}

function parseQueries(input: MonitoringInput): Query[] {
  const list = required(input.MetricDataQueries ?? undefined, 'MetricDataQueries');
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_QUERIES) {
    throw invalidParameterValue(
      `The parameter MetricDataQueries must be a list of 1 to ${MAX_QUERIES} queries.`,
    );
  }
  const seen = new Set<string>();
  return list.map((raw, index) => {
    const where = `MetricDataQueries.member.${index + 1}.`;
    const query = record(raw, where.slice(0, -1));
    const id = required(text(query, 'Id', where), `${where}Id`);
    if (!ID_PATTERN.test(id)) {
      throw invalidParameterValue(
        `The value ${id} for parameter ${where}Id is not valid: it must start with a lowercase letter and contain only letters, numbers and underscores.`,
      );
    }
    if (seen.has(id))
      throw invalidParameterValue(`The value ${id} for parameter ${where}Id is not unique.`);
    seen.add(id);
    const hasStat = query.MetricStat !== undefined && query.MetricStat !== null;
    const expression = text(query, 'Expression', where);
    if (hasStat === (expression !== undefined)) {
      throw invalidParameterCombination(
        `Exactly one of MetricStat and Expression must be given in ${where.slice(0, -1)}.`,
      );
    }
    if (expression !== undefined) {
      throw invalidParameterValue(
        `The local cloud does not evaluate metric math (${where}Expression); query the metrics with MetricStat.`,
      );
    }
    const stat = record(query.MetricStat, `${where}MetricStat`);
    const metric = record(
      required(stat.Metric ?? undefined, `${where}MetricStat.Metric`),
      `${where}MetricStat.Metric`,
    );
    const metricName = required(
      text(metric, 'MetricName', `${where}MetricStat.Metric.`),
      `${where}MetricStat.Metric.MetricName`,
    );
    const period = required(stat.Period ?? undefined, `${where}MetricStat.Period`);
    if (
      typeof period !== 'number' ||
      !Number.isInteger(period) ||
      period < 1 ||
      (period >= 60 ? period % 60 !== 0 : ![1, 5, 10, 20, 30].includes(period))
    ) {
      throw invalidParameterValue(
        `The parameter ${where}MetricStat.Period must be 1, 5, 10, 20, 30, or a multiple of 60.`,
      );
    }
    const statistic = required(
      text(stat, 'Stat', `${where}MetricStat.`),
      `${where}MetricStat.Stat`,
    );
    if (!STATISTICS.has(statistic) && !EXTENDED_STATISTIC.test(statistic)) {
      throw invalidParameterValue(
        `The value ${statistic} for parameter ${where}MetricStat.Stat is not a valid statistic.`,
      );
    }
    const dimensions = metric.Dimensions ?? [];
    if (!Array.isArray(dimensions) || dimensions.length > 30) {
      throw invalidParameterValue(
        `The parameter ${where}MetricStat.Metric.Dimensions must be a list of at most 30.`,
      );
    }
    return {
      id,
      label: text(query, 'Label', where) ?? metricName,
      returnData: query.ReturnData !== false,
      namespace: text(metric, 'Namespace', `${where}MetricStat.Metric.`) ?? '',
      metricName,
      dimensions: dimensions.map((d, i) => {
        const dim = record(d, `${where}MetricStat.Metric.Dimensions.member.${i + 1}`);
        const at = `${where}MetricStat.Metric.Dimensions.member.${i + 1}.`;
        return {
          Name: required(text(dim, 'Name', at), `${at}Name`),
          Value: required(text(dim, 'Value', at), `${at}Value`),
        };
      }),
      // The local cloud keeps standard-resolution (1-minute) data only.
      periodMs: Math.max(period * 1000, BUCKET_MS),
      stat: statistic,
    };
  });
}

function statValue(stat: string, buckets: Bucket[]): number | undefined {
  const sum = buckets.reduce((n, b) => n + b.sum, 0);
  const count = buckets.reduce((n, b) => n + b.count, 0);
  switch (stat) {
    case 'Sum':
      return sum;
    case 'SampleCount':
      return count;
    case 'Average':
      return sum / count;
    case 'Minimum':
      return Math.min(...buckets.map((b) => b.min));
    case 'Maximum':
      return Math.max(...buckets.map((b) => b.max));
  }
  return undefined;
}

/** The periods of one query that hold data, oldest first. */
function datapoints(store: MetricStore, query: Query, start: number, end: number): Datapoint[] {
  const periods = new Map<number, Bucket[]>();
  for (const bucket of store.buckets(query, start, end)) {
    const periodStart =
      start + Math.floor((bucket.start - start) / query.periodMs) * query.periodMs;
    const list = periods.get(periodStart) ?? [];
    list.push(bucket);
    periods.set(periodStart, list);
  }
  const points: Datapoint[] = [];
  for (const [timestamp, buckets] of [...periods].sort((a, b) => a[0] - b[0])) {
    const value = statValue(query.stat, buckets);
    if (value !== undefined) points.push({ timestamp, value });
  }
  return points;
}

function offsetOf(token: string | undefined, total: number): number {
  if (token === undefined) return 0;
  const m = /^o:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  const offset = m ? Number(m[1]) : Number.NaN;
  if (!(offset >= 0 && offset <= total)) throw invalidNextToken('The NextToken is not valid.');
  return offset;
}

export const getMetricData: MonitoringHandler = (store, input) => {
  const queries = parseQueries(input);
  // Within the 15 days kept, CloudWatch rounds StartTime down to the whole minute.
  const start = Math.floor(time(input, 'StartTime') / BUCKET_MS) * BUCKET_MS;
  const end = time(input, 'EndTime');
  if (end <= start) {
    throw invalidParameterValue('The parameter StartTime must be earlier than EndTime.');
  }
  const scanBy = text(input, 'ScanBy', '') ?? 'TimestampDescending';
  if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') {
    throw invalidParameterValue(
      `The value ${scanBy} for parameter ScanBy is not valid: use TimestampDescending or TimestampAscending.`,
    );
  }
  const maxDatapoints = input.MaxDatapoints ?? DEFAULT_MAX_DATAPOINTS;
  if (typeof maxDatapoints !== 'number' || !Number.isInteger(maxDatapoints) || maxDatapoints < 1) {
    throw invalidParameterValue('The parameter MaxDatapoints must be a positive integer.');
  }
  const results = queries
    .filter((q) => q.returnData)
    .map((query) => {
      const points = datapoints(store, query, start, end);
      return { query, points: scanBy === 'TimestampDescending' ? points.reverse() : points };
    });
  // Pages cut through the queries' data points in query order.
  const total = results.reduce((n, r) => n + r.points.length, 0);
  const offset = offsetOf(text(input, 'NextToken', ''), total);
  const pageEnd = Math.min(total, offset + maxDatapoints);
  let before = 0;
  const page = results.map(({ query, points }) => {
    const from = Math.min(points.length, Math.max(0, offset - before));
    const to = Math.min(points.length, Math.max(0, pageEnd - before));
    before += points.length;
    const slice = points.slice(from, to);
    return {
      Id: query.id,
      Label: query.label,
      Timestamps: slice.map((p) => p.timestamp / 1000),
      Values: slice.map((p) => p.value),
      StatusCode: to < points.length ? 'PartialData' : 'Complete',
      Messages: [],
    };
  });
  return {
    MetricDataResults: page,
    NextToken: pageEnd < total ? Buffer.from(`o:${pageEnd}`).toString('base64url') : undefined,
    Messages: [],
  };
};

export const MONITORING_OPERATIONS: Record<string, MonitoringHandler> = {
  GetMetricData: getMetricData,
};
