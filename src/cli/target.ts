// The cloud a command talks to: --target/--profile/--region/--endpoint over the manifest's
// provider; for the local cloud, the running one or a new one started in the background.
import { resolveTarget, type CloudProvider, type TargetKind } from '../core/cloud';
import type { Manifest } from '../core/manifest';
import { stringOption, type CliContext, type OptionSpec, type OptionValues } from './command';
import { UsageError } from './errors';
import { ensureCliLocalCloud, stateDirOf } from './localCloud';

export const TARGET_OPTIONS: OptionSpec = {
  target: { type: 'string', short: 't' },
  profile: { type: 'string' },
  region: { type: 'string' },
  endpoint: { type: 'string' },
  'state-dir': { type: 'string' },
};

export function targetKind(values: OptionValues): TargetKind | undefined {
  const target = stringOption(values, 'target');
  if (target === undefined || target === 'local' || target === 'aws') return target;
  throw new UsageError(`--target must be "local" or "aws", not "${target}".`);
}

export async function providerFor(
  ctx: CliContext,
  manifest: Manifest,
  values: OptionValues,
): Promise<CloudProvider> {
  const stateDir = stateDirOf(ctx, values);
  const provider = await resolveTarget(manifest, {
    target: targetKind(values),
    profile: stringOption(values, 'profile') ?? ctx.env.AWS_PROFILE,
    region: stringOption(values, 'region'),
    endpoint: stringOption(values, 'endpoint'),
    localStateDir: stateDir,
    ensureLocalCloud: () => ensureCliLocalCloud(ctx, stateDir),
  });
  ctx.cleanups.push(() => provider.dispose());
  return provider;
}
