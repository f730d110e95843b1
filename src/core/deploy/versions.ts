// The published versions of a function: when each was deployed, from which content and
// commit, and which aliases point at it.
import type { CallOptions, CloudProvider } from '../cloud/provider';
import type { Manifest } from '../manifest/types';
import { findFunction } from './plan';
import { parseVersionDescription } from './versionMetadata';

export interface VersionInfo {
  version: string;
  /** ISO 8601 time the version was published. */
  deployedAt: string;
  /** SHA-256 of the package, hex, for versions Flourish published. */
  contentHash?: string;
  /** Fingerprint of the configuration, for versions Flourish published. */
  configFingerprint?: string;
  commit?: string;
  /** Deployed from a working tree with uncommitted changes. */
  dirty?: boolean;
  /** base64 SHA-256 of the code, as Lambda reports it. */
  codeSha256: string;
  codeSize: number;
  /** Aliases pointing at this version, by name. */
  aliases: string[];
  /** Published by Flourish (its description carries Flourish's metadata). */
  publishedByFlourish: boolean;
  description: string;
}

/** Newest first. An undeployed function has none. */
export async function listVersions(
  manifest: Manifest,
  provider: CloudProvider,
  functionKey: string,
  options: CallOptions = {},
): Promise<VersionInfo[]> {
  const fn = findFunction(manifest, functionKey);
  if (!(await provider.getFunction(fn.name, options))) return [];
  const [versions, aliases] = await Promise.all([
    provider.listVersions(fn.name, options),
    provider.listAliases(fn.name, options),
  ]);
  return versions
    .map((v): VersionInfo => {
      const meta = parseVersionDescription(v.configuration.description);
      return {
        version: v.version,
        deployedAt: v.lastModified,
        contentHash: meta?.contentHash,
        configFingerprint: meta?.configFingerprint,
        commit: meta?.commit,
        dirty: meta?.dirty,
        codeSha256: v.codeSha256,
        codeSize: v.codeSize,
        aliases: aliases.filter((a) => a.version === v.version).map((a) => a.name),
        publishedByFlourish: Boolean(meta),
        description: v.configuration.description,
      };
    })
    .reverse();
}
