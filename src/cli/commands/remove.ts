// `flourish remove`: the plan first, then, once confirmed, the deletions. A confirmation needs
// a person at a terminal; a script says --yes.
import { createInterface } from 'node:readline/promises';
import {
  applyRemove,
  formatRemovePlan,
  isEmptyRemovePlan,
  planRemove,
  type RemoveResult,
} from '../../core/deploy';
import { MANIFEST_OPTIONS, stringOption, type CliContext, type Command } from '../command';
import { EXIT, UsageError } from '../errors';
import { loadProject } from '../project';
import { providerFor, TARGET_OPTIONS } from '../target';

export const removeCommand: Command = {
  name: 'remove',
  summary: 'Delete what Flourish created for a stage: functions, URLs, schedules, roles',
  usage: 'flourish remove --stage S [--yes] [--plan] [--target local|aws] [--json]',
  options: {
    ...MANIFEST_OPTIONS,
    ...TARGET_OPTIONS,
    yes: { type: 'boolean', short: 'y', default: false },
    plan: { type: 'boolean', default: false },
  },
  async run(ctx, _positionals, values) {
    // Deleting is never aimed at the manifest's default stage by omission.
    if (!stringOption(values, 'stage')) {
      throw new UsageError('Name the stage to remove with --stage.');
    }
    const manifest = await loadProject(ctx, values);
    const provider = await providerFor(ctx, manifest, values);
    ctx.output.progress(
      `Finding what Flourish created for ${manifest.service} stage ${manifest.stage}`,
    );
    const plan = await planRemove(manifest, provider, { signal: ctx.signal });
    ctx.output.line(formatRemovePlan(plan));
    if (values.plan === true || isEmptyRemovePlan(plan)) {
      ctx.output.result({ plan });
      return EXIT.ok;
    }
    if (values.yes !== true && !(await confirm(ctx, plan.stage))) {
      ctx.output.line('Nothing was removed.');
      ctx.output.result({ plan, removed: [] });
      return EXIT.failure;
    }
    const result = await applyRemove(plan, provider, {
      signal: ctx.signal,
      onEvent: (event) => {
        if (event.type === 'started') ctx.output.progress(event.message);
        if (event.type === 'skipped') ctx.output.warn(event.message);
      },
    });
    report(ctx, result);
    ctx.output.result({
      plan,
      ok: result.ok,
      cancelled: result.cancelled,
      removed: result.removed,
      skipped: result.skipped,
      failed: result.failed.map((f) => ({ kind: f.kind, name: f.name, error: f.error.message })),
      durationMs: result.durationMs,
    });
    if (result.cancelled) return EXIT.interrupted;
    return result.ok ? EXIT.ok : EXIT.failure;
  },
};

async function confirm(ctx: CliContext, stage: string): Promise<boolean> {
  if (ctx.output.json || !process.stdin.isTTY || !ctx.output.interactive) {
    throw new UsageError(
      'Removing needs a confirmation, and there is no terminal to ask at: pass --yes to remove without asking (or --plan to only look).',
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Delete all of this from stage ${stage}? [y/N] `, {
      signal: ctx.signal,
    });
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

function report(ctx: CliContext, result: RemoveResult): void {
  for (const f of result.failed) ctx.output.error(`${f.kind} ${f.name}: ${f.error.message}`);
  if (result.cancelled) {
    ctx.output.line(
      `Stopped after deleting ${result.removed.length}; run "flourish remove" again to delete the rest.`,
    );
    return;
  }
  const text = `Deleted ${result.removed.length} in ${(result.durationMs / 1000).toFixed(1)} s.`;
  ctx.output.line(result.ok ? ctx.output.green(text) : text);
  if (!result.ok) ctx.output.line('Run "flourish remove" again to retry what is left.');
}
