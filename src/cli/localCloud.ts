// How the CLI reaches the local cloud: the state dir from --state-dir, FLOURISH_HOME or the
// default, and this same executable re-run as `flourish local start` when none is running.
import { defaultStateDir, type LocalCloudInfo } from '../core/local';
import { ensureLocalCloud } from '../core/launch';
import type { CliContext, OptionValues } from './command';
import { stringOption } from './command';

export function stateDirOf(ctx: CliContext, values: OptionValues): string {
  return stringOption(values, 'state-dir') ?? ctx.env.FLOURISH_HOME ?? defaultStateDir();
}

/** The command that runs this CLI again, whether bundled (dist/cli.js) or from source. */
export function selfCommand(args: string[]): { executable: string; args: string[] } {
  const entry = process.env.FLOURISH_CLI_ENTRY ?? require.main?.filename ?? process.argv[1];
  const fromSource = entry.endsWith('.ts');
  return {
    executable: process.execPath,
    args: fromSource ? ['--import', 'tsx', entry, ...args] : [entry, ...args],
  };
}

export function ensureCliLocalCloud(ctx: CliContext, stateDir: string): Promise<LocalCloudInfo> {
  ctx.output.progress(`Connecting to the local cloud (${stateDir})`);
  return ensureLocalCloud({
    stateDir,
    command: selfCommand(['local', 'start', '--state-dir', stateDir, '--port', '0']),
    signal: ctx.signal,
  });
}
