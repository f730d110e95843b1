// Latency and throughput measurement shared by every peer: the same loops, the same clock.
import { performance } from 'node:perf_hooks';

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Sequential calls after a warm-up (`warmup.count` calls or `warmup.budgetMs`, whichever ends
 * first); stops at `count` samples or after `budgetMs`.
 */
export async function latencies(
  call: () => Promise<void>,
  options: { warmup: { count: number; budgetMs: number }; count: number; budgetMs: number },
): Promise<number[]> {
  const warmEnd = performance.now() + options.warmup.budgetMs;
  for (let i = 0; i < options.warmup.count && performance.now() < warmEnd; i++) await call();
  const samples: number[] = [];
  const end = performance.now() + options.budgetMs;
  while (samples.length < options.count && performance.now() < end) {
    const t = performance.now();
    await call();
    samples.push(performance.now() - t);
  }
  return samples;
}

/** Completed calls per second with `concurrency` callers in a closed loop for `durationMs`. */
export async function throughput(
  call: () => Promise<void>,
  concurrency: number,
  durationMs: number,
): Promise<{ perSecond: number; errors: number; firstError?: unknown }> {
  let done = 0;
  let errors = 0;
  let firstError: unknown;
  const start = performance.now();
  const end = start + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      try {
        await call();
        done++;
      } catch (err) {
        errors++;
        firstError ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { perSecond: done / ((performance.now() - start) / 1000), errors, firstError };
}

export async function timed(call: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await call();
  return performance.now() - t;
}
