import archiver from 'archiver';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertSafeEntryName } from './paths';

export interface ZipInput {
  /** Entry name: relative, forward slashes. */
  path: string;
  /** Where to read the bytes. */
  absPath: string;
  size: number;
  /** Mode bits on disk; only the execute bits matter. */
  mode: number;
}

export interface ZipOptions {
  /** Deflate level, 0-9; 6 as Info-ZIP's default. */
  level?: number;
  signal?: AbortSignal;
  /** Bytes of input read so far, out of the total. */
  onProgress?: (doneBytes: number, totalBytes: number) => void;
  /** SHA-256 hex of files already known (by absPath), so they are not hashed again. */
  knownHashes?: ReadonlyMap<string, string>;
}

export interface ZipOutput {
  zipPath: string;
  sha256Hex: string;
  /** base64 of the SHA-256 of the zip's bytes: what Lambda reports as CodeSha256. */
  codeSha256: string;
  zipBytes: number;
  /** SHA-256 hex of each file's content, by absPath. */
  fileHashes: Map<string, string>;
  /** Bytes hashed during this write (files whose hash was not known). */
  hashedBytes: number;
}

/** Every entry's timestamp, in UTC so the bytes do not depend on the TZ of the machine. */
export const ZIP_EPOCH = new Date(Date.UTC(1980, 0, 1, 0, 0, 0));

/** Formats that are already compressed: stored as they are, deflating them only costs time. */
const STORED_EXTENSIONS = new Set([
  '.zip', '.gz', '.tgz', '.bz2', '.xz', '.zst', '.br', '.7z', '.jar', '.whl', '.egg',
  '.png', '.jpg', '.jpeg', '.gif', '.webp', '.avif', '.ico', '.woff', '.woff2',
  '.mp3', '.mp4', '.ogg', '.webm', '.pdf',
]); // prettier-ignore

/** Files up to this size are read whole (in parallel, ahead); bigger ones are streamed. */
const WHOLE_FILE_MAX = 1 << 20;
const READ_AHEAD = 8;
/** Bytes handed to the archiver and not yet written: bounds memory on slow disks. */
const MAX_QUEUED_BYTES = 16 << 20;

/** 0755 when any execute bit is set (and always for a custom runtime's `bootstrap`), else 0644. */
export function zipMode(entryName: string, mode: number): number {
  return (mode & 0o111) !== 0 || path.posix.basename(entryName) === 'bootstrap' ? 0o755 : 0o644;
}

/**
 * Writes a byte-deterministic zip of `files` at `zipPath`: entries in the given order (callers
 * sort them), one fixed timestamp, modes normalised to 0644/0755, no folder entries, deflate
 * at a fixed level (stored for already-compressed formats). Hashes each file and the zip in the
 * same pass. The zip is written to a temporary file and renamed into place, so a failure or an
 * abort never leaves a partial zip at `zipPath`.
 */
export async function writeDeterministicZip(
  files: readonly ZipInput[],
  zipPath: string,
  options: ZipOptions = {},
): Promise<ZipOutput> {
  for (const file of files) assertSafeEntryName(file.path);
  const { signal } = options;
  signal?.throwIfAborted();
  const level = options.level ?? 6;
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  const tmpPath = `${zipPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;

  const archive = archiver('zip', { zlib: { level }, forceLocalTime: false });
  const zipHash = createHash('sha256');
  let zipBytes = 0;
  const tally = new Transform({
    transform(chunk: Buffer, _enc, done) {
      zipHash.update(chunk);
      zipBytes += chunk.length;
      done(null, chunk);
    },
  });
  const written = pipeline(archive, tally, createWriteStream(tmpPath));
  written.catch(() => undefined); // awaited below; failures surface there

  // Entries are processed in order; each waits here until the archiver has written it.
  const queued: { bytes: number; done: () => void }[] = [];
  let queuedBytes = 0;
  archive.on('entry', () => {
    const head = queued.shift();
    if (head) {
      queuedBytes -= head.bytes;
      head.done();
    }
  });
  let archiveError: unknown;
  archive.on('error', (err) => (archiveError = err));
  archive.on('warning', (err) => (archiveError = err));
  const waitForRoom = async () => {
    while (queued.length && queuedBytes > MAX_QUEUED_BYTES) {
      await new Promise<void>((resolve) => {
        const last = queued[queued.length - 1]!;
        const prev = last.done;
        last.done = () => {
          prev();
          resolve();
        };
      });
    }
  };

  const fileHashes = new Map<string, string>();
  let hashedBytes = 0;
  let doneBytes = 0;
  const loads: (Promise<Buffer | undefined> | undefined)[] = [];
  const load = (i: number) => {
    const f = files[i]!;
    const p = f.size <= WHOLE_FILE_MAX ? readFile(f.absPath) : Promise.resolve(undefined);
    p.catch(() => undefined); // awaited in order below
    return p;
  };

  try {
    for (let i = 0; i < files.length; i++) {
      for (let j = i; j < Math.min(files.length, i + READ_AHEAD); j++) loads[j] ??= load(j);
      const file = files[i]!;
      const whole = await loads[i];
      loads[i] = undefined;
      if (signal?.aborted) throw signal.reason;
      if (archiveError) throw archiveError;
      const known = options.knownHashes?.get(file.absPath);
      const entry = {
        name: file.path,
        date: ZIP_EPOCH,
        mode: zipMode(file.path, file.mode),
        store: STORED_EXTENSIONS.has(path.posix.extname(file.path).toLowerCase()),
      };
      let bytes: number;
      if (whole) {
        if (known && whole.length === file.size) fileHashes.set(file.absPath, known);
        else {
          fileHashes.set(file.absPath, createHash('sha256').update(whole).digest('hex'));
          hashedBytes += whole.length;
        }
        bytes = whole.length;
        archive.append(whole, entry);
      } else {
        const hash = known ? undefined : createHash('sha256');
        const source = createReadStream(file.absPath, { highWaterMark: 1 << 20 });
        const through = new Transform({
          transform(chunk: Buffer, _enc, done) {
            hash?.update(chunk);
            done(null, chunk);
          },
          flush(done) {
            if (hash) {
              fileHashes.set(file.absPath, hash.digest('hex'));
              hashedBytes += file.size;
            } else fileHashes.set(file.absPath, known!);
            done();
          },
        });
        source.once('error', (err) => through.destroy(err));
        source.pipe(through);
        bytes = 1 << 20;
        archive.append(through, entry);
      }
      queued.push({ bytes, done: () => undefined });
      queuedBytes += bytes;
      doneBytes += file.size;
      options.onProgress?.(doneBytes, totalBytes);
      await waitForRoom();
    }
    const aborted = signal ? abortPromise(signal) : undefined;
    await Promise.race([
      archive.finalize().then(() => written),
      ...(aborted ? [aborted.promise] : []),
    ]);
    aborted?.dispose();
    if (archiveError) throw archiveError;
    signal?.throwIfAborted();
    await rename(tmpPath, zipPath);
  } catch (err) {
    archive.abort();
    archive.destroy();
    await written.catch(() => undefined);
    await unlink(tmpPath).catch(() => undefined);
    throw err;
  }
  const digest = zipHash.digest();
  return {
    zipPath,
    sha256Hex: digest.toString('hex'),
    codeSha256: digest.toString('base64'),
    zipBytes,
    fileHashes,
    hashedBytes,
  };
}

function abortPromise(signal: AbortSignal): { promise: Promise<never>; dispose: () => void } {
  let onAbort = () => undefined as void;
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  promise.catch(() => undefined);
  return { promise, dispose: () => signal.removeEventListener('abort', onAbort) };
}
