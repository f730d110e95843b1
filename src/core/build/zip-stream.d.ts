// The part of zip-stream (archiver's zip engine) and compress-commons that zipEngine.ts uses.
declare module 'zip-stream' {
  import { Transform } from 'node:stream';

  interface GeneralPurposeBit {
    useDataDescriptor(b: boolean): void;
    usesDataDescriptor(): boolean;
    encode(): Buffer;
  }
  export interface ZipArchiveEntry {
    getMethod(): number;
    setMethod(method: number): void;
    setCrc(crc: number): void;
    setSize(size: number): void;
    setCompressedSize(size: number): void;
    setVersionNeededToExtract(version: number): void;
    getGeneralPurposeBit(): GeneralPurposeBit;
    getName(): string;
    getComment(): string;
    getCrc(): number;
    getSize(): number;
    getCompressedSize(): number;
    getTimeDos(): number;
    getPlatform(): number;
    getVersionNeededToExtract(): number;
    getInternalAttributes(): number;
    getExternalAttributes(): number;
    getLocalFileDataExtra(): Buffer;
    getCentralDirectoryExtra(): Buffer;
    isZip64(): boolean;
    _offsets: { file: number; data: number; contents: number };
  }

  class ZipStream extends Transform {
    constructor(options?: object);
    /** Bytes written so far: where the next entry starts. */
    offset: number;
    entry(
      source: Buffer | NodeJS.ReadableStream,
      data: object,
      callback: (err?: Error | null) => void,
    ): this;
    finalize(): void;
    protected _appendBuffer(
      ae: ZipArchiveEntry,
      source: Buffer,
      callback: (err: Error | null, ae?: ZipArchiveEntry) => void,
    ): void;
    protected _writeLocalFileHeader(ae: ZipArchiveEntry): void;
    protected _writeCentralFileHeader(ae: ZipArchiveEntry): void;
    protected _afterAppend(ae: ZipArchiveEntry): void;
  }
  export default ZipStream;
}
