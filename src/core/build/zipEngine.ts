import archiver from 'archiver';
import ZipStream, { type ZipArchiveEntry } from 'zip-stream';

/** What is known of an entry whose data was compressed (or checked) before it was appended. */
export interface PreparedData {
  /** 0 stored, 8 deflated. */
  method: 0 | 8;
  crc32: number;
  /** Uncompressed size. */
  size: number;
}

/** Buffers appended as already-prepared entry data, and what they hold. */
const prepared = new WeakMap<Buffer, PreparedData>();

/** Marks `data` as the final bytes of an entry (compressed with `method`), ready to copy as is. */
export function preparedSource(data: Buffer, info: PreparedData): Buffer {
  prepared.set(data, info);
  return data;
}

const METHOD_DEFLATED = 8;
/** "Version needed to extract" for deflate (2.0). */
const VERSION_DEFLATE = 20;
const VERSION_STORED = 10;

/**
 * archiver's zip engine, taught to take entry data that was compressed beforehand (on the
 * thread pool, several files at once) so the archiver only frames and writes it. The sizes and
 * CRC are known up front, so such entries need no data descriptor.
 */
class PreparedZipStream extends ZipStream {
  protected override _appendBuffer(
    ae: ZipArchiveEntry,
    source: Buffer,
    callback: (err: Error | null, ae?: ZipArchiveEntry) => void,
  ): void {
    const info = prepared.get(source);
    if (!info) return super._appendBuffer(ae, source, callback);
    ae.setMethod(info.method);
    ae.getGeneralPurposeBit().useDataDescriptor(false);
    ae.setVersionNeededToExtract(
      info.method === METHOD_DEFLATED ? VERSION_DEFLATE : VERSION_STORED,
    );
    ae.setCrc(info.crc32);
    ae.setSize(info.size);
    ae.setCompressedSize(source.length);
    this._writeLocalFileHeader(ae);
    this.write(source);
    this._afterAppend(ae);
    callback(null, ae);
  }
}

/** The archiver format module (the shape of archiver's own `zip` plugin) over that engine. */
class PreparedZip {
  readonly supports = { directory: true, symlink: true };
  private readonly engine: PreparedZipStream;
  constructor(options: object) {
    this.engine = new PreparedZipStream(options);
  }
  append(
    source: Buffer | NodeJS.ReadableStream,
    data: object,
    callback: (err?: Error | null) => void,
  ) {
    this.engine.entry(source, data, callback);
  }
  finalize() {
    this.engine.finalize();
  }
  on(...args: Parameters<PreparedZipStream['on']>) {
    return this.engine.on(...args);
  }
  pipe<T extends NodeJS.WritableStream>(dest: T, options?: { end?: boolean }) {
    return this.engine.pipe(dest, options);
  }
  unpipe(dest?: NodeJS.WritableStream) {
    return this.engine.unpipe(dest);
  }
}

export const ZIP_FORMAT_NAME = 'flourish-zip';

/** Registers the format with archiver once per process. */
export function ensureZipFormat(): void {
  if (!archiver.isRegisteredFormat(ZIP_FORMAT_NAME)) {
    archiver.registerFormat(ZIP_FORMAT_NAME, PreparedZip);
  }
}
