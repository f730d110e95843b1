// What invocations cost: requests plus GB-seconds by architecture, tiered, with the free tier
// shown apart. Lambda bills duration in 1 ms increments; since 1 August 2025 the INIT phase of
// on-demand ZIP functions on managed runtimes is billed too, so a cold start pays its init.
import type { Architecture } from '../manifest/types';
import { US_EAST_1_PRICES, type DurationTier, type LambdaPrices } from './prices';

export interface BillableInvocation {
  architecture: Architecture;
  memorySizeMB: number;
  durationMs: number;
  initDurationMs?: number;
  /** MB of /tmp; only what is above 512 MB is billed. */
  ephemeralStorageMB?: number;
}

export interface CostBreakdown {
  requests: number;
  gbSeconds: Record<Architecture, number>;
  requestUsd: number;
  durationUsd: Record<Architecture, number>;
  ephemeralUsd: number;
  /** Before the free tier. */
  totalUsd: number;
  /** What the monthly free tier would cover of this usage. */
  freeTierUsd: number;
  totalAfterFreeTierUsd: number;
}

const INCLUDED_EPHEMERAL_MB = 512;

export function billedMilliseconds(invocation: BillableInvocation): number {
  return Math.ceil(invocation.durationMs + (invocation.initDurationMs ?? 0));
}

export function gbSecondsOf(invocation: BillableInvocation): number {
  return (billedMilliseconds(invocation) / 1000) * (invocation.memorySizeMB / 1024);
}

export function estimateCost(
  invocations: Iterable<BillableInvocation>,
  prices: LambdaPrices = US_EAST_1_PRICES,
): CostBreakdown {
  const gbSeconds: Record<Architecture, number> = { x86_64: 0, arm64: 0 };
  let requests = 0;
  let ephemeralGbSeconds = 0;
  for (const invocation of invocations) {
    requests += 1;
    gbSeconds[invocation.architecture] += gbSecondsOf(invocation);
    const extraMB = Math.max(0, (invocation.ephemeralStorageMB ?? 512) - INCLUDED_EPHEMERAL_MB);
    ephemeralGbSeconds += (billedMilliseconds(invocation) / 1000) * (extraMB / 1024);
  }
  const requestUsd = requests * prices.usdPerRequest;
  const durationUsd = {
    x86_64: tieredCost(gbSeconds.x86_64, prices.duration.x86_64),
    arm64: tieredCost(gbSeconds.arm64, prices.duration.arm64),
  };
  const ephemeralUsd = ephemeralGbSeconds * prices.usdPerEphemeralGbSecond;
  const totalUsd = requestUsd + durationUsd.x86_64 + durationUsd.arm64 + ephemeralUsd;
  const freeTierUsd = freeTierValue(requests, gbSeconds, prices);
  return {
    requests,
    gbSeconds,
    requestUsd,
    durationUsd,
    ephemeralUsd,
    totalUsd,
    freeTierUsd,
    totalAfterFreeTierUsd: Math.max(0, totalUsd - freeTierUsd),
  };
}

function tieredCost(gbSeconds: number, tiers: DurationTier[]): number {
  let cost = 0;
  let floor = 0;
  for (const tier of tiers) {
    if (gbSeconds <= floor) break;
    const inTier = Math.min(gbSeconds, tier.upToGbSeconds) - floor;
    cost += inTier * tier.usdPerGbSecond;
    floor = tier.upToGbSeconds;
  }
  return cost;
}

// The free GB-seconds are shared by both architectures; they are spread in proportion to each
// architecture's use, at that architecture's first-tier rate.
function freeTierValue(
  requests: number,
  gbSeconds: Record<Architecture, number>,
  prices: LambdaPrices,
): number {
  const freeRequests = Math.min(requests, prices.freeTier.requests) * prices.usdPerRequest;
  const used = gbSeconds.x86_64 + gbSeconds.arm64;
  if (used === 0) return freeRequests;
  const covered = Math.min(used, prices.freeTier.gbSeconds);
  const x86Share = (covered * gbSeconds.x86_64) / used;
  const armShare = covered - x86Share;
  return (
    freeRequests +
    x86Share * prices.duration.x86_64[0].usdPerGbSecond +
    armShare * prices.duration.arm64[0].usdPerGbSecond
  );
}
