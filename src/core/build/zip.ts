import archiver from 'archiver';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CompressPool, type SmallFileJob, type SmallFileResult } from './compressPool';
import { assertSafeEntryName } from './paths';
import { ensureZipFormat, ZIP_FORMAT_NAME, type PreparedEntryData } from './zipEngine';

/** The deflate level when none is given: Info-ZIP's default, so sizes compare with `zip -r`. */
export const DEFAULT_DEFLATE_LEVEL = 6;

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
  /**
   * Worker threads that read and compress small files; by default one per core for big
   * packages and none (all in this thread) for small ones. The bytes are the same either way.
   */
  workers?: number;
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

/**
 * Files up to this size are read whole and compressed in batches, on worker threads for big
 * packages; bigger ones are streamed through the archiver's own deflate, so memory stays bounded.
 */
const WHOLE_FILE_MAX = 1 << 20;
const BATCH_FILES = 64;
const BATCH_BYTES = 1 << 20;
/** How far ahead of the writer files are read and compressed. */
const AHEAD_FILES = 1024;
const AHEAD_BYTES = 16 << 20;
/** Below this much small-file data, starting workers costs more than it saves. */
const WORKERS_MIN_BYTES = 4 << 20;
/** Entries handed to the archiver and not yet written: wait above HIGH until down to LOW. */
const QUEUE_HIGH = 64;
const QUEUE_LOW = 16;

/** 0755 when any execute bit is set (and always for a custom runtime's `bootstrap`), else 0644. */
export function zipMode(entryName: string, mode: number): number {
  return (mode & 0o111) !== 0 || path.posix.basename(entryName) === 'bootstrap' ? 0o755 : 0o644;
}

/**
 * Writes a byte-deterministic zip of `files` at `zipPath`: entries in the given order (callers
 * sort them), one fixed timestamp, modes normalised to 0644/0755, no folder entries, deflate
 * at a fixed level, stored when deflate does not make an entry smaller or the format is
 * already compressed. Hashes each file and the zip in the same pass. The zip is written to a
 * temporary file and renamed into place, so a failure or an abort never leaves a partial zip
 * at `zipPath`.
 */
export async function writeDeterministicZip(
  files: readonly ZipInput[],
  zipPath: string,
  options: ZipOptions = {},
): Promise<ZipOutput> {
  for (const file of files) assertSafeEntryName(file.path);
  const { signal } = options;
  signal?.throwIfAborted();
  const level = options.level ?? DEFAULT_DEFLATE_LEVEL;
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  const tmpPath = `${zipPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;

  ensureZipFormat();
  const archive = archiver(ZIP_FORMAT_NAME as archiver.Format, {
    zlib: { level },
    forceLocalTime: false,
  });
  const zipHash = createHash('sha256');
  let zipBytes = 0;
  const written = pipeline(
    archive,
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        zipHash.update(chunk);
        zipBytes += chunk.length;
        done(null, chunk);
      },
    }),
    createWriteStream(tmpPath),
  );
  written.catch(() => undefined); // awaited below; failures surface there

  // The archiver takes entries in order; `entry` fires as each one is written. A failure
  // also wakes the loop, which then throws it.
  let queued = 0;
  let onDrained: (() => void) | undefined;
  const wake = () => {
    onDrained?.();
    onDrained = undefined;
  };
  let archiveError: unknown;
  const failed = (err: unknown) => {
    archiveError ??= err;
    wake();
  };
  archive.on('error', failed);
  archive.on('warning', failed);
  archive.on('entry', () => {
    if (--queued <= QUEUE_LOW) wake();
  });
  signal?.addEventListener('abort', wake, { once: true });

  const fileHashes = new Map<string, string>();
  let hashedBytes = 0;
  let doneBytes = 0;

  const isStored = (file: ZipInput) =>
    STORED_EXTENSIONS.has(path.posix.extname(file.path).toLowerCase());
  const smallBytes = files.reduce((sum, f) => sum + (f.size <= WHOLE_FILE_MAX ? f.size : 0), 0);
  const workers =
    options.workers ?? (smallBytes >= WORKERS_MIN_BYTES ? Math.min(4, availableParallelism()) : 0);
  const pool = new CompressPool(workers, level);

  // Files are prepared in batches ahead of the writer and consumed in order: a batch of small
  // files compressed together, or a single big file (no results: it is streamed).
  const batches: {
    count: number;
    bytes: number;
    results: Promise<SmallFileResult[]> | undefined;
  }[] = [];
  let batchHead = 0;
  let next = 0;
  let aheadFiles = 0;
  let aheadBytes = 0;
  const fill = () => {
    while (next < files.length && aheadFiles < AHEAD_FILES && aheadBytes < AHEAD_BYTES) {
      if (files[next]!.size > WHOLE_FILE_MAX) {
        batches.push({ count: 1, bytes: 0, results: undefined });
        next++;
        aheadFiles++;
        continue;
      }
      const jobs: SmallFileJob[] = [];
      let bytes = 0;
      while (
        next < files.length &&
        files[next]!.size <= WHOLE_FILE_MAX &&
        jobs.length < BATCH_FILES &&
        bytes < BATCH_BYTES
      ) {
        const file = files[next++]!;
        jobs.push({
          absPath: file.absPath,
          size: file.size,
          knownHash: options.knownHashes?.get(file.absPath),
          deflate: !isStored(file),
        });
        bytes += file.size;
      }
      const results = pool.run(jobs);
      results.catch(() => undefined); // awaited in order below
      batches.push({ count: jobs.length, bytes, results });
      aheadFiles += jobs.length;
      aheadBytes += bytes;
    }
  };

  try {
    let index = 0;
    while (index < files.length) {
      fill();
      const batch = batches[batchHead]!;
      batches[batchHead++] = undefined!; // let the results go once written
      const results = batch.results ? await batch.results : undefined;
      aheadFiles -= batch.count;
      aheadBytes -= batch.bytes;
      for (let i = 0; i < batch.count; i++) {
        const file = files[index++]!;
        if (signal?.aborted) throw signal.reason;
        if (archiveError) throw archiveError;
        const name = file.path;
        const mode = zipMode(name, file.mode);
        queued++;
        const ready = results?.[i];
        if (ready) {
          fileHashes.set(file.absPath, ready.sha256Hex);
          if (ready.hashed) hashedBytes += ready.size;
          const data: PreparedEntryData = {
            name,
            date: ZIP_EPOCH,
            mode,
            prepared: { method: ready.method, crc32: ready.crc32, size: ready.size },
          };
          archive.append(ready.data, data);
        } else {
          archive.append(
            streamHashed(file, options.knownHashes, fileHashes, (n) => (hashedBytes += n)),
            { name, date: ZIP_EPOCH, mode, store: isStored(file) },
          );
        }
        doneBytes += file.size;
        // Keep the archiver's queue short: what is queued there is held in memory.
        if (queued > QUEUE_HIGH) await new Promise<void>((resolve) => (onDrained = resolve));
      }
      options.onProgress?.(doneBytes, totalBytes);
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
    await Promise.allSettled(batches.slice(batchHead).map((b) => b?.results));
    await unlink(tmpPath).catch(() => undefined);
    throw err;
  } finally {
    signal?.removeEventListener('abort', wake);
    await pool.close();
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

/** A big file as a stream that records its SHA-256 (unless known) once fully read. */
function streamHashed(
  file: ZipInput,
  knownHashes: ReadonlyMap<string, string> | undefined,
  into: Map<string, string>,
  countHashed: (bytes: number) => void,
): Transform {
  const known = knownHashes?.get(file.absPath);
  const hash = known ? undefined : createHash('sha256');
  let bytes = 0;
  const through = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash?.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      into.set(file.absPath, hash ? hash.digest('hex') : known!);
      if (hash) countHashed(bytes);
      done();
    },
  });
  const source = createReadStream(file.absPath, { highWaterMark: 1 << 20 });
  source.once('error', (err) => through.destroy(err));
  source.pipe(through);
  return through;
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
