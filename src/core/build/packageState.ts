import { createHash } from 'node:crypto';
import { readdir, readFile, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import type { SizedPath } from './limits';
import type { SelectedFile } from './selectFiles';
import { DEFAULT_DEFLATE_LEVEL, zipMode } from './zip';

// What is remembered between two packages of a function, to tell "nothing changed" cheaply.

/** What the last package of a function was, to reuse its zip when nothing changed. */
export interface PackageState {
  format: number;
  packageKey: string;
  /** Digest of every file's path, size, mtime and mode: equal means nothing needs reading. */
  stampDigest: string;
  sha256Hex: string;
  codeSha256: string;
  zipBytes: number;
  zipMtimeMs: number;
  zipIno: number;
  /** The largest files and folders of that package, for a reuse that reads no file. */
  largest?: SizedPath[];
  largestFolders?: SizedPath[];
}

export const STATE_FORMAT = 1;
/** Changes whenever the zip layout does, so a cache from an older layout is not reused. */
const ZIP_FORMAT = 'flourish-zip-2';

/** Identifies the chosen files by name and stat stamp only, without reading them. */
export function stampDigest(files: readonly SelectedFile[], level = DEFAULT_DEFLATE_LEVEL): string {
  // The names as one string and the numbers as one array: far cheaper than a line per file.
  const stamps = new Float64Array(files.length * 3);
  let names = '';
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    stamps[i * 3] = f.size;
    stamps[i * 3 + 1] = f.mtimeMs;
    stamps[i * 3 + 2] = f.mode;
    names += `${f.path}\0`;
  }
  return createHash('sha256')
    .update(`${ZIP_FORMAT} level=${level} stamps=2\n`)
    .update(names)
    .update(stamps)
    .digest('hex');
}

/** Identifies a package's content: every entry's name, mode and content hash, and the format. */
export function packageKey(
  files: readonly SelectedFile[],
  hashes: ReadonlyMap<string, string>,
  level = DEFAULT_DEFLATE_LEVEL,
): string {
  const h = createHash('sha256').update(`${ZIP_FORMAT} level=${level}\n`);
  for (const f of files)
    h.update(`${zipMode(f.path, f.mode)} ${hashes.get(f.absPath)} ${f.path}\n`);
  return h.digest('hex');
}

export async function readState(file: string): Promise<PackageState | undefined> {
  try {
    const state = JSON.parse(await readFile(file, 'utf8')) as PackageState;
    return state.format === STATE_FORMAT ? state : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Deletes temporary files left by a process that was killed while writing (an abort in-process
 * cleans up after itself). Those of live processes, this one included, are left alone.
 */
export async function removeAbandonedTemporaries(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    const match = /\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name);
    if (match && !isAlive(Number(match[1])))
      await unlink(path.join(dir, name)).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
