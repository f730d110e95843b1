// Typed errors of the build and package step. Each message says what happened, to what, and
// what to do next; the cause (when there is one) is kept on `cause`.

/** The build (a manifest's build command or the built-in bundle) failed or was cancelled. */
export class BuildError extends Error {
  override name = 'BuildError';
  constructor(
    message: string,
    readonly details: {
      /** The function's key under `functions:`. */
      functionKey: string;
      /** The shell command, or `esbuild <entry>` for the built-in bundle. */
      command: string;
      /** Exit code of the command; null when it was killed by a signal or never ran. */
      exitCode: number | null;
      /** The signal that ended the command, if any. */
      signal?: string | null;
      /** True when the build was stopped through its AbortSignal. */
      cancelled?: boolean;
      /** The last lines of output, oldest first. */
      lastLines: string[];
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A package would break one of Lambda's size limits. */
export class PackageLimitError extends Error {
  override name = 'PackageLimitError';
  constructor(
    message: string,
    readonly details: {
      functionKey: string;
      limit: 'zipped' | 'unzipped';
      bytes: number;
      maxBytes: number;
      largestFiles: { path: string; bytes: number }[];
      largestFolders: { path: string; bytes: number }[];
      /** The zip, when it was written before the zipped limit was checked. */
      zipPath?: string;
    },
  ) {
    super(message);
  }
}

/** A path would leave the project (a symlink, a `..` segment, an absolute entry name). */
export class UnsafePathError extends Error {
  override name = 'UnsafePathError';
  constructor(
    message: string,
    readonly details: { path: string; target?: string },
  ) {
    super(message);
  }
}

/** No file was chosen for a function: nothing would run. */
export class EmptyPackageError extends Error {
  override name = 'EmptyPackageError';
  constructor(
    message: string,
    readonly details: { functionKey: string; base: string; include: string[]; exclude: string[] },
  ) {
    super(message);
  }
}
