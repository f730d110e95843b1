// Rollback moves the stage alias to an earlier version. A version is immutable and holds code
// and configuration together, so both are the old ones the moment the alias moves.
import type { CloudProvider } from '../cloud/provider';
import type { Manifest } from '../manifest/types';
import { DeployError } from './errors';
import { findFunction } from './plan';

export interface RollbackOptions {
  /** The version to go to; default the newest published version before the current one. */
  to?: string;
  signal?: AbortSignal;
}

export interface RollbackResult {
  functionName: string;
  alias: string;
  from: string;
  to: string;
}

export async function rollback(
  manifest: Manifest,
  provider: CloudProvider,
  functionKey: string,
  options: RollbackOptions = {},
): Promise<RollbackResult> {
  const { signal } = options;
  const fn = findFunction(manifest, functionKey);
  const aliasName = manifest.stage;
  const alias = await provider.getAlias(fn.name, aliasName, { signal });
  if (!alias) {
    throw new DeployError(
      `${fn.name} has no alias "${aliasName}" on ${provider.label}, so stage ${aliasName} has nothing to roll back: deploy it first with \`flourish deploy --stage ${aliasName}\``,
      { code: 'not-deployed', functionKey: fn.key },
    );
  }
  const versions = await provider.listVersions(fn.name, { signal });
  const current = Number(alias.version);
  let to: string;
  if (options.to !== undefined) {
    const wanted = options.to.trim();
    if (!versions.some((v) => v.version === wanted)) {
      const known = versions.map((v) => v.version).join(', ') || 'none';
      throw new DeployError(
        `${fn.name} has no version "${wanted}" on ${provider.label} (versions: ${known}): pick one from \`flourish versions ${fn.key}\``,
        { code: 'unknown-version', functionKey: fn.key },
      );
    }
    if (wanted === alias.version) {
      throw new DeployError(
        `Alias ${aliasName} of ${fn.name} already points at version ${wanted}: nothing to do`,
        { code: 'already-on-version', functionKey: fn.key },
      );
    }
    to = wanted;
  } else {
    const previous = versions.filter((v) => Number(v.version) < current).at(-1);
    if (!previous) {
      throw new DeployError(
        `Version ${alias.version} is the oldest published version of ${fn.name}, so there is no earlier one to roll back to: name a later one with --to, or deploy the fix`,
        { code: 'no-previous-version', functionKey: fn.key },
      );
    }
    to = previous.version;
  }
  // The revision guards against moving an alias another rollback or deploy just moved.
  await provider.putAlias(fn.name, aliasName, to, {
    signal,
    revisionId: alias.revisionId,
    description: alias.description || `Flourish stage ${aliasName}`,
  });
  return { functionName: fn.name, alias: aliasName, from: alias.version, to };
}
