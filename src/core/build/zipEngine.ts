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

/**
 * Entry data (archiver's `append(source, data)`) whose source buffer holds the final bytes of
 * the entry, compressed with `prepared.method`, to be copied as is.
 */
export interface PreparedEntryData {
  name: string;
  date: Date;
  mode: number;
  prepared: PreparedData;
}

const METHOD_DEFLATED = 8;
const SIG_LFH = 0x04034b50;
const SIG_CFH = 0x02014b50;
/** compress-commons' "version made by" (4.5), with the platform in the high byte. */
const VERSION_MADE_BY = 45;
const ZIP32_MAX = 0xffffffff;
/** Chunks are gathered into blocks of about this size before they go downstream (and to disk). */
const HOLD_BYTES = 512 << 10;
/** "Version needed to extract" for deflate (2.0). */
const VERSION_DEFLATE = 20;
const VERSION_STORED = 10;

/**
 * archiver's zip engine, taught to take entry data that was compressed beforehand (on the
 * thread pool, several files at once) so the archiver only frames and writes it. The sizes and
 * CRC are known up front, so such entries need no data descriptor.
 */
class PreparedZipStream extends ZipStream {
  // The engine writes each header field as its own tiny chunk; passing each one through the
  // stream machinery costs more than the compression of a small file. They are gathered here
  // and passed on in blocks. `offset` (entry positions) is still counted per write.
  private held: Buffer[] = [];
  /** What the entry being appended says of its prepared data (entries go one at a time). */
  private preparedInfo: PreparedData | undefined;

  override entry(
    source: Buffer | NodeJS.ReadableStream,
    data: { prepared?: PreparedData },
    callback: (err?: Error | null) => void,
  ): this {
    this.preparedInfo = Buffer.isBuffer(source) ? data.prepared : undefined;
    return super.entry(source, data, callback);
  }

  private heldBytes = 0;

  override write(chunk: unknown, ...rest: unknown[]): boolean {
    const cb = rest.find((r): r is (err?: Error | null) => void => typeof r === 'function');
    // The engine also writes names and comments as strings, and deflate output may arrive as
    // plain Uint8Arrays: all of it joins the same queue so the order is kept.
    const bytes = Buffer.isBuffer(chunk)
      ? chunk
      : chunk instanceof Uint8Array
        ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
        : Buffer.from(String(chunk ?? ''), 'utf8');
    this.offset += bytes.length;
    this.held.push(bytes);
    this.heldBytes += bytes.length;
    if (this.heldBytes < HOLD_BYTES) {
      cb?.();
      return true;
    }
    return this.release(cb);
  }

  override end(...args: unknown[]): this {
    if (args.length && typeof args[0] !== 'function' && args[0] != null) {
      this.write(args.shift());
      if (typeof args[0] === 'string') args.shift(); // encoding
    }
    this.release();
    return super.end(...(args as []));
  }

  // The two headers below are compress-commons' own layouts, byte for byte, built in one buffer
  // instead of a dozen chunks each. Zip64 entries (over 4 GB) keep the engine's code.

  protected override _writeLocalFileHeader(ae: ZipArchiveEntry): void {
    if (ae.isZip64()) return super._writeLocalFileHeader(ae);
    const gpb = ae.getGeneralPurposeBit();
    const name = Buffer.from(ae.getName(), 'utf8');
    const extra = ae.getLocalFileDataExtra();
    const h = Buffer.alloc(30 + name.length + extra.length);
    h.writeUInt32LE(SIG_LFH, 0);
    h.writeUInt16LE(ae.getVersionNeededToExtract(), 4);
    gpb.encode().copy(h, 6);
    h.writeUInt16LE(ae.getMethod(), 8);
    h.writeUInt32LE(ae.getTimeDos() >>> 0, 10);
    if (!gpb.usesDataDescriptor()) {
      // Known up front; otherwise zeros here and a data descriptor after the data.
      h.writeUInt32LE(ae.getCrc() >>> 0, 14);
      h.writeUInt32LE(ae.getCompressedSize() >>> 0, 18);
      h.writeUInt32LE(ae.getSize() >>> 0, 22);
    }
    h.writeUInt16LE(name.length, 26);
    h.writeUInt16LE(extra.length, 28);
    name.copy(h, 30);
    extra.copy(h, 30 + name.length);
    ae._offsets.file = this.offset;
    ae._offsets.data = this.offset + 14;
    this.write(h);
    ae._offsets.contents = this.offset;
  }

  protected override _writeCentralFileHeader(ae: ZipArchiveEntry): void {
    if (ae.isZip64() || ae._offsets.file > ZIP32_MAX) return super._writeCentralFileHeader(ae);
    const name = Buffer.from(ae.getName(), 'utf8');
    const comment = Buffer.from(ae.getComment(), 'utf8');
    const extra = ae.getCentralDirectoryExtra();
    const h = Buffer.alloc(46 + name.length + extra.length + comment.length);
    h.writeUInt32LE(SIG_CFH, 0);
    h.writeUInt16LE((ae.getPlatform() << 8) | VERSION_MADE_BY, 4);
    h.writeUInt16LE(ae.getVersionNeededToExtract(), 6);
    ae.getGeneralPurposeBit().encode().copy(h, 8);
    h.writeUInt16LE(ae.getMethod(), 10);
    h.writeUInt32LE(ae.getTimeDos() >>> 0, 12);
    h.writeUInt32LE(ae.getCrc() >>> 0, 16);
    h.writeUInt32LE(ae.getCompressedSize() >>> 0, 20);
    h.writeUInt32LE(ae.getSize() >>> 0, 24);
    h.writeUInt16LE(name.length, 28);
    h.writeUInt16LE(extra.length, 30);
    h.writeUInt16LE(comment.length, 32);
    // 34: disk number, zero.
    h.writeUInt16LE(ae.getInternalAttributes(), 36);
    h.writeUInt32LE(ae.getExternalAttributes() >>> 0, 38);
    h.writeUInt32LE(ae._offsets.file >>> 0, 42);
    name.copy(h, 46);
    extra.copy(h, 46 + name.length);
    comment.copy(h, 46 + name.length + extra.length);
    this.write(h);
  }

  /** Passes the held chunks on as one; false when the reader wants a pause (as write does). */
  private release(cb?: (err?: Error | null) => void): boolean {
    if (this.heldBytes === 0) {
      cb?.();
      return true;
    }
    const block = this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held, this.heldBytes);
    this.held = [];
    this.heldBytes = 0;
    // The engine's write adds to `offset` again; these bytes were counted as they came in.
    this.offset -= block.length;
    return super.write(block, cb);
  }

  protected override _appendBuffer(
    ae: ZipArchiveEntry,
    source: Buffer,
    callback: (err: Error | null, ae?: ZipArchiveEntry) => void,
  ): void {
    const info = this.preparedInfo;
    this.preparedInfo = undefined;
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
