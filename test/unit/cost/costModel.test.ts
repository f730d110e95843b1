import * as assert from 'node:assert/strict';
import {
  billedMilliseconds,
  estimateCost,
  isReportOf,
  isStartOf,
  parseReportLine,
  US_EAST_1_PRICES,
} from '../../../src/core/cost';

const COLD =
  'REPORT RequestId: 3b1f6c2a-1d2e-4f5a-9b8c-7d6e5f4a3b2c\tDuration: 101.45 ms\tBilled Duration: 102 ms\tMemory Size: 1024 MB\tMax Memory Used: 78 MB\tInit Duration: 180.30 ms\t';
const WARM =
  'REPORT RequestId: 9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d\tDuration: 20.01 ms\tBilled Duration: 21 ms\tMemory Size: 512 MB\tMax Memory Used: 60 MB\t';

const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-15, `${actual} != ${expected}`);

describe('REPORT lines', () => {
  it('reads every field of a cold start', () => {
    assert.deepEqual(parseReportLine(COLD), {
      requestId: '3b1f6c2a-1d2e-4f5a-9b8c-7d6e5f4a3b2c',
      durationMs: 101.45,
      billedDurationMs: 102,
      memorySizeMB: 1024,
      maxMemoryUsedMB: 78,
      initDurationMs: 180.3,
    });
  });

  it('reads a warm line and a timestamped CloudWatch message', () => {
    const report = parseReportLine(`2026-11-24T10:00:00.000Z ${WARM}`);
    assert.equal(report?.initDurationMs, undefined);
    assert.equal(report?.memorySizeMB, 512);
  });

  it('keeps a status and ignores lines that are not reports', () => {
    const timeout = parseReportLine(
      'REPORT RequestId: r1\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tStatus: timeout',
    );
    assert.equal(timeout?.status, 'timeout');
    assert.equal(parseReportLine('START RequestId: r1 Version: $LATEST'), undefined);
    assert.equal(parseReportLine('REPORT RequestId: r1\tDuration: nonsense'), undefined);
  });
});

describe('JSON platform.report records', () => {
  // As Lambda writes them for a function that logs as JSON (advanced logging controls).
  const COLD_RECORD =
    '{"time":"2026-10-08T07:30:29.470Z","type":"platform.report","record":{"requestId":"79b5c2a4-0000-4000-8000-000000000001","metrics":{"durationMs":1233.96,"billedDurationMs":1698,"memorySizeMB":256,"maxMemoryUsedMB":123,"initDurationMs":463.512},"status":"success"}}';

  it('reads every field of a cold start, and no status when it succeeded', () => {
    assert.deepEqual(parseReportLine(COLD_RECORD), {
      requestId: '79b5c2a4-0000-4000-8000-000000000001',
      durationMs: 1233.96,
      billedDurationMs: 1698,
      memorySizeMB: 256,
      maxMemoryUsedMB: 123,
      initDurationMs: 463.512,
    });
  });

  it('keeps a failed status, and ignores other records and broken JSON', () => {
    const timeout = parseReportLine(
      '{"time":"t","type":"platform.report","record":{"requestId":"r1","metrics":{"durationMs":5000.0,"billedDurationMs":5000,"memorySizeMB":128,"maxMemoryUsedMB":94},"status":"timeout"}}',
    );
    assert.equal(timeout?.status, 'timeout');
    assert.equal(timeout?.initDurationMs, undefined);
    assert.equal(
      parseReportLine('{"time":"t","type":"platform.start","record":{"requestId":"r1"}}'),
      undefined,
    );
    assert.equal(parseReportLine('{"type":"platform.report","record":'), undefined);
    assert.equal(
      parseReportLine('{"type":"platform.report","record":{"requestId":"r1","metrics":{}}}'),
      undefined,
      'a record without its numbers is not a report',
    );
    assert.equal(
      parseReportLine('{"level":"INFO","message":"saw platform.report in a log line"}'),
      undefined,
    );
  });

  it("finds a request's first and last lines in either format", () => {
    const id = '79b5c2a4-0000-4000-8000-000000000001';
    assert.ok(isStartOf(`START RequestId: ${id} Version: $LATEST`, id));
    assert.ok(isStartOf(`{"time":"t","type":"platform.start","record":{"requestId":"${id}"}}`, id));
    assert.ok(
      !isStartOf(`{"time":"t","type":"platform.start","record":{"requestId":"other"}}`, id),
    );
    assert.ok(isReportOf(COLD_RECORD, id));
    assert.ok(isReportOf(`REPORT RequestId: ${id}\tDuration: 1.00 ms`, id));
    assert.ok(!isReportOf(COLD_RECORD, 'other'));
    // A function's own JSON line holding such an object is not the platform's record.
    const logged = `{"timestamp":"t","level":"INFO","requestId":"${id}","message":{"type":"platform.report","record":{"requestId":"${id}"}}}`;
    assert.ok(!isReportOf(logged, id));
    assert.ok(!isStartOf(logged.replace('platform.report', 'platform.start'), id));
  });
});

describe('cost model', () => {
  it('bills init with the duration, rounded up to the millisecond', () => {
    const cold = parseReportLine(COLD)!;
    assert.equal(
      billedMilliseconds({ architecture: 'x86_64', ...cold }),
      282, // ceil(101.45 + 180.30)
    );
  });

  it('matches a hand calculation for x86_64 and arm64', () => {
    const cold = parseReportLine(COLD)!;
    const warm = parseReportLine(WARM)!;
    const cost = estimateCost([
      { architecture: 'x86_64', ...cold },
      { architecture: 'arm64', ...warm },
    ]);
    // x86_64: 0.282 s * 1 GB = 0.282 GB-s at $0.0000166667
    // arm64: 0.021 s * 0.5 GB = 0.0105 GB-s at $0.0000133334
    close(cost.gbSeconds.x86_64, 0.282);
    close(cost.gbSeconds.arm64, 0.0105);
    close(cost.durationUsd.x86_64, 0.282 * 0.0000166667);
    close(cost.durationUsd.arm64, 0.0105 * 0.0000133334);
    close(cost.requestUsd, 2 * 0.0000002);
    close(cost.totalUsd, 0.282 * 0.0000166667 + 0.0105 * 0.0000133334 + 2 * 0.0000002);
    // Everything here is inside the monthly free tier.
    close(cost.freeTierUsd, cost.totalUsd);
    assert.equal(cost.totalAfterFreeTierUsd, 0);
  });

  it('moves to the next tier past 6 billion x86_64 GB-seconds', () => {
    // One "invocation" of 7e9 GB-s: 1 GB for 7e9 s.
    const cost = estimateCost([{ architecture: 'x86_64', memorySizeMB: 1024, durationMs: 7e12 }]);
    const expected = 6e9 * 0.0000166667 + 1e9 * 0.000015;
    assert.ok(Math.abs(cost.durationUsd.x86_64 - expected) < 1e-3);
  });

  it('bills ephemeral storage above 512 MB only', () => {
    const base = { architecture: 'x86_64' as const, memorySizeMB: 1024, durationMs: 1000 };
    assert.equal(estimateCost([{ ...base, ephemeralStorageMB: 512 }]).ephemeralUsd, 0);
    close(
      estimateCost([{ ...base, ephemeralStorageMB: 1536 }]).ephemeralUsd,
      1 * 1 * US_EAST_1_PRICES.usdPerEphemeralGbSecond,
    );
  });

  it('leaves only what exceeds the free tier', () => {
    const invocation = { architecture: 'x86_64' as const, memorySizeMB: 1024, durationMs: 1000 };
    // 1,000,001 one-second 1 GB invocations: 1,000,001 GB-s, 600,001 above the free tier.
    const many = Array.from({ length: 1_000_001 }, () => invocation);
    const cost = estimateCost(many);
    const expected = 1 * 0.0000002 + 600_001 * 0.0000166667;
    assert.ok(Math.abs(cost.totalAfterFreeTierUsd - expected) < 1e-6);
  });
});
