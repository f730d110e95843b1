// The dashboard's messages, shared by the panel and the extension (no DOM or vscode types).
import type { PlatformCount, ServiceMetrics } from '../../core/metrics/aggregate';

export type { PlatformCount, ServiceMetrics };

export const PERIODS = [
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
] as const;

export type PeriodId = (typeof PERIODS)[number]['id'];

export type DashboardToExtension = { type: 'ready' } | { type: 'load'; period: PeriodId };

export type ExtensionToDashboard =
  | { type: 'loading'; period: PeriodId }
  | { type: 'metrics'; period: PeriodId; metrics: ServiceMetrics }
  | { type: 'failed'; message: string };
