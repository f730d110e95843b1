// The description Flourish gives each version it publishes: the package's content hash, the
// configuration's fingerprint and the git commit. It is how `versions` shows where a version
// came from, and how drift is told apart from what Flourish itself published.

export interface VersionMetadata {
  /** SHA-256 of the zip, hex. */
  contentHash: string;
  /** configurationFingerprint() of the version's configuration. */
  configFingerprint: string;
  /** Full commit id, when deployed from a git repository. */
  commit?: string;
  /** The working tree had uncommitted changes. */
  dirty?: boolean;
}

const PREFIX = 'flourish';
/** Lambda allows 256 characters in a version description. */
const MAX_LENGTH = 256;

export function formatVersionDescription(m: VersionMetadata): string {
  let text = `${PREFIX} sha256:${m.contentHash} config:${m.configFingerprint}`;
  if (m.commit) text += ` commit:${m.commit}${m.dirty ? '-dirty' : ''}`;
  return text.slice(0, MAX_LENGTH);
}

const PATTERN =
  /^flourish sha256:([0-9a-f]{64}) config:([0-9a-f]{16})(?: commit:([0-9a-f]{7,64})(-dirty)?)?$/;

/** The metadata of a version Flourish published, or undefined for any other description. */
export function parseVersionDescription(description: string): VersionMetadata | undefined {
  const m = PATTERN.exec(description.trim());
  if (!m) return undefined;
  const meta: VersionMetadata = { contentHash: m[1], configFingerprint: m[2] };
  if (m[3]) {
    meta.commit = m[3];
    meta.dirty = Boolean(m[4]);
  }
  return meta;
}
