import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from './atomicWrite';
import type { DepsRecord } from './productionDeps';
import { TreeRecorder } from './treeSnapshot';

// What the file walk found in each folder the last time, so a folder whose listing cannot have
// changed is not read and matched against the patterns again: only its files are stat-ed.

const FORMAT = 1;

/**
 * A folder's mtime changes whenever an entry in it is added, removed or renamed, but the
 * timestamps of some file systems are coarse (a few ms on ext4, 1 s on HFS+, 2 s on FAT): a
 * change in the same tick as the listing was read would not move it. A listing is only
 * remembered when its folder was last changed this long before the walk started.
 */
export const RACY_MS = 2000;

/** One folder's listing: the subfolders walked into and the files taken, by name. */
export interface FolderListing {
  mtimeMs: number;
  ino: number;
  dirs: string[];
  files: string[];
}

type Stored = [mtimeMs: number, ino: number, dirs: string[], files: string[]];

interface CacheFile {
  format: number;
  /** What the listings depend on besides the folders: base, patterns, production packages. */
  key: string;
  /** Folder path in the package ('' for the base) -> listing. */
  folders: Record<string, Stored>;
  /** The production dependency resolution and what it read. */
  deps?: DepsRecord;
}

/**
 * The listings of the folders of one package, valid for one `key`. Loaded before the walk,
 * consulted and updated during it, saved after it; only the folders seen in the last walk are
 * kept. An unreadable cache is treated as empty.
 */
export class FolderCache {
  private readonly seen = new Map<string, Stored>();
  private changed = false;
  private allKept = false;
  private recorder = new TreeRecorder();

  private constructor(
    readonly file: string,
    private key: string,
    private folders: Map<string, Stored>,
    private depsRecord: DepsRecord | undefined,
  ) {}

  static async load(file: string): Promise<FolderCache> {
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as CacheFile;
      if (parsed.format === FORMAT && parsed.folders && typeof parsed.key === 'string') {
        return new FolderCache(
          file,
          parsed.key,
          new Map(Object.entries(parsed.folders)),
          parsed.deps,
        );
      }
    } catch {
      // Missing or damaged: every folder is read, the next save replaces it.
    }
    return new FolderCache(file, '', new Map(), undefined);
  }

  /** The dependency resolution of the last walk, to check before resolving again. */
  get deps(): DepsRecord | undefined {
    return this.depsRecord;
  }

  set deps(record: DepsRecord | undefined) {
    this.depsRecord = record;
    this.changed = true;
  }

  /** Starts a walk; listings recorded under another key are dropped. */
  begin(key: string): void {
    if (key !== this.key) {
      this.key = key;
      this.folders = new Map();
      this.changed = true;
    }
    this.seen.clear();
    this.allKept = true;
    this.recorder = new TreeRecorder();
  }

  /** The key of the last walk. */
  get walkKey(): string {
    return this.key;
  }

  /**
   * Whether every folder of the last walk has a listing to trust next time (none changed just
   * before it, none holds a symlink) and the dependency resolution was kept: the walk's result
   * then follows from the folders' stamps alone.
   */
  get complete(): boolean {
    return this.allKept && this.depsRecord !== undefined;
  }

  /** The folders and files of the last walk with their stamps, as the walk recorded them. */
  get tree(): TreeRecorder {
    return this.recorder;
  }

  /** The listing of `rel` when its folder still has the given stamp. */
  get(rel: string, mtimeMs: number, ino: number): FolderListing | undefined {
    const hit = this.folders.get(rel);
    if (!hit || hit[0] !== mtimeMs || hit[1] !== ino) return undefined;
    this.seen.set(rel, hit);
    return { mtimeMs, ino, dirs: hit[2], files: hit[3] };
  }

  /** Records a freshly read listing, or forgets the folder (undefined: not to be trusted). */
  set(rel: string, listing: FolderListing | undefined): void {
    this.changed = true;
    if (listing) this.seen.set(rel, [listing.mtimeMs, listing.ino, listing.dirs, listing.files]);
    else {
      this.seen.delete(rel);
      this.allKept = false;
    }
  }

  /** Saves the folders seen in the last walk, when anything differs from what was loaded. */
  async save(): Promise<void> {
    if (!this.changed && this.seen.size === this.folders.size) return;
    const folders: CacheFile['folders'] = {};
    for (const [rel, stored] of this.seen) folders[rel] = stored;
    await writeFileAtomic(
      this.file,
      JSON.stringify({
        format: FORMAT,
        key: this.key,
        folders,
        deps: this.depsRecord,
      } satisfies CacheFile),
    );
    this.folders = new Map(this.seen);
    this.changed = false;
  }
}
