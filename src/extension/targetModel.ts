// Where a manifest's deploys, invokes and logs go under given settings, and how the status bar
// and the invoke panel name it. Pure: targetSelection.ts reads the settings and passes them.
import type { Manifest } from '../core/manifest';
import type { TargetSetting } from './settingDefaults';

export interface EffectiveTarget {
  kind: 'local' | 'aws';
  stage: string;
  profile?: string;
  /** undefined: the AWS chain decides (environment, the profile's region, else us-east-1). */
  region?: string;
}

/** The settings that choose a target (empty strings: not set). */
export interface TargetSettingValues {
  target: TargetSetting;
  profile: string;
  region: string;
}

export function resolveTarget(
  manifest: Pick<Manifest, 'stage' | 'provider'>,
  settings: TargetSettingValues,
): EffectiveTarget {
  return {
    kind: settings.target === 'manifest' ? manifest.provider.name : settings.target,
    stage: manifest.stage,
    profile: settings.profile || manifest.provider.profile,
    region: settings.region || manifest.provider.region || undefined,
  };
}

export function describeTarget(target: EffectiveTarget): string {
  if (target.kind === 'local') return `local · ${target.stage}`;
  return `aws ${target.region ?? 'default region'}${target.profile ? ` (${target.profile})` : ''} · ${target.stage}`;
}
