// The part of zip-stream (archiver's zip engine) and compress-commons that zipEngine.ts uses.
declare module 'zip-stream' {
  import { Transform } from 'node:stream';

  interface GeneralPurposeBit {
    useDataDescriptor(b: boolean): void;
  }
  export interface ZipArchiveEntry {
    getMethod(): number;
    setMethod(method: number): void;
    setCrc(crc: number): void;
    setSize(size: number): void;
    setCompressedSize(size: number): void;
    setVersionNeededToExtract(version: number): void;
    getGeneralPurposeBit(): GeneralPurposeBit;
  }

  class ZipStream extends Transform {
    constructor(options?: object);
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
    protected _afterAppend(ae: ZipArchiveEntry): void;
  }
  export default ZipStream;
}
