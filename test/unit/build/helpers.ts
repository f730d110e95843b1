// Shared fixtures for the build tests: temp projects, functions and manifests built directly
// (the manifest parser is not needed), and a zip reader.
import { lstat, mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as yauzl from 'yauzl';
import type { FunctionSpec, Manifest } from '../../../src/core/manifest/types';

export async function tempDir(prefix = 'flourish-build-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}

/** Writes files (path -> content) under `root`, creating folders. */
export async function writeTree(
  root: string,
  files: Record<string, string | Buffer>,
): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, content);
  }
}

/**
 * Sets the mtime of everything under `root` (and of `root`) an hour back, as for a tree that
 * was not touched just before packaging: folder listings are only cached for such folders.
 */
export async function backdate(root: string, ms = 3_600_000): Promise<void> {
  const then = new Date(Date.now() - ms);
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const abs = path.join(root, entry.name);
    if (entry.isDirectory()) await backdate(abs, ms);
    else if (!(await lstat(abs)).isSymbolicLink()) await utimes(abs, then, then);
  }
  await utimes(root, then, then);
}

export function makeFunction(overrides: Partial<FunctionSpec> = {}): FunctionSpec {
  return {
    key: 'api',
    name: 'svc-dev-api',
    handler: 'src/handler.handler',
    runtime: 'nodejs20.x',
    memory: 128,
    timeout: 3,
    architecture: 'x86_64',
    environment: {},
    ephemeralStorage: 512,
    logFormat: 'Text',
    tags: {},
    package: { include: [], exclude: [] },
    events: [],
    ...overrides,
  };
}

export function makeManifest(root: string, functions: FunctionSpec[]): Manifest {
  return {
    service: 'svc',
    stage: 'dev',
    provider: { name: 'local', region: 'us-east-1' },
    functions,
    root,
    file: path.join(root, 'flourish.yaml'),
  };
}

export interface ZipEntryInfo {
  name: string;
  /** Unix mode bits from the external attributes. */
  mode: number;
  dosDate: number;
  dosTime: number;
  /** 0 stored, 8 deflated. */
  compressionMethod: number;
  content: Buffer;
}

/** Reads every entry of a zip, in the order stored. */
export function readZip(zipPath: string): Promise<ZipEntryInfo[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const entries: ZipEntryInfo[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamErr, stream) => {
          if (streamErr) return reject(streamErr);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            entries.push({
              name: entry.fileName,
              mode: (entry.externalFileAttributes >>> 16) & 0o7777,
              dosDate: entry.lastModFileDate,
              dosTime: entry.lastModFileTime,
              compressionMethod: entry.compressionMethod,
              content: Buffer.concat(chunks),
            });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
