// Each workspace function against the selected target and stage: not deployed, in sync,
// changed locally, or drifted (changed outside Flourish). It is what a deploy plan would say,
// computed without running build commands, and never starts the local cloud just to look.
import { planDeploy } from '../../core/deploy';
import type { ResolvedFunction } from '../functionRef';
import { effectiveTarget } from '../targetSelection';
import type { CloudContext } from './index';
import { providerFor } from './providers';

export type FunctionState = 'not-deployed' | 'in-sync' | 'changed' | 'drifted' | 'unknown';

export interface FunctionStatus {
  state: FunctionState;
  detail: string;
  /** The function URL on the stage alias, when it has one. */
  url?: string;
}

export async function functionStates(
  ctx: CloudContext,
  entry: ResolvedFunction['entry'],
  signal?: AbortSignal,
): Promise<Map<string, FunctionStatus>> {
  const manifest = entry.manifest;
  const states = new Map<string, FunctionStatus>();
  const target = effectiveTarget(manifest, entry.uri);
  if (target.kind === 'local' && !(await ctx.localCloud.status())) {
    for (const fn of manifest.functions)
      states.set(fn.key, { state: 'unknown', detail: 'the local cloud is stopped' });
    return states;
  }
  try {
    const provider = await providerFor(ctx, manifest, entry.uri);
    const plan = await planDeploy(manifest, provider, { skipBuild: true, signal });
    for (const fn of plan.functions) {
      const url = fn.events?.url.current?.url;
      if (fn.drift) {
        states.set(fn.key, {
          state: 'drifted',
          detail: `changed outside Flourish since version ${fn.drift.since}`,
          url,
        });
      } else if (fn.action === 'create') {
        states.set(fn.key, { state: 'not-deployed', detail: `not deployed to ${manifest.stage}` });
      } else if (fn.action === 'unchanged') {
        states.set(fn.key, {
          state: 'in-sync',
          detail: `in sync (version ${fn.aliasBefore?.version ?? '?'})`,
          url,
        });
      } else {
        const what = [
          fn.codeChanged ? 'code' : undefined,
          fn.configurationChanges.length ? 'configuration' : undefined,
        ]
          .filter(Boolean)
          .join(' and ');
        states.set(fn.key, {
          state: 'changed',
          detail: what ? `${what} changed locally` : 'a deploy is pending',
          url,
        });
      }
    }
  } catch (error) {
    for (const fn of manifest.functions)
      states.set(fn.key, { state: 'unknown', detail: (error as Error).message });
  }
  return states;
}
