import type { CloudProvider, LogEvent } from '../../core/cloud';
import type { Manifest } from '../../core/manifest';
import { MANIFEST_OPTIONS, stringOption, type Command, type CliContext } from '../command';
import { EXIT, UsageError } from '../errors';
import { loadProject, selectFunctions } from '../project';
import { providerFor, TARGET_OPTIONS } from '../target';

export const logsCommand: Command = {
  name: 'logs',
  summary: "Show functions' logs; --tail follows them live",
  usage: 'flourish logs [function...] [--since 1h] [--filter PATTERN] [--tail] [--json]',
  options: {
    ...MANIFEST_OPTIONS,
    ...TARGET_OPTIONS,
    since: { type: 'string', default: '1h' },
    filter: { type: 'string' },
    tail: { type: 'boolean', short: 'F', default: false },
  },
  async run(ctx, positionals, values) {
    const manifest = await loadProject(ctx, values);
    const functions = selectFunctions(manifest, positionals);
    const provider = await providerFor(ctx, manifest, values);
    const groups = functions.map((fn) => provider.logGroupName(fn.name));
    const filter = stringOption(values, 'filter');
    const print = printer(ctx, manifest, functions.length > 1);
    if (values.tail === true) {
      ctx.output.progress(`Following ${groups.join(', ')} on ${provider.label}; Ctrl-C to stop`);
      for await (const event of provider.tailLogs(groups, { filter, signal: ctx.signal }))
        print(event);
      return EXIT.ok;
    }
    const startTime = Date.now() - parseDuration(stringOption(values, 'since') ?? '1h');
    const events = await history(
      provider,
      groups,
      { startTime, filterPattern: filter },
      ctx.signal,
    );
    for (const event of events) print(event);
    if (events.length === 0) ctx.output.progress('No log events in that period.');
    return EXIT.ok;
  },
};

async function history(
  provider: CloudProvider,
  groups: string[],
  query: { startTime: number; filterPattern?: string },
  signal: AbortSignal,
): Promise<LogEvent[]> {
  const all: LogEvent[] = [];
  for (const group of groups) {
    let nextToken: string | undefined;
    do {
      const page = await provider
        .filterLogs(group, { ...query, nextToken }, { signal })
        .catch((error: unknown) => {
          // A function that never ran has no log group yet: that is "no events", not a failure.
          if ((error as { notFound?: boolean }).notFound)
            return { items: [], nextToken: undefined };
          throw error;
        });
      all.push(...page.items);
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return all.sort((a, b) => a.timestamp - b.timestamp);
}

function printer(ctx: CliContext, manifest: Manifest, prefix: boolean): (event: LogEvent) => void {
  const keys = new Map(manifest.functions.map((fn) => [`/aws/lambda/${fn.name}`, fn.key]));
  return (event) => {
    if (ctx.output.json) return ctx.output.record(event);
    const who = prefix ? `${ctx.output.dim(keys.get(event.logGroup) ?? event.logGroup)} ` : '';
    const time = ctx.output.dim(new Date(event.timestamp).toISOString());
    ctx.output.line(`${time} ${who}${event.message.replace(/\n$/, '')}`);
  };
}

/** `90s`, `15m`, `2h`, `7d` -> milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*(s|m|h|d)$/.exec(text.trim());
  if (!match)
    throw new UsageError(`--since takes a duration like 30s, 15m, 2h or 7d, not "${text}".`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    match[2] as 's' | 'm' | 'h' | 'd'
  ];
  return Number(match[1]) * unit;
}
