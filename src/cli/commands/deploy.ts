import { applyDeploy, formatPlan, planDeploy, type DeployResult } from '../../core/deploy';
import { MANIFEST_OPTIONS, type Command } from '../command';
import { EXIT } from '../errors';
import { loadProject } from '../project';
import { providerFor, TARGET_OPTIONS } from '../target';

export const deployCommand: Command = {
  name: 'deploy',
  summary: 'Build, package and deploy functions; publish a version and move the stage alias',
  usage: 'flourish deploy [function...] [--stage S] [--target local|aws] [--plan] [--json]',
  options: {
    ...MANIFEST_OPTIONS,
    ...TARGET_OPTIONS,
    plan: { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
    concurrency: { type: 'string' },
  },
  async run(ctx, positionals, values) {
    const manifest = await loadProject(ctx, values);
    const provider = await providerFor(ctx, manifest, values);
    ctx.output.progress(
      `Planning ${manifest.service} (stage ${manifest.stage}) on ${provider.label}`,
    );
    const plan = await planDeploy(manifest, provider, {
      functions: positionals,
      signal: ctx.signal,
      skipBuild: values['skip-build'] === true,
      onProgress: (p) => ctx.output.progress(`${p.functionKey}: ${p.message}`),
    });
    ctx.output.line(formatPlan(plan));
    if (values.plan === true) {
      ctx.output.result({ plan });
      return EXIT.ok;
    }
    const concurrency = Number(values.concurrency ?? 4) || 4;
    const result = await applyDeploy(plan, provider, {
      concurrency,
      signal: ctx.signal,
      onEvent: (event) => {
        if (event.type === 'step-started')
          ctx.output.progress(`${event.functionKey}: ${event.message}`);
      },
    });
    report(ctx.output, result);
    ctx.output.result({
      ok: result.ok,
      cancelled: result.cancelled,
      durationMs: result.durationMs,
      functions: result.functions.map((f) => ({ ...f, error: f.error?.message })),
    });
    if (result.cancelled) return EXIT.interrupted;
    return result.ok ? EXIT.ok : EXIT.failure;
  },
};

function report(output: Parameters<Command['run']>[0]['output'], result: DeployResult): void {
  for (const fn of result.functions) {
    if (fn.status === 'failed') {
      output.error(`${fn.functionKey}: ${fn.error?.message ?? 'failed'}`);
    } else if (fn.status === 'cancelled') {
      output.line(
        `${fn.functionKey}: cancelled; the alias stays on version ${fn.previousVersion ?? '(none)'}`,
      );
    } else if (fn.status === 'unchanged') {
      output.line(`${fn.functionKey}: unchanged (version ${fn.version ?? '?'})`);
    } else {
      output.line(
        output.green(
          `${fn.functionKey}: ${fn.name} version ${fn.version}${fn.previousVersion ? ` (was ${fn.previousVersion})` : ''}`,
        ),
      );
    }
    if (fn.url) output.line(`  url: ${fn.url}`);
    for (const schedule of fn.schedules ?? []) output.line(`  schedule: ${schedule}`);
  }
  output.line(`Done in ${(result.durationMs / 1000).toFixed(1)} s.`);
}
