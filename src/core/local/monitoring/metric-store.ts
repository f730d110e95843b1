// The local cloud's metrics: CloudWatch-style series (namespace, metric name, an exact set of
// dimensions) in 1-minute buckets, kept for 15 days as CloudWatch keeps 1-minute data, and
// written atomically to `metrics.json` shortly after a change and on stop, so a restart keeps
// them. A crash loses at most the last second.
import path from 'node:path';
import { readJsonIfExists, writeFileAtomic, WriteQueue } from '../store/atomic-file';

export interface Dimension {
  Name: string;
  Value: string;
}

export interface SeriesId {
  namespace: string;
  metricName: string;
  /** An exact set: a query matches a series only with the same names and values. */
  dimensions: Dimension[];
}

/** One minute of a series: every sample recorded in [start, start + 60 s). */
export interface Bucket {
  /** Epoch milliseconds, a whole minute. */
  start: number;
  sum: number;
  count: number;
  min: number;
  max: number;
}

interface StoredSeries extends SeriesId {
  /** By bucket start. */
  buckets: Map<number, Bucket>;
}

/** On disk: buckets as `[startSeconds, sum, count, min, max]`. */
interface MetricsFile {
  formatVersion: 1;
  periodSeconds: 60;
  series: (SeriesId & { points: [number, number, number, number, number][] })[];
}

export const BUCKET_MS = 60_000;
/** CloudWatch keeps 1-minute data points for 15 days. */
export const RETENTION_MS = 15 * 24 * 60 * BUCKET_MS;

export interface MetricStoreOptions {
  clock: () => number;
  onError: (error: unknown) => void;
  /** How long after a change the file is written (default 1 s). */
  saveDelayMs?: number;
}

export class MetricStore {
  private readonly series = new Map<string, StoredSeries>();
  private readonly queue = new WriteQueue();
  private readonly file: string;
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;

  constructor(
    stateDir: string,
    private readonly options: MetricStoreOptions,
  ) {
    this.file = path.join(stateDir, 'metrics.json');
  }

  async load(): Promise<void> {
    const loaded = await readJsonIfExists<MetricsFile>(this.file);
    if (loaded === undefined) return;
    if (loaded.formatVersion !== 1 || !Array.isArray(loaded.series)) {
      throw new Error(
        `The local cloud's metrics file ${this.file} has an unknown format; move it away to start without metrics.`,
      );
    }
    const oldest = this.oldestKept();
    for (const stored of loaded.series) {
      for (const [startSec, sum, count, min, max] of stored.points) {
        const start = startSec * 1000;
        if (start >= oldest) this.entry(stored).buckets.set(start, { start, sum, count, min, max });
      }
    }
  }

  /** Records one sample (a count of 1 by default) at `at` (default: the clock). */
  add(id: SeriesId, value = 1, at = this.options.clock()): void {
    const start = Math.floor(at / BUCKET_MS) * BUCKET_MS;
    const buckets = this.entry(id).buckets;
    const bucket = buckets.get(start);
    if (bucket) {
      bucket.sum += value;
      bucket.count += 1;
      bucket.min = Math.min(bucket.min, value);
      bucket.max = Math.max(bucket.max, value);
    } else {
      buckets.set(start, { start, sum: value, count: 1, min: value, max: value });
    }
    this.dirty = true;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.save().catch(this.options.onError);
    }, this.options.saveDelayMs ?? 1000).unref();
  }

  /** The buckets of exactly this series that start in [from, to), oldest first. */
  buckets(id: SeriesId, from: number, to: number): Bucket[] {
    const stored = this.series.get(seriesKey(id));
    if (!stored) return [];
    return [...stored.buckets.values()]
      .filter((b) => b.start >= from && b.start < to)
      .sort((a, b) => a.start - b.start);
  }

  /** Writes what is pending (on stop); resolves once it is durable. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.save();
    await this.queue.idle();
  }

  private save(): Promise<void> {
    if (!this.dirty) return this.queue.idle();
    this.dirty = false;
    this.prune();
    const file: MetricsFile = {
      formatVersion: 1,
      periodSeconds: 60,
      series: [...this.series.values()].map(({ buckets, ...id }) => ({
        ...id,
        points: [...buckets.values()]
          .sort((a, b) => a.start - b.start)
          .map((b) => [b.start / 1000, b.sum, b.count, b.min, b.max]),
      })),
    };
    const text = JSON.stringify(file);
    return this.queue.run(() => writeFileAtomic(this.file, text, 0o600));
  }

  private prune(): void {
    const oldest = this.oldestKept();
    for (const [key, stored] of this.series) {
      for (const start of stored.buckets.keys()) if (start < oldest) stored.buckets.delete(start);
      if (stored.buckets.size === 0) this.series.delete(key);
    }
  }

  private oldestKept(): number {
    return Math.floor((this.options.clock() - RETENTION_MS) / BUCKET_MS) * BUCKET_MS;
  }

  private entry(id: SeriesId): StoredSeries {
    const key = seriesKey(id);
    let stored = this.series.get(key);
    if (!stored) {
      stored = {
        namespace: id.namespace,
        metricName: id.metricName,
        dimensions: id.dimensions.map(({ Name, Value }) => ({ Name, Value })),
        buckets: new Map(),
      };
      this.series.set(key, stored);
    }
    return stored;
  }
}

/** Dimensions are a set: their order does not matter, their names and values do. */
export function seriesKey(id: SeriesId): string {
  const dimensions = id.dimensions
    .map((d) => `${d.Name}=${d.Value}`)
    .sort()
    .join('\u0000');
  return `${id.namespace}\u0000${id.metricName}\u0000${dimensions}`;
}
