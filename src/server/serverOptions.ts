// initializationOptions, checked: anything missing or of the wrong type takes its default.
import type { FlourishInitializationOptions } from './protocol';

export interface ServerOptions {
  diagnosticsDelayMs: number;
  stage: string | undefined;
}

/** Long enough to skip the keystrokes of a word, short enough to feel immediate. */
export const DEFAULT_DIAGNOSTICS_DELAY_MS = 175;

export function readServerOptions(raw: unknown): ServerOptions {
  const given = (
    typeof raw === 'object' && raw !== null ? raw : {}
  ) as FlourishInitializationOptions;
  const delay = given.diagnosticsDelayMs;
  return {
    diagnosticsDelayMs:
      typeof delay === 'number' && Number.isFinite(delay) && delay >= 0
        ? Math.min(delay, 10_000)
        : DEFAULT_DIAGNOSTICS_DELAY_MS,
    stage: typeof given.stage === 'string' && given.stage !== '' ? given.stage : undefined,
  };
}
