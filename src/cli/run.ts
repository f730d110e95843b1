// Parses the command line, runs one command, and turns every outcome into an exit code.
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { COMMON_OPTIONS, type CliContext, type Command } from './command';
import { COMMANDS } from './commands';
import { CommandFailed, EXIT, UsageError } from './errors';
import { Output } from './output';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  stdout?: Writable & { isTTY?: boolean };
  stderr?: Writable & { isTTY?: boolean };
}

export async function runCli(argv: string[], options: RunOptions = {}): Promise<number> {
  const [name, ...rest] = argv;
  const json = rest.includes('--json');
  const output = new Output({
    json,
    stdout: options.stdout,
    stderr: options.stderr,
  });
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    output.line(globalHelp());
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === '-v') {
    output.line(VERSION);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name || `${c.name.split(' ')[0]}` === name);
  if (!command) {
    output.error(`Unknown command "${name}".`);
    output.line(globalHelp());
    return EXIT.usage;
  }
  const ctx: CliContext = {
    output,
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
    signal: options.signal ?? new AbortController().signal,
    cleanups: [],
  };
  try {
    const { positionals, values } = parseArgs({
      args: rest,
      options: { ...COMMON_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      output.line(commandHelp(command));
      return EXIT.ok;
    }
    return await command.run(ctx, positionals, values);
  } catch (error) {
    return report(output, command, error, ctx.signal);
  } finally {
    for (const cleanup of ctx.cleanups.splice(0)) cleanup();
  }
}

function report(output: Output, command: Command, error: unknown, signal: AbortSignal): number {
  if (signal.aborted) {
    output.error('Interrupted. Nothing was left half-done; run the command again to continue.');
    return EXIT.interrupted;
  }
  if (error instanceof UsageError || isParseArgsError(error)) {
    output.error((error as Error).message);
    output.line(`usage: ${command.usage}`);
    return EXIT.usage;
  }
  if (error instanceof CommandFailed) {
    output.error(error.message);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  output.error(message);
  if (process.env.FLOURISH_DEBUG && error instanceof Error && error.stack)
    output.error(error.stack);
  return EXIT.failure;
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code ?? '';
  return code.startsWith('ERR_PARSE_ARGS');
}

function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'flourish: build, ship and watch serverless functions',
    '',
    'usage: flourish <command> [options]',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --json for machine-readable output and --help for its options.',
  ].join('\n');
}

function commandHelp(command: Command): string {
  const options = Object.entries({ ...command.options, ...COMMON_OPTIONS }).map(
    ([name, spec]) =>
      `  --${name}${spec.short ? `, -${spec.short}` : ''}${spec.type === 'string' ? ' <value>' : ''}`,
  );
  return [`${command.summary}`, '', `usage: ${command.usage}`, '', 'options:', ...options].join(
    '\n',
  );
}

declare const __FLOURISH_VERSION__: string | undefined;
const VERSION = typeof __FLOURISH_VERSION__ === 'string' ? __FLOURISH_VERSION__ : 'development';
