import {
  collectServiceMetrics,
  type FunctionMetrics,
  type PlatformCount,
} from '../../core/metrics';
import { MANIFEST_OPTIONS, stringOption, type Command } from '../command';
import { EXIT } from '../errors';
import { loadProject, selectFunctions } from '../project';
import { providerFor, TARGET_OPTIONS } from '../target';
import { parseDuration } from './logs';

export const metricsCommand: Command = {
  name: 'metrics',
  summary: 'Invocations, errors, throttles, latency, memory and cost per function',
  usage: 'flourish metrics [function...] [--since 24h] [--stage S] [--json]',
  options: { ...MANIFEST_OPTIONS, ...TARGET_OPTIONS, since: { type: 'string', default: '24h' } },
  async run(ctx, positionals, values) {
    const manifest = await loadProject(ctx, values);
    selectFunctions(manifest, positionals);
    const provider = await providerFor(ctx, manifest, values);
    const to = Date.now();
    const from = to - parseDuration(stringOption(values, 'since') ?? '24h');
    const metrics = await collectServiceMetrics(manifest, provider, {
      from,
      to,
      functions: positionals,
      signal: ctx.signal,
    });
    ctx.output.result(metrics);
    const header = [
      'FUNCTION',
      'CALLS',
      'ERRORS',
      'THROTTLES',
      'COLD',
      'P50',
      'P95',
      'P99',
      'MEMORY',
      'COST',
    ];
    const rows = metrics.functions.map(({ key, metrics: m }) => [
      key,
      String(m.invocations),
      String(m.errors),
      count(m.throttles),
      String(m.coldStarts),
      ms(m.durationMs.p50),
      ms(m.durationMs.p95),
      ms(m.durationMs.p99),
      memory(m),
      usd(m.cost.totalUsd),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const format = (row: string[]) =>
      row
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd();
    ctx.output.line(
      `${manifest.service} (stage ${manifest.stage}) on ${provider.label}, last ${stringOption(values, 'since')}`,
    );
    ctx.output.line(ctx.output.bold(format(header)));
    for (const row of rows) ctx.output.line(format(row));
    const { cost, throttles } = metrics.totals;
    ctx.output.line(
      `Total ${metrics.totals.invocations} invocations, ${metrics.totals.errors} errors, ${count(throttles)} throttles; cost ${usd(cost.totalUsd)} (${usd(cost.requestUsd)} requests, ${usd(cost.durationUsd.x86_64 + cost.durationUsd.arm64)} duration), ${usd(cost.totalAfterFreeTierUsd)} after the free tier`,
    );
    if (!throttles.available) ctx.output.line(`Throttles n/a: ${throttles.reason}`);
    for (const { key, metrics: m } of metrics.functions) {
      if (m.rightSizing)
        ctx.output.line(
          `hint: ${key}: ${m.rightSizing.kind} memory to ${m.rightSizing.suggestedMB} MB (${m.rightSizing.reason})`,
        );
    }
    return EXIT.ok;
  },
};

function count(figure: PlatformCount): string {
  return figure.available ? String(figure.count) : 'n/a';
}

function ms(value: number | undefined): string {
  return value === undefined ? '-' : `${value.toFixed(value < 10 ? 1 : 0)}ms`;
}

function memory(m: FunctionMetrics): string {
  return m.maxMemoryUsedMB === undefined
    ? `-/${m.memorySizeMB}`
    : `${m.maxMemoryUsedMB}/${m.memorySizeMB}MB`;
}

function usd(value: number): string {
  return value === 0 ? '$0' : value < 0.01 ? `$${value.toExponential(2)}` : `$${value.toFixed(2)}`;
}
