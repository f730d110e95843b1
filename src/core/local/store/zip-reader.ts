// Reads an uploaded deployment package: lists its entries, refuses paths that would escape the
// code folder (zip-slip), and extracts it. yauzl validates entry sizes against the headers.
import { promises as fs, createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';

export interface ZipEntryInfo {
  name: string;
  uncompressedSize: number;
  isDirectory: boolean;
  isSymlink: boolean;
  mode: number;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

export class UnsafeZipError extends Error {}

function openZip(buffer: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      buffer,
      { lazyEntries: true, validateEntrySizes: true, strictFileNames: false },
      (error, zip) => (error ? reject(error) : resolve(zip)),
    );
  });
}

/** Visits each entry in order; the visitor may read the entry before the next one is read. */
async function forEachEntry(
  buffer: Buffer,
  visit: (entry: yauzl.Entry, zip: yauzl.ZipFile) => Promise<void>,
): Promise<void> {
  const zip = await openZip(buffer);
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      visit(entry, zip).then(
        () => zip.readEntry(),
        (error: unknown) => {
          zip.close();
          reject(error);
        },
      );
    });
    zip.readEntry();
  });
}

function describe(entry: yauzl.Entry): ZipEntryInfo {
  const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
  return {
    name: entry.fileName.replace(/\\/g, '/'),
    uncompressedSize: entry.uncompressedSize,
    isDirectory: entry.fileName.endsWith('/'),
    isSymlink: (mode & S_IFMT) === S_IFLNK,
    mode,
  };
}

/** Where an entry lands under `root`, or an error when its name would escape it. */
export function safeTarget(root: string, name: string): string {
  const normalised = name.replace(/\\/g, '/');
  if (normalised.startsWith('/') || /^[a-zA-Z]:/.test(normalised) || normalised.includes('\0')) {
    throw new UnsafeZipError(`The zip entry '${name}' has an absolute path.`);
  }
  const target = path.resolve(root, normalised);
  if (target !== root && !target.startsWith(root + path.sep)) {
    throw new UnsafeZipError(`The zip entry '${name}' points outside the package (zip-slip).`);
  }
  return target;
}

export async function listZip(buffer: Buffer): Promise<ZipEntryInfo[]> {
  const entries: ZipEntryInfo[] = [];
  await forEachEntry(buffer, async (entry) => {
    const info = describe(entry);
    safeTarget('/root', info.name);
    entries.push(info);
  });
  return entries;
}

function readEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => (error ? reject(error) : resolve(stream)));
  });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Extracts into `root` (which must exist and be empty), keeping executable bits. */
export async function extractZip(buffer: Buffer, root: string): Promise<void> {
  await forEachEntry(buffer, async (entry, zip) => {
    const info = describe(entry);
    const target = safeTarget(root, info.name);
    if (info.isDirectory) {
      await fs.mkdir(target, { recursive: true });
      return;
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    const stream = await readEntry(zip, entry);
    if (info.isSymlink) {
      const link = await readAll(stream);
      const resolved = path.resolve(path.dirname(target), link);
      if (path.isAbsolute(link) || (resolved !== root && !resolved.startsWith(root + path.sep))) {
        throw new UnsafeZipError(`The zip entry '${info.name}' links outside the package.`);
      }
      await fs.symlink(link, target);
      return;
    }
    const mode = (info.mode & 0o777) === 0 ? 0o644 : (info.mode & 0o777) | 0o400;
    await pipeline(stream, createWriteStream(target, { mode }));
  });
}
