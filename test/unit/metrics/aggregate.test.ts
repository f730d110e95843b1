import * as assert from 'node:assert/strict';
import {
  aggregateFunctionMetrics,
  percentile,
  throttlePeriodSeconds,
  totalThrottles,
} from '../../../src/core/metrics';

const ids = Array.from(
  { length: 10 },
  (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
);

function report(
  id: string,
  duration: number,
  used: number,
  init?: number,
  status?: string,
): string {
  return (
    `REPORT RequestId: ${id}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${Math.ceil(duration)} ms\t` +
    `Memory Size: 1024 MB\tMax Memory Used: ${used} MB` +
    (init !== undefined ? `\tInit Duration: ${init.toFixed(2)} ms` : '') +
    (status ? `\tStatus: ${status}` : '')
  );
}

describe('function metrics from logs', () => {
  const from = Date.UTC(2026, 10, 24, 12, 0, 0);
  const to = from + 60 * 60_000;
  // Ten invocations, 10..100 ms; the first is cold; #3 throws (Node ERROR line), #7 times out.
  const events = ids.flatMap((id, i) => {
    const at = from + i * 6 * 60_000;
    const lines = [{ timestamp: at, message: `START RequestId: ${id} Version: 1` }];
    if (i === 3) {
      lines.push({
        timestamp: at + 1,
        message: `2026-11-24T12:18:00.000Z\t${id}\tERROR\tInvoke Error \t{"errorType":"Error"}`,
      });
    }
    lines.push({
      timestamp: at + 2,
      message: report(
        id,
        (i + 1) * 10,
        60 + i,
        i === 0 ? 150 : undefined,
        i === 7 ? 'timeout' : undefined,
      ),
    });
    return lines;
  });

  it('counts invocations, errors and cold starts', () => {
    const m = aggregateFunctionMetrics(
      events,
      { architecture: 'arm64', memorySizeMB: 1024 },
      { from, to },
    );
    assert.equal(m.invocations, 10);
    assert.equal(m.errors, 2);
    assert.equal(m.coldStarts, 1);
    assert.equal(m.initDurationMs.max, 150);
  });

  it('reads JSON platform.report records and JSON error lines alike', () => {
    // The same ten invocations from a function that logs as JSON.
    const json = ids.flatMap((id, i) => {
      const at = from + i * 6 * 60_000;
      const lines = [];
      if (i === 3) {
        lines.push({
          timestamp: at + 1,
          message: `{"timestamp":"t","level":"ERROR","requestId":"${id}","message":{"errorType":"Error","errorMessage":"x"}}`,
        });
      }
      const metrics = {
        durationMs: (i + 1) * 10,
        billedDurationMs: (i + 1) * 10,
        memorySizeMB: 1024,
        maxMemoryUsedMB: 60 + i,
        ...(i === 0 ? { initDurationMs: 150 } : {}),
      };
      const status = i === 7 ? 'timeout' : 'success';
      lines.push({
        timestamp: at + 2,
        message: JSON.stringify({
          time: 't',
          type: 'platform.report',
          record: { requestId: id, metrics, status },
        }),
      });
      return lines;
    });
    const m = aggregateFunctionMetrics(
      json,
      { architecture: 'arm64', memorySizeMB: 1024 },
      { from, to },
    );
    assert.equal(m.invocations, 10);
    assert.equal(m.errors, 2);
    assert.equal(m.coldStarts, 1);
    assert.equal(m.durationMs.max, 100);
  });

  it('gives nearest-rank duration percentiles and peak memory', () => {
    const m = aggregateFunctionMetrics(
      events,
      { architecture: 'arm64', memorySizeMB: 1024 },
      { from, to },
    );
    assert.deepEqual(m.durationMs, { p50: 50, p95: 100, p99: 100, max: 100 });
    assert.equal(m.maxMemoryUsedMB, 69);
    assert.equal(m.memorySizeMB, 1024);
  });

  it('hints at lowering memory that is mostly unused', () => {
    const m = aggregateFunctionMetrics(
      events,
      { architecture: 'arm64', memorySizeMB: 1024 },
      { from, to },
    );
    assert.equal(m.rightSizing?.kind, 'lower');
    assert.equal(m.rightSizing?.suggestedMB, 128); // 69 MB * 1.5 = 103.5 -> 128
  });

  it('hints at raising memory near the limit', () => {
    const tight = ids.map((id, i) => ({ timestamp: from + i, message: report(id, 10, 1000) }));
    const m = aggregateFunctionMetrics(
      tight,
      { architecture: 'x86_64', memorySizeMB: 1024 },
      { from, to },
    );
    assert.equal(m.rightSizing?.kind, 'raise');
    assert.equal(m.rightSizing?.suggestedMB, 1536);
  });

  it('prices the period: duration (init included) plus requests', () => {
    const m = aggregateFunctionMetrics(
      events,
      { architecture: 'arm64', memorySizeMB: 1024 },
      { from, to },
    );
    // Billed ms: ceil(10+150) + 20 + 30 + ... + 100 = 160 + 540 = 700 ms at 1 GB.
    assert.ok(Math.abs(m.cost.gbSeconds.arm64 - 0.7) < 1e-12);
    assert.equal(m.cost.requests, 10);
  });

  it('spreads invocations over the timeline', () => {
    const m = aggregateFunctionMetrics(
      events,
      { architecture: 'arm64', memorySizeMB: 1024 },
      { from, to, buckets: 10 },
    );
    assert.equal(m.timeline.length, 10);
    assert.deepEqual(
      m.timeline.map((b) => b.invocations),
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
    );
    assert.equal(m.timeline[3].errors, 1);
    assert.equal(m.timeline[7].errors, 1);
  });

  it("adds the platform's throttles to the timeline, apart from invocations", () => {
    const m = aggregateFunctionMetrics(
      events,
      { architecture: 'arm64', memorySizeMB: 1024 },
      {
        from,
        to,
        buckets: 10,
        throttles: [
          { timestamp: from, value: 2 },
          { timestamp: from + 6 * 60_000, value: 1 },
          { timestamp: from + 59 * 60_000, value: 4 },
        ],
      },
    );
    assert.deepEqual(m.throttles, { available: true, count: 7 });
    assert.deepEqual(
      m.timeline.map((b) => b.throttles),
      [2, 1, 0, 0, 0, 0, 0, 0, 0, 4],
    );
    assert.equal(m.invocations, 10);
    // Throttled requests are not billed.
    assert.equal(m.cost.requests, 10);
  });

  it('says why throttles are unavailable, and the service total follows', () => {
    const m = aggregateFunctionMetrics(
      events,
      { architecture: 'arm64', memorySizeMB: 1024 },
      { from, to, throttles: { unavailable: 'GetMetricData failed (AccessDenied)' } },
    );
    assert.deepEqual(m.throttles, {
      available: false,
      reason: 'GetMetricData failed (AccessDenied)',
    });
    assert.ok(m.timeline.every((b) => b.throttles === 0));
    assert.deepEqual(totalThrottles([{ available: true, count: 2 }, m.throttles]), m.throttles);
    assert.deepEqual(
      totalThrottles([
        { available: true, count: 2 },
        { available: true, count: 3 },
      ]),
      { available: true, count: 5 },
    );
    assert.deepEqual(totalThrottles([]), { available: true, count: 0 });
  });

  it('asks for throttles in periods near a timeline bucket that CloudWatch accepts', () => {
    assert.equal(throttlePeriodSeconds({ from, to, buckets: 10 }), 300);
    assert.equal(throttlePeriodSeconds({ from, to: from + 100 * 86_400_000 }), 100 * 3600);
    assert.equal(throttlePeriodSeconds({ from, to: from + 86_400_000 }), 3600);
    assert.equal(throttlePeriodSeconds({ from, to: from + 60_000 }), 60);
  });

  it('has no numbers and no hint without invocations', () => {
    const m = aggregateFunctionMetrics(
      [],
      { architecture: 'x86_64', memorySizeMB: 128 },
      { from, to },
    );
    assert.equal(m.invocations, 0);
    assert.equal(m.durationMs.p50, undefined);
    assert.equal(m.rightSizing, undefined);
    assert.equal(m.cost.totalUsd, 0);
  });

  it('computes percentiles by nearest rank', () => {
    assert.equal(percentile([1, 2, 3, 4], 50), 2);
    assert.equal(percentile([1, 2, 3, 4], 99), 4);
    assert.equal(percentile([7], 1), 7);
    assert.equal(percentile([], 50), undefined);
  });
});
