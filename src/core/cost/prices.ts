// AWS Lambda on-demand prices, US East (N. Virginia), as published on the Lambda pricing page
// in November 2026. Duration is tiered by monthly GB-seconds per architecture; the free tier
// (1M requests and 400,000 GB-seconds a month) is shared by both architectures.
import type { Architecture } from '../manifest/types';

export interface DurationTier {
  /** GB-seconds in the month up to which this rate applies (Infinity for the last tier). */
  upToGbSeconds: number;
  usdPerGbSecond: number;
}

export interface LambdaPrices {
  region: string;
  usdPerRequest: number;
  duration: Record<Architecture, DurationTier[]>;
  /** Ephemeral storage beyond the included 512 MB. */
  usdPerEphemeralGbSecond: number;
  freeTier: { requests: number; gbSeconds: number };
}

export const US_EAST_1_PRICES: LambdaPrices = {
  region: 'us-east-1',
  usdPerRequest: 0.2 / 1_000_000,
  duration: {
    x86_64: [
      { upToGbSeconds: 6_000_000_000, usdPerGbSecond: 0.0000166667 },
      { upToGbSeconds: 15_000_000_000, usdPerGbSecond: 0.000015 },
      { upToGbSeconds: Infinity, usdPerGbSecond: 0.0000133334 },
    ],
    arm64: [
      { upToGbSeconds: 7_500_000_000, usdPerGbSecond: 0.0000133334 },
      { upToGbSeconds: 18_750_000_000, usdPerGbSecond: 0.0000120001 },
      { upToGbSeconds: Infinity, usdPerGbSecond: 0.0000106667 },
    ],
  },
  usdPerEphemeralGbSecond: 0.0000000309,
  freeTier: { requests: 1_000_000, gbSeconds: 400_000 },
};
