// The local cloud's metric buckets: one a minute per exact dimension set, 15 days kept, a reload
// that finds what was flushed; and GetMetricData's periods, statistics and order over them.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { getMetricData } from '../../src/core/local/monitoring/get-metric-data';
import { LambdaMetrics } from '../../src/core/local/monitoring/lambda-metrics';
import { MetricStore, RETENTION_MS } from '../../src/core/local/monitoring/metric-store';

const MINUTE = 60_000;
// 2026-01-01T00:00:00Z: a whole hour, so periods line up.
const T0 = Date.UTC(2026, 0, 1);

const fn = (name: string) => ({
  namespace: 'AWS/Lambda',
  metricName: 'Throttles',
  dimensions: [{ Name: 'FunctionName', Value: name }],
});

interface Output {
  MetricDataResults: { Id: string; Timestamps: number[]; Values: number[]; StatusCode: string }[];
  NextToken?: string;
}

describe('local cloud: metric store', () => {
  let dir: string;
  let now = T0;
  const clock = (): number => now;
  const open = () => new MetricStore(dir, { clock, onError: (e) => assert.fail(e as Error) });

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'flourish-metrics-'));
    now = T0;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('sums samples into 1-minute buckets of exactly one dimension set', async () => {
    const store = open();
    store.add(fn('a'), 1, T0 + 5_000);
    store.add(fn('a'), 1, T0 + 59_999);
    store.add(fn('a'), 3, T0 + MINUTE);
    store.add(fn('b'), 1, T0);
    assert.deepEqual(store.buckets(fn('a'), T0, T0 + 10 * MINUTE), [
      { start: T0, sum: 2, count: 2, min: 1, max: 1 },
      { start: T0 + MINUTE, sum: 3, count: 1, min: 3, max: 3 },
    ]);
    // [from, to) on bucket starts.
    assert.equal(store.buckets(fn('a'), T0, T0 + MINUTE).length, 1);
    // A subset or superset of the dimensions is another series.
    assert.deepEqual(store.buckets({ ...fn('a'), dimensions: [] }, T0, T0 + MINUTE), []);
    await store.flush();
  });

  it('records a throttle per account, function and Resource, dimensions in any order', async () => {
    const store = open();
    const lambda = new LambdaMetrics(store);
    lambda.throttled('f');
    lambda.throttled('f', 'live');
    const sum = (dimensions: { Name: string; Value: string }[]) =>
      store
        .buckets({ namespace: 'AWS/Lambda', metricName: 'Throttles', dimensions }, T0, T0 + MINUTE)
        .reduce((n, b) => n + b.sum, 0);
    assert.equal(sum([]), 2);
    assert.equal(sum([{ Name: 'FunctionName', Value: 'f' }]), 2);
    assert.equal(
      sum([
        { Name: 'Resource', Value: 'f:live' },
        { Name: 'FunctionName', Value: 'f' },
      ]),
      1,
    );
    assert.equal(
      sum([
        { Name: 'FunctionName', Value: 'f' },
        { Name: 'Resource', Value: 'f' },
      ]),
      1,
    );
    await store.flush();
  });

  it('persists atomically and reloads what was flushed, private to the user', async () => {
    const store = open();
    store.add(fn('a'), 1, T0);
    store.add(fn('a'), 1, T0 + 2 * MINUTE);
    await store.flush();
    const file = path.join(dir, 'metrics.json');
    if (process.platform !== 'win32') assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal(JSON.parse(await readFile(file, 'utf8')).formatVersion, 1);
    const again = open();
    await again.load();
    assert.deepEqual(
      again.buckets(fn('a'), T0, T0 + 10 * MINUTE).map((b) => [b.start, b.sum]),
      [
        [T0, 1],
        [T0 + 2 * MINUTE, 1],
      ],
    );
  });

  it('keeps 15 days, as CloudWatch keeps 1-minute data, on disk too', async () => {
    const store = open();
    store.add(fn('old'), 1, T0);
    store.add(fn('a'), 1, T0 + MINUTE);
    now = T0 + RETENTION_MS + MINUTE + 30_000;
    store.add(fn('a'), 1, now);
    await store.flush();
    assert.deepEqual(store.buckets(fn('old'), 0, now), []);
    assert.deepEqual(
      store.buckets(fn('a'), 0, now + MINUTE).map((b) => b.start),
      [T0 + MINUTE, T0 + RETENTION_MS + MINUTE],
    );
    const saved = JSON.parse(await readFile(path.join(dir, 'metrics.json'), 'utf8')) as {
      series: { dimensions: { Value: string }[] }[];
    };
    assert.deepEqual(
      saved.series.map((s) => s.dimensions[0]!.Value),
      ['a'],
    );
    // Later still, a reload drops what has aged out meanwhile.
    now += 2 * MINUTE;
    const again = open();
    await again.load();
    assert.deepEqual(
      again.buckets(fn('a'), 0, now).map((b) => b.start),
      [T0 + RETENTION_MS + MINUTE],
    );
  });

  it('refuses a metrics file of an unknown format', async () => {
    const store = open();
    store.add(fn('a'));
    await store.flush();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(dir, 'metrics.json'), JSON.stringify({ formatVersion: 9 }));
    await assert.rejects(open().load(), /unknown format/);
  });

  it('GetMetricData: periods from StartTime rounded to the minute, statistics, and ScanBy', async () => {
    const store = open();
    for (const [minute, value] of [
      [0, 1],
      [1, 1],
      [4, 5],
      [5, 2],
      [12, 1],
    ] as const)
      store.add(fn('a'), value, T0 + minute * MINUTE + 1_000);
    const query = (id: string, stat: string, period = 300) => ({
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/Lambda',
          MetricName: 'Throttles',
          Dimensions: [{ Name: 'FunctionName', Value: 'a' }],
        },
        Period: period,
        Stat: stat,
      },
    });
    const out = getMetricData(store, {
      // 00:00:30 rounds down to 00:00; EndTime 00:12 excludes the bucket at 00:12.
      StartTime: (T0 + 30_000) / 1000,
      EndTime: (T0 + 12 * MINUTE) / 1000,
      ScanBy: 'TimestampAscending',
      MetricDataQueries: [
        query('sum', 'Sum'),
        query('count', 'SampleCount'),
        query('avg', 'Average'),
        query('min', 'Minimum'),
        query('max', 'Maximum'),
        query('p99', 'p99'),
        query('minutes', 'Sum', 60),
      ],
    }) as Output;
    const byId = Object.fromEntries(out.MetricDataResults.map((r) => [r.Id, r]));
    const s = T0 / 1000;
    assert.deepEqual(byId.sum!.Timestamps, [s, s + 300]);
    assert.deepEqual(byId.sum!.Values, [7, 2]);
    assert.deepEqual(byId.count!.Values, [3, 1]);
    assert.deepEqual(byId.avg!.Values, [7 / 3, 2]);
    assert.deepEqual(byId.min!.Values, [1, 2]);
    assert.deepEqual(byId.max!.Values, [5, 2]);
    // Samples are not kept, so percentiles have no data points.
    assert.deepEqual(byId.p99!.Values, []);
    assert.deepEqual(byId.minutes!.Values, [1, 1, 5, 2]);

    const newestFirst = getMetricData(store, {
      StartTime: s,
      EndTime: s + 3600,
      MetricDataQueries: [query('sum', 'Sum')],
    }) as Output;
    assert.deepEqual(newestFirst.MetricDataResults[0]!.Timestamps, [s + 600, s + 300, s]);
    await store.flush();
  });
});
