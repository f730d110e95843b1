import { createHash } from 'node:crypto';
import { readdir, readFile, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import type { SelectedFile } from './selectFiles';
import { zipMode } from './zip';

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
}

export const STATE_FORMAT = 1;
/** Changes whenever the zip layout does, so a cache from an older layout is not reused. */
const ZIP_FORMAT = 'flourish-zip-2';

/** Identifies the chosen files by name and stat stamp only, without reading them. */
export function stampDigest(files: readonly SelectedFile[], level = 6): string {
  const lines = files.map((f) => `${f.path}\0${f.size}\0${f.mtimeMs}\0${f.mode}\n`);
  return createHash('sha256')
    .update(`${ZIP_FORMAT} level=${level}\n`)
    .update(lines.join(''))
    .digest('hex');
}

/** Identifies a package's content: every entry's name, mode and content hash, and the format. */
export function packageKey(
  files: readonly SelectedFile[],
  hashes: ReadonlyMap<string, string>,
  level = 6,
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
