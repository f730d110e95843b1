// The pure heart of the planner: from what is wanted and what is deployed, decide what to do
// with one function and whether it drifted. No I/O, so every case has a unit test.
import type {
  AliasInfo,
  DeployedFunction,
  FunctionConfiguration,
  FunctionVersion,
} from '../cloud/provider';
import {
  configurationFingerprint,
  diffConfiguration,
  diffRecords,
  type FieldDifference,
} from './configuration';
import { parseVersionDescription } from './versionMetadata';

export type PlanAction =
  | 'create'
  | 'update-code'
  | 'update-configuration'
  | 'update-code-and-configuration'
  /** `$LATEST` is already as wanted but no published version holds it (an interrupted deploy). */
  | 'publish'
  /** A published version already holds what is wanted; only the alias moves. */
  | 'move-alias'
  /** Only tags change; tags are not part of a version. */
  | 'update-tags'
  | 'unchanged';

export interface DeployedState {
  /** `$LATEST`, or undefined when the function does not exist. */
  latest?: DeployedFunction;
  /** Published versions, oldest first. */
  versions: FunctionVersion[];
  /** The stage alias, when it exists. */
  alias?: AliasInfo;
}

export interface DesiredFunction {
  configuration: FunctionConfiguration;
  /** base64 SHA-256 of the zip, comparable with Lambda's CodeSha256. */
  codeSha256: string;
  tags: Record<string, string>;
}

/** `$LATEST` was changed outside Flourish: `from` is what Flourish published, `to` what is there. */
export interface Drift {
  /** The published version `$LATEST` was compared with. */
  since: string;
  differences: FieldDifference[];
}

export interface FunctionDecision {
  action: PlanAction;
  /** The deployed code differs from the package. */
  codeChanged: boolean;
  /** Code goes up: it changed, or the architecture did (which Lambda sets with the code). */
  uploadCode: boolean;
  /** From `$LATEST` to the manifest, field by field (empty on create). */
  configurationChanges: FieldDifference[];
  /** `tags.<key>` to add or change; tags Flourish did not set are left alone. */
  tagChanges: FieldDifference[];
  /** A new version will be published. */
  publish: boolean;
  /** The alias moves (to the new version, or to `aliasTarget`). */
  moveAlias: boolean;
  /** The existing version the alias moves to when nothing is published. */
  aliasTarget?: string;
  drift?: Drift;
}

export function decideFunction(desired: DesiredFunction, state: DeployedState): FunctionDecision {
  const { latest, versions, alias } = state;
  if (!latest) {
    return {
      action: 'create',
      codeChanged: true,
      uploadCode: true,
      configurationChanges: [],
      tagChanges: [],
      publish: true,
      moveAlias: true,
    };
  }
  const codeChanged = latest.codeSha256 !== desired.codeSha256;
  const configurationChanges = diffConfiguration(latest.configuration, desired.configuration);
  const uploadCode = codeChanged || configurationChanges.some((d) => d.field === 'architecture');
  const updateConfiguration = configurationChanges.some((d) => d.field !== 'architecture');
  const tagChanges = diffRecords('tags', latest.tags, desired.tags).filter(
    (d) => d.to !== undefined,
  );
  const drift = detectDrift(desired, state);
  const base = { codeChanged, uploadCode, configurationChanges, tagChanges, drift };

  if (uploadCode || updateConfiguration) {
    const action: PlanAction =
      uploadCode && updateConfiguration
        ? 'update-code-and-configuration'
        : uploadCode
          ? 'update-code'
          : 'update-configuration';
    return { ...base, action, publish: true, moveAlias: true };
  }

  const aliasVersion = alias && versions.find((v) => v.version === alias.version);
  if (aliasVersion && versionHolds(aliasVersion, latest)) {
    const action: PlanAction = tagChanges.length ? 'update-tags' : 'unchanged';
    return { ...base, action, publish: false, moveAlias: false };
  }
  const holder = [...versions].reverse().find((v) => versionHolds(v, latest));
  if (holder) {
    return {
      ...base,
      action: 'move-alias',
      publish: false,
      moveAlias: true,
      aliasTarget: holder.version,
    };
  }
  return { ...base, action: 'publish', publish: true, moveAlias: true };
}

/** The published version holds exactly `$LATEST`'s code and configuration. */
export function versionHolds(version: FunctionVersion, latest: FunctionVersion): boolean {
  if (version.codeSha256 !== latest.codeSha256) return false;
  const meta = parseVersionDescription(version.configuration.description);
  if (meta) return meta.configFingerprint === configurationFingerprint(latest.configuration);
  // Published outside Flourish: its description is its own, so compare everything else.
  return (
    diffConfiguration(version.configuration, latest.configuration, { ignore: ['description'] })
      .length === 0
  );
}

/**
 * `$LATEST` differs from the newest version Flourish published, from the version the alias
 * serves, and from what is being deployed: someone changed it outside Flourish. A difference
 * that matches the manifest is left out: that is an interrupted deploy of this very change.
 */
export function detectDrift(desired: DesiredFunction, state: DeployedState): Drift | undefined {
  const { latest, versions, alias } = state;
  if (!latest) return undefined;
  const published = [...versions]
    .reverse()
    .find((v) => parseVersionDescription(v.configuration.description));
  if (!published) return undefined;
  const meta = parseVersionDescription(published.configuration.description)!;
  const aliasVersion = alias ? versions.find((v) => v.version === alias.version) : undefined;
  const known = [published, aliasVersion].filter((v): v is FunctionVersion => Boolean(v));

  const differences: FieldDifference[] = [];
  if (
    latest.codeSha256 !== desired.codeSha256 &&
    known.every((v) => v.codeSha256 !== latest.codeSha256)
  ) {
    differences.push({ field: 'code', from: published.codeSha256, to: latest.codeSha256 });
  }
  const changed = diffConfiguration(published.configuration, latest.configuration, {
    ignore: ['description'],
  });
  for (const d of changed) {
    if (fieldHas(desired.configuration, d.field, d.to)) continue;
    if (aliasVersion && fieldHas(aliasVersion.configuration, d.field, d.to)) continue;
    differences.push(d);
  }
  // The version's description is Flourish's metadata, so the function's own description is
  // only known through the fingerprint: with everything else as published, does it match?
  const descriptionAsPublished =
    configurationFingerprint({
      ...published.configuration,
      description: latest.configuration.description,
    }) === meta.configFingerprint;
  if (
    !descriptionAsPublished &&
    latest.configuration.description !== desired.configuration.description
  ) {
    differences.push({ field: 'description', to: latest.configuration.description });
  }
  return differences.length ? { since: published.version, differences } : undefined;
}

function fieldHas(c: FunctionConfiguration, field: string, value: string | number | undefined) {
  if (field.startsWith('environment.')) {
    const key = field.slice('environment.'.length);
    return Object.hasOwn(c.environment, key) ? c.environment[key] === value : value === undefined;
  }
  return (c as unknown as Record<string, unknown>)[field] === value;
}
