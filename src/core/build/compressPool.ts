import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { crc32, deflateRawSync } from 'node:zlib';

/** One file to read, hash and compress whole. */
export interface SmallFileJob {
  absPath: string;
  /** Size when it was chosen: a known hash only counts if the size still matches. */
  size: number;
  /** SHA-256 hex from the cache, so the file is not hashed again. */
  knownHash?: string;
  /** False for formats that are already compressed. */
  deflate: boolean;
}

export interface SmallFileResult {
  /** The entry data: deflated, or the file as is when deflate would not make it smaller. */
  data: Buffer;
  method: 0 | 8;
  crc32: number;
  size: number;
  sha256Hex: string;
  /** True when the content was hashed here (not taken from the cache). */
  hashed: boolean;
}

/**
 * Reads, hashes and compresses one file. The worker below runs the same steps; both use
 * zlib's one-shot deflate at the same level, so where a file was compressed never changes
 * the bytes.
 */
export function prepareSmallFile(job: SmallFileJob, level: number): SmallFileResult {
  const raw = readFileSync(job.absPath);
  const reuse = job.knownHash !== undefined && raw.length === job.size;
  const sha256Hex = reuse ? job.knownHash! : createHash('sha256').update(raw).digest('hex');
  const crc = crc32(raw);
  if (job.deflate && raw.length > 0) {
    const deflated = deflateRawSync(raw, { level });
    if (deflated.length < raw.length) {
      return { data: deflated, method: 8, crc32: crc, size: raw.length, sha256Hex, hashed: !reuse };
    }
  }
  return { data: raw, method: 0, crc32: crc, size: raw.length, sha256Hex, hashed: !reuse };
}

// Plain JavaScript run with `eval`, so the pool works from any bundle without a separate file.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { createHash } = require('node:crypto');
const { crc32, deflateRawSync } = require('node:zlib');
const level = workerData.level;
parentPort.on('message', ({ id, jobs }) => {
  // One buffer for the whole batch, handed over without a copy: thousands of small buffers
  // crossing threads would cost more than compressing them.
  const pieces = [];
  const meta = new Uint32Array(jobs.length * 4);
  const hashes = [];
  let total = 0;
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i];
    let raw;
    try {
      raw = readFileSync(job.absPath);
    } catch (err) {
      parentPort.postMessage({ id, error: { message: err.message, code: err.code, path: job.absPath } });
      return;
    }
    const reuse = job.knownHash !== undefined && raw.length === job.size;
    hashes.push(reuse ? job.knownHash : createHash('sha256').update(raw).digest('hex'));
    let data = raw;
    let method = 0;
    if (job.deflate && raw.length > 0) {
      const deflated = deflateRawSync(raw, { level });
      if (deflated.length < raw.length) {
        data = deflated;
        method = 8;
      }
    }
    meta[i * 4] = method | (reuse ? 0 : 0x100);
    meta[i * 4 + 1] = crc32(raw);
    meta[i * 4 + 2] = raw.length;
    meta[i * 4 + 3] = data.length;
    pieces.push(data);
    total += data.length;
  }
  const packed = new Uint8Array(new ArrayBuffer(total));
  let at = 0;
  for (const piece of pieces) {
    packed.set(piece, at);
    at += piece.length;
  }
  parentPort.postMessage({ id, packed, meta, hashes }, [packed.buffer, meta.buffer]);
});
`;

/** A batch's results from a worker: all entry data in one buffer, four numbers per file. */
type WireBatch =
  | { id: number; packed: Uint8Array; meta: Uint32Array; hashes: string[]; error?: undefined }
  | { id: number; error: { message: string; code?: string; path: string } };

/**
 * Runs batches of SmallFileJobs on worker threads (or inline when `workers` is 0). Batches
 * complete in any order; callers keep their own order.
 */
export class CompressPool {
  private readonly workers: Worker[] = [];
  private readonly load: number[] = [];
  private readonly waiting = new Map<
    number,
    { resolve: (r: SmallFileResult[]) => void; reject: (e: unknown) => void; worker: number }
  >();
  private nextId = 0;
  private failure: unknown;
  private closing = false;

  constructor(
    workers: number,
    private readonly level: number,
  ) {
    for (let i = 0; i < workers; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { level } });
      worker.on('message', (msg: WireBatch) => this.settle(msg));
      worker.on('error', (err) => this.fail(err));
      worker.on('exit', (code) => {
        if (!this.closing) {
          this.fail(
            new Error(
              `A compression worker stopped unexpectedly (exit code ${code}); package again.`,
            ),
          );
        }
      });
      this.workers.push(worker);
      this.load.push(0);
    }
  }

  run(jobs: SmallFileJob[]): Promise<SmallFileResult[]> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.workers.length === 0) {
      return Promise.resolve().then(() =>
        jobs.map((job) => {
          try {
            return prepareSmallFile(job, this.level);
          } catch (err) {
            throw readError(
              job.absPath,
              (err as Error).message,
              (err as NodeJS.ErrnoException).code,
              err,
            );
          }
        }),
      );
    }
    // The least busy worker takes the batch.
    const index = this.load.indexOf(Math.min(...this.load));
    const id = this.nextId++;
    this.load[index]!++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, worker: index });
      this.workers[index]!.postMessage({ id, jobs });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
    this.fail(new Error('The compression pool was closed before its work finished.'));
  }

  private settle(batch: WireBatch) {
    const waiter = this.waiting.get(batch.id);
    if (!waiter) return;
    this.waiting.delete(batch.id);
    this.load[waiter.worker]!--;
    if (batch.error) {
      return waiter.reject(readError(batch.error.path, batch.error.message, batch.error.code));
    }
    const { packed, meta, hashes } = batch;
    const whole = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
    const out: SmallFileResult[] = [];
    let at = 0;
    for (let i = 0; i < hashes.length; i++) {
      const length = meta[i * 4 + 3]!;
      out.push({
        data: whole.subarray(at, at + length),
        method: (meta[i * 4]! & 0xff) as 0 | 8,
        hashed: (meta[i * 4]! & 0x100) !== 0,
        crc32: meta[i * 4 + 1]!,
        size: meta[i * 4 + 2]!,
        sha256Hex: hashes[i]!,
      });
      at += length;
    }
    waiter.resolve(out);
  }

  private fail(err: unknown) {
    this.failure ??= err;
    for (const waiter of this.waiting.values()) waiter.reject(err);
    this.waiting.clear();
  }
}

function readError(file: string, message: string, code?: string, cause?: unknown): Error {
  const err: NodeJS.ErrnoException = new Error(
    `Could not read ${file} to package it: ${message}. Check that it still exists and is ` +
      `readable, then package again.`,
    cause === undefined ? undefined : { cause },
  );
  err.code = code;
  return err;
}
