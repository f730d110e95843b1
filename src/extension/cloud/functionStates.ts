// Each workspace function against the selected target and stage, as a deploy plan would see
// it, computed without running build commands, and never starting the local cloud just to
// look. What the plan means for each function is decided in functionStatesModel.ts.
import { planDeploy } from '../../core/deploy';
import type { ResolvedFunction } from '../functionRef';
import { statesFromPlan, unknownStates, type FunctionStatus } from '../functionStatesModel';
import { effectiveTarget } from '../targetSelection';
import type { CloudContext } from './index';
import { providerFor } from './providers';

export type { FunctionState, FunctionStatus } from '../functionStatesModel';

export async function functionStates(
  ctx: CloudContext,
  entry: ResolvedFunction['entry'],
  signal?: AbortSignal,
): Promise<Map<string, FunctionStatus>> {
  const manifest = entry.manifest;
  const keys = manifest.functions.map((fn) => fn.key);
  const target = effectiveTarget(manifest, entry.uri);
  if (target.kind === 'local' && !(await ctx.localCloud.status()))
    return unknownStates(keys, 'the local cloud is stopped');
  try {
    const provider = await providerFor(ctx, manifest, entry.uri);
    const plan = await planDeploy(manifest, provider, { skipBuild: true, signal });
    return statesFromPlan(plan.functions, manifest.stage);
  } catch (error) {
    return unknownStates(keys, (error as Error).message);
  }
}
