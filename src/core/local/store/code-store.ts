// Deployment packages stored by content: `code/<sha256-hex>.zip` and, unpacked once,
// `code/<sha256-hex>/`, which is immutable and shared by every version with that code.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic-file';
import { extractZip, listZip, type ZipEntryInfo } from './zip-reader';

export const MAX_ZIPPED_BYTES = 50 * 1024 * 1024;
export const MAX_UNZIPPED_BYTES = 250 * 1024 * 1024;

export interface StoredCode {
  /** Hex SHA-256, the key in the store. */
  sha256Hex: string;
  /** Base64 SHA-256, as Lambda reports CodeSha256. */
  codeSha256: string;
  size: number;
}

/** Lambda's default code storage per account and region: 75 GB. */
export const DEFAULT_CODE_STORAGE_BYTES = 75 * 1024 * 1024 * 1024;

export class CodeTooLargeError extends Error {}
export class InvalidZipError extends Error {}
export class CodeStorageFullError extends Error {}

/** A package just stored may not be referenced yet; collection spares it this long. */
const FRESH_MS = 5 * 60 * 1000;

export class CodeStore {
  private readonly unpacking = new Map<string, Promise<string>>();
  private readonly unpacked = new Set<string>();
  private readonly fresh = new Map<string, number>();
  private collecting: Promise<void> = Promise.resolve();

  private storedBytes = 0;

  constructor(
    private readonly dir: string,
    private readonly limitBytes = DEFAULT_CODE_STORAGE_BYTES,
  ) {}

  async init(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    for (const name of await fs.readdir(this.dir)) {
      if (/^[0-9a-f]{64}\.zip$/.test(name))
        this.storedBytes += (await fs.stat(path.join(this.dir, name))).size;
    }
  }

  /** Checks the package as Lambda does and stores it; unpacking happens later. */
  async put(zip: Buffer): Promise<StoredCode> {
    if (zip.length > MAX_ZIPPED_BYTES) {
      throw new CodeTooLargeError(
        `Zipped size must be smaller than ${MAX_ZIPPED_BYTES} bytes; the package is ${zip.length} bytes.`,
      );
    }
    let entries: ZipEntryInfo[];
    try {
      entries = await listZip(zip);
    } catch (error) {
      throw new InvalidZipError(
        `Could not unzip uploaded file. Please check your file, then try to upload again. (${(error as Error).message})`,
        { cause: error },
      );
    }
    const unzipped = entries.reduce((sum, entry) => sum + entry.uncompressedSize, 0);
    if (unzipped > MAX_UNZIPPED_BYTES) {
      throw new CodeTooLargeError(
        `Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes; the package unpacks to ${unzipped} bytes.`,
      );
    }
    const digest = createHash('sha256').update(zip).digest();
    const code = {
      sha256Hex: digest.toString('hex'),
      codeSha256: digest.toString('base64'),
      size: zip.length,
    };
    this.fresh.set(code.sha256Hex, Date.now());
    const file = this.zipPath(code.sha256Hex);
    if (!(await exists(file))) {
      if (this.storedBytes + zip.length > this.limitBytes) {
        throw new CodeStorageFullError(
          `Code storage limit exceeded: ${this.storedBytes} of ${this.limitBytes} bytes are used. Delete unused functions or versions to make room.`,
        );
      }
      await writeFileAtomic(file, zip);
      this.storedBytes += zip.length;
    }
    return code;
  }

  /** The caller now references the package in saved state; collection may judge it normally. */
  adopted(sha256Hex: string): void {
    this.fresh.delete(sha256Hex);
  }

  zipPath(sha256Hex: string): string {
    return path.join(this.dir, `${sha256Hex}.zip`);
  }

  readZip(sha256Hex: string): Promise<Buffer> {
    return fs.readFile(this.zipPath(sha256Hex));
  }

  /** The unpacked folder, extracted once into a temporary folder and renamed into place. */
  unpack(sha256Hex: string): Promise<string> {
    if (this.unpacked.has(sha256Hex)) return Promise.resolve(path.join(this.dir, sha256Hex));
    const pending = this.unpacking.get(sha256Hex);
    if (pending) return pending;
    const work = this.doUnpack(sha256Hex)
      .then((dir) => {
        this.unpacked.add(sha256Hex);
        return dir;
      })
      .finally(() => this.unpacking.delete(sha256Hex));
    this.unpacking.set(sha256Hex, work);
    return work;
  }

  private async doUnpack(sha256Hex: string): Promise<string> {
    const target = path.join(this.dir, sha256Hex);
    if (await exists(target)) return target;
    const temp = `${target}.unpacking-${process.pid}`;
    await fs.rm(temp, { recursive: true, force: true });
    await fs.mkdir(temp, { recursive: true });
    try {
      await extractZip(await this.readZip(sha256Hex), temp);
      await fs.rename(temp, target);
    } catch (error) {
      await fs.rm(temp, { recursive: true, force: true });
      throw error;
    }
    return target;
  }

  /** Deletes every package no longer referenced. Runs one at a time: two deletes in quick
   * succession each collect, and the second must not trip over what the first removed. */
  collect(referenced: Set<string>): Promise<void> {
    const run = this.collecting.then(() => this.doCollect(referenced));
    this.collecting = run.catch(() => undefined);
    return run;
  }

  private async doCollect(referenced: Set<string>): Promise<void> {
    const now = Date.now();
    for (const [sha, at] of this.fresh) if (now - at > FRESH_MS) this.fresh.delete(sha);
    for (const name of await fs.readdir(this.dir)) {
      const key = name.replace(/\.zip$/, '');
      if (/^[0-9a-f]{64}(\.zip)?$/.test(name) && !referenced.has(key) && !this.fresh.has(key)) {
        this.unpacked.delete(key);
        const file = path.join(this.dir, name);
        if (name.endsWith('.zip')) {
          const size = await fs.stat(file).then(
            (stat) => stat.size,
            () => 0,
          );
          this.storedBytes -= size;
        }
        await fs.rm(file, { recursive: true, force: true });
      }
    }
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
