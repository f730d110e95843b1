import { readFileSync, statSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { endianness } from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from './atomicWrite';
import type { DepsRecord } from './productionDeps';
import type { PackageWarning } from './selectFiles';

// Every folder walked and every file chosen by the last package of a function, with their stat
// stamps, in one compact file. When each folder still has its mtime and inode (so its listing is
// what it was) and each file its size, mtime and mode, the selection is the one recorded, file
// for file: an unchanged repackage then costs one stat per folder and file, compared against a
// typed array, without walking, matching patterns, building the file list, sorting or digesting.

const MAGIC = 'flourish-tree';
const FORMAT = 2;
/** Numbers per folder (mtimeMs, ino, number of files) and per file (size, mtimeMs, mode). */
const PER_FOLDER = 3;
const PER_FILE = 3;

/** What a recorded selection amounts to, without its files. */
export interface TreeSummary {
  /** The selection's key: base, patterns, production packages (see selectFiles). */
  key: string;
  /** The dependency resolution the key rests on, to check before trusting the key. */
  deps: DepsRecord;
  /** stampDigest of the chosen files, as in the package state. */
  stampDigest: string;
  /** The deflate level the digest was taken for. */
  level: number;
  fileCount: number;
  unzippedBytes: number;
  /** The selection's warnings, sorted as selectFiles sorts them. */
  warnings: PackageWarning[];
}

interface Header extends TreeSummary {
  magic: string;
  format: number;
  endian: string;
  folders: number;
  folderNamesBytes: number;
  fileNamesBytes: number;
}

/**
 * Filled by the walk as it goes, folder by folder: each folder taken, then the files taken from
 * it. Paths are kept as the walk has them, so recording costs no path building or lookup.
 */
export class TreeRecorder {
  /** Absolute folder paths, each followed by a NUL. */
  folderNames = '';
  /** Absolute file paths, folder after folder, each followed by a NUL. */
  fileNames = '';
  readonly folderStamps: number[] = [];
  readonly fileStamps: number[] = [];
  private countAt = -1;

  folder(abs: string, mtimeMs: number, ino: number): void {
    this.folderNames += `${abs}\0`;
    this.countAt = this.folderStamps.length + 2;
    this.folderStamps.push(mtimeMs, ino, 0);
  }

  /** A file taken from the folder recorded last; `mode` as SelectedFile has it. */
  file(abs: string, size: number, mtimeMs: number, mode: number): void {
    this.fileNames += `${abs}\0`;
    this.fileStamps.push(size, mtimeMs, mode);
    this.folderStamps[this.countAt]!++;
  }

  get fileCount(): number {
    return this.fileStamps.length / PER_FILE;
  }
}

/** The walk gives the event loop a turn this often. */
const YIELD_EVERY_MS = 20;

export class TreeSnapshot {
  private constructor(
    readonly summary: TreeSummary,
    private readonly folderCount: number,
    /**
     * Absolute paths of the folders, then of their files, folder by folder, each followed by a
     * NUL. One string each, not one per path: nothing long-lived for the collector to copy, and
     * a path to stat is a slice of it, with no joining or flattening.
     */
    private readonly folderNames: string,
    private readonly fileNames: string,
    /** Folder stamps, then file stamps, in the order of the names. */
    private readonly stamps: Float64Array,
  ) {}

  /** The snapshot in `file`; undefined when there is none or it cannot be used. */
  static load(file: string): TreeSnapshot | undefined {
    try {
      // Synchronous: one read from the page cache, far cheaper than the async round trips.
      const buf = readFileSync(file);
      const headerBytes = buf.readUInt32LE(0);
      const header = JSON.parse(buf.toString('utf8', 4, 4 + headerBytes)) as Header;
      if (header.magic !== MAGIC || header.format !== FORMAT || header.endian !== endianness()) {
        return undefined;
      }
      let at = 4 + headerBytes;
      const folderNames = buf.toString('utf8', at, (at += header.folderNamesBytes));
      const fileNames = buf.toString('utf8', at, (at += header.fileNamesBytes));
      at = align8(at);
      const count = header.folders * PER_FOLDER + header.fileCount * PER_FILE;
      if (buf.length !== at + count * 8) return undefined;
      // A copy: the file's bytes need not start on an 8-byte boundary in memory.
      const stamps = new Float64Array(
        buf.buffer.slice(buf.byteOffset + at, buf.byteOffset + buf.length),
      );
      return new TreeSnapshot(header, header.folders, folderNames, fileNames, stamps);
    } catch {
      return undefined; // missing or damaged: the selection is walked, the next save replaces it
    }
  }

  /** Writes what a walk recorded. */
  static async save(file: string, summary: TreeSummary, tree: TreeRecorder): Promise<void> {
    const folderNames = Buffer.from(tree.folderNames, 'utf8');
    const fileNames = Buffer.from(tree.fileNames, 'utf8');
    const folders = tree.folderStamps.length / PER_FOLDER;
    const header = Buffer.from(
      JSON.stringify({
        ...summary,
        magic: MAGIC,
        format: FORMAT,
        endian: endianness(),
        folders,
        fileCount: tree.fileCount,
        folderNamesBytes: folderNames.length,
        fileNamesBytes: fileNames.length,
      } satisfies Header),
      'utf8',
    );
    const namesEnd = 4 + header.length + folderNames.length + fileNames.length;
    const stampsStart = align8(namesEnd);
    const stamps = new Float64Array(tree.folderStamps.length + tree.fileStamps.length);
    stamps.set(tree.folderStamps);
    stamps.set(tree.fileStamps, tree.folderStamps.length);
    const out = Buffer.alloc(stampsStart + stamps.byteLength);
    out.writeUInt32LE(header.length, 0);
    header.copy(out, 4);
    folderNames.copy(out, 4 + header.length);
    fileNames.copy(out, 4 + header.length + folderNames.length);
    Buffer.from(stamps.buffer).copy(out, stampsStart);
    await writeFileAtomic(file, out);
  }

  static async remove(file: string): Promise<void> {
    await unlink(file).catch(() => undefined);
  }

  /** Whether a file of this path in the package (forward slashes) was chosen under `base`. */
  hasFile(base: string, rel: string): boolean {
    const abs = path.resolve(base) + path.sep + rel.split('/').join(path.sep);
    const { fileNames } = this;
    const at = fileNames.indexOf(`${abs}\0`);
    return at === 0 || (at > 0 && fileNames.charCodeAt(at - 1) === 0);
  }

  /**
   * Whether every folder and file still has its recorded stamp: one stat each, stopping at the
   * first difference. A folder is checked before its files, so an added, removed or renamed
   * entry (which moves its folder's mtime) ends the check there.
   */
  async holds(signal?: AbortSignal): Promise<boolean> {
    const { folderNames, fileNames, stamps, folderCount } = this;
    const options = { throwIfNoEntry: false } as const;
    let sliceStart = performance.now();
    let folderName = 0;
    let fileName = 0;
    let at = folderCount * PER_FOLDER;
    for (let i = 0; i < folderCount; i++) {
      if ((i & 63) === 63) {
        signal?.throwIfAborted();
        if (performance.now() - sliceStart > YIELD_EVERY_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          sliceStart = performance.now();
        }
      }
      const folderEnd = folderNames.indexOf('\0', folderName);
      const folder = statSync(folderNames.slice(folderName, folderEnd), options);
      folderName = folderEnd + 1;
      const f = i * PER_FOLDER;
      if (!folder?.isDirectory() || folder.mtimeMs !== stamps[f] || folder.ino !== stamps[f + 1]) {
        return false;
      }
      for (let n = stamps[f + 2]!; n > 0; n--, at += PER_FILE) {
        const end = fileNames.indexOf('\0', fileName);
        const st = statSync(fileNames.slice(fileName, end), options);
        fileName = end + 1;
        if (
          !st?.isFile() ||
          st.size !== stamps[at] ||
          st.mtimeMs !== stamps[at + 1] ||
          (st.mode & 0o7777) !== stamps[at + 2]
        ) {
          return false;
        }
      }
    }
    return true;
  }
}

function align8(n: number): number {
  return (n + 7) & ~7;
}
