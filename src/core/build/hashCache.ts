import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomicWrite';
import { RACY_MS } from './folderCache';

const FORMAT = 1;

interface CacheFile {
  format: number;
  /** absPath -> [size, mtimeMs, mode, sha256 hex] */
  files: Record<string, [number, number, number, string]>;
}

export interface FileStamp {
  absPath: string;
  size: number;
  mtimeMs: number;
  mode: number;
}

/**
 * SHA-256 of files keyed by (path, size, mtime, mode): a file whose stamp is unchanged is not
 * read again. Saved as JSON, atomically; an unreadable cache is treated as empty.
 *
 * A file last modified at or after `trustedBefore` (RACY_MS before the walk that found it) could
 * be rewritten with the same size, after it was hashed, within the timestamp tick its mtime
 * shows, and its stamp would not move: its hash is neither taken from nor kept in the cache, so
 * it is read every time until its mtime is old enough for a later write to change it.
 */
export class FileHashCache {
  private constructor(
    readonly file: string,
    private entries: Map<string, [number, number, number, string]>,
    private readonly trustedBefore: number,
  ) {}

  /** `trustedBefore`: only files last modified before this time (ms) are cached. */
  static async load(file: string, trustedBefore = Date.now() - RACY_MS): Promise<FileHashCache> {
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as CacheFile;
      if (parsed.format === FORMAT && parsed.files && typeof parsed.files === 'object') {
        return new FileHashCache(file, new Map(Object.entries(parsed.files)), trustedBefore);
      }
    } catch {
      // Missing or damaged: start empty, the next save replaces it.
    }
    return new FileHashCache(file, new Map(), trustedBefore);
  }

  get(stamp: FileStamp): string | undefined {
    if (!(stamp.mtimeMs < this.trustedBefore)) return undefined;
    const hit = this.entries.get(stamp.absPath);
    return hit && hit[0] === stamp.size && hit[1] === stamp.mtimeMs && hit[2] === stamp.mode
      ? hit[3]
      : undefined;
  }

  set(stamp: FileStamp, sha256Hex: string): void {
    if (!(stamp.mtimeMs < this.trustedBefore)) {
      this.entries.delete(stamp.absPath);
      return;
    }
    this.entries.set(stamp.absPath, [stamp.size, stamp.mtimeMs, stamp.mode, sha256Hex]);
  }

  /** Saves only the given files' entries, so files that left the package are forgotten. */
  async save(keep: readonly FileStamp[]): Promise<void> {
    const files: CacheFile['files'] = {};
    for (const { absPath } of keep) {
      const entry = this.entries.get(absPath);
      if (entry) files[absPath] = entry;
    }
    await writeFileAtomic(this.file, JSON.stringify({ format: FORMAT, files } satisfies CacheFile));
  }
}

/** SHA-256 hex of a file, streamed. */
export function hashFile(absPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(absPath, { highWaterMark: 1 << 20 })
      .on('data', (chunk) => hash.update(chunk))
      .once('error', reject)
      .once('end', () => resolve(hash.digest('hex')));
  });
}
