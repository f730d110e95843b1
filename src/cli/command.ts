import type { ParseArgsConfig } from 'node:util';
import type { Output } from './output';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CliContext {
  output: Output;
  cwd: string;
  /** Aborted on Ctrl-C: long work stops and leaves no half-done state. */
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  /** Cleanups run when the command ends, whatever the outcome (SDK clients and sockets). */
  cleanups: (() => void)[];
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpec;
  /** Returns the exit code. */
  run(ctx: CliContext, positionals: string[], values: OptionValues): Promise<number>;
}

/** Options every command takes. */
export const COMMON_OPTIONS: OptionSpec = {
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
};

export const MANIFEST_OPTIONS: OptionSpec = {
  manifest: { type: 'string', short: 'f' },
  stage: { type: 'string', short: 's' },
};

export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}
