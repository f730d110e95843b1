import { mkdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { FunctionSpec, Manifest } from '../manifest/types';
import { writeFileAtomic } from './atomicWrite';
import { bundleHandler, typeScriptHandlerSource } from './bundle';
import { BuildError, EmptyPackageError } from './errors';
import { FolderCache, RACY_MS } from './folderCache';
import { checkHandlerPackaged } from './handlerCheck';
import { FileHashCache, hashFile } from './hashCache';
import {
  checkLimit,
  LAMBDA_PACKAGE_LIMITS,
  largestFiles,
  largestFolders,
  type SizedPath,
} from './limits';
import { isInside, resolveInside } from './paths';
import { runBuild, type OutputStream } from './runBuild';
import {
  selectFiles,
  selectionUnchanged,
  type PackageWarning,
  type SelectedFile,
} from './selectFiles';
import {
  packageKey,
  readState,
  removeAbandonedTemporaries,
  stampDigest,
  STATE_FORMAT,
  type PackageState,
} from './packageState';
import type { DepsRecord } from './productionDeps';
import { TreeSnapshot } from './treeSnapshot';
import { DEFAULT_DEFLATE_LEVEL, writeDeterministicZip } from './zip';

/** The stamp digest recorded when some file is too recent to be known by its stamp. */
const UNSETTLED = 'unsettled';

export type PackagePhase = 'build' | 'bundle' | 'select' | 'hash' | 'zip' | 'done';

export interface PackageProgress {
  phase: PackagePhase;
  message: string;
  /** 0..1 within the phase, when known. */
  fraction?: number;
}

export interface PackageOptions {
  /** Where zips, hashes and bundles are kept; default `<root>/.flourish/cache`. */
  cacheDir?: string;
  signal?: AbortSignal;
  onProgress?: (progress: PackageProgress) => void;
  /** Each line the build command prints. */
  onBuildOutput?: (line: string, stream: OutputStream) => void;
  /** Package what is there without running the build command (the built-in bundle still runs). */
  skipBuild?: boolean;
  /** Override Lambda's limits (e.g. an upload through S3 allows bigger zips). */
  limits?: { zippedBytes?: number; unzippedBytes?: number };
  /** Deflate level 0-9, default 6. */
  level?: number;
}

export interface PackageResult {
  zipPath: string;
  sha256Hex: string;
  /** base64 SHA-256 of the zip: compare with Lambda's CodeSha256. */
  codeSha256: string;
  zipBytes: number;
  unzippedBytes: number;
  fileCount: number;
  /** The largest files, biggest first. */
  largest: SizedPath[];
  /** Sizes per top-level folder and per node_modules package, biggest first. */
  largestFolders: SizedPath[];
  warnings: PackageWarning[];
  /** True when the previous zip was kept because nothing in it changed. */
  reused: boolean;
  buildLog?: string;
  /** The folder the files were taken from. */
  base: string;
  cache: {
    /** Files whose hash came from the cache, without reading them. */
    hits: number;
    /** Files that had to be read and hashed. */
    hashedFiles: number;
    hashedBytes: number;
  };
}

/** The per-function folder inside the cache: zip, state, file hashes, bundle. */
export function packageWorkDir(manifest: Manifest, fn: FunctionSpec, cacheDir?: string): string {
  const dir = cacheDir ?? path.join(manifest.root, '.flourish', 'cache');
  return path.join(
    path.resolve(manifest.root, dir),
    'packages',
    fn.key.replace(/[^A-Za-z0-9._-]/g, '_'),
  );
}

/**
 * Builds (the manifest's command, or the built-in esbuild bundle for a TypeScript handler),
 * chooses the files and writes a byte-deterministic zip for one function. When the chosen
 * files and their contents match the last package, the existing zip is returned untouched.
 */
export async function packageFunction(
  manifest: Manifest,
  fn: FunctionSpec,
  options: PackageOptions = {},
): Promise<PackageResult> {
  const { signal } = options;
  const progress = (phase: PackagePhase, message: string, fraction?: number) =>
    options.onProgress?.({ phase, message, fraction });
  const root = path.resolve(manifest.root);
  const cacheDir = path.resolve(root, options.cacheDir ?? path.join('.flourish', 'cache'));
  const workDir = packageWorkDir(manifest, fn, cacheDir);
  await mkdir(workDir, { recursive: true });
  await removeAbandonedTemporaries(workDir);
  signal?.throwIfAborted();

  let base = root;
  let buildLog: string | undefined;
  if (fn.build) {
    if (!options.skipBuild) {
      progress('build', `Building ${fn.key}: ${fn.build.command}`);
      const run = await runBuild(fn, manifest, { signal, onOutput: options.onBuildOutput });
      buildLog = run.log;
    }
    if (fn.build.output) {
      base = resolveInside(root, fn.build.output, `build.output of function "${fn.key}"`);
    }
  } else if (typeScriptHandlerSource(fn, root)) {
    progress('bundle', `Bundling ${fn.handler} with esbuild`);
    base = (await bundleHandler(fn, manifest, path.join(workDir, 'bundle'))).outDir;
  }
  signal?.throwIfAborted();
  await assertFolder(base, fn);

  progress('select', `Choosing files for ${fn.key}`);
  const limits = { ...LAMBDA_PACKAGE_LIMITS, ...options.limits };
  const statePath = path.join(workDir, 'state.json');
  const zipPath = path.join(workDir, 'function.zip');
  const treePath = path.join(workDir, 'tree.bin');
  const state = await readState(statePath);
  const zipStat = state ? await stat(zipPath).catch(() => undefined) : undefined;
  const zipIntact =
    state !== undefined &&
    zipStat?.size === state.zipBytes &&
    zipStat.mtimeMs === state.zipMtimeMs &&
    zipStat.ino === state.zipIno;
  const selectOptions = {
    projectRoot: root,
    excludeAbsolute: isInside(cacheDir, base) ? [] : [cacheDir],
    signal,
  };

  // Every folder and file as the last package found them, and its zip intact: the zip is kept
  // without walking the tree or building the file list; one stat per folder and file tells.
  if (zipIntact && state.largest && state.largestFolders && state.zipBytes <= limits.zippedBytes) {
    const tree = TreeSnapshot.load(treePath);
    if (
      tree?.summary.stampDigest === state.stampDigest &&
      tree.summary.level === (options.level ?? DEFAULT_DEFLATE_LEVEL) &&
      tree.summary.unzippedBytes <= limits.unzippedBytes &&
      (await selectionUnchanged(base, fn.package, selectOptions, tree))
    ) {
      const warnings = [...tree.summary.warnings];
      const handlerWarning = checkHandlerPackaged(fn, (p) => tree.hasFile(base, p));
      if (handlerWarning) warnings.unshift(handlerWarning);
      progress('done', `Unchanged since the last package of ${fn.key}: reusing its zip`);
      return {
        zipPath,
        unzippedBytes: tree.summary.unzippedBytes,
        fileCount: tree.summary.fileCount,
        warnings,
        buildLog,
        base,
        largest: state.largest,
        largestFolders: state.largestFolders,
        sha256Hex: state.sha256Hex,
        codeSha256: state.codeSha256,
        zipBytes: state.zipBytes,
        reused: true,
        cache: { hits: tree.summary.fileCount, hashedFiles: 0, hashedBytes: 0 },
      };
    }
  }

  // A file changed less than RACY_MS before the walk could be rewritten with the same size in
  // the same timestamp tick after it is read, leaving its stamp as recorded: such a file's stamp
  // is not trusted next time (see settled below).
  const trustedBefore = Date.now() - RACY_MS;
  const folders = await FolderCache.load(path.join(workDir, 'folders.json'));
  const selection = await selectFiles(base, fn.package, { ...selectOptions, folders });
  await folders.save();
  const files = selection.files;
  if (files.length === 0) {
    throw new EmptyPackageError(
      `No files were chosen for function "${fn.key}" in ${base}: package.include ` +
        `(${fn.package.include.length ? fn.package.include.join(', ') : 'everything'}) matched ` +
        `nothing that package.exclude and the defaults leave in. Check the patterns in ${manifest.file}` +
        (fn.build?.output ? ` and that the build writes to ${fn.build.output}.` : '.'),
      { functionKey: fn.key, base, include: fn.package.include, exclude: fn.package.exclude },
    );
  }
  const handlerWarning = checkHandlerPackaged(fn, files);
  if (handlerWarning) selection.warnings.unshift(handlerWarning);
  const unzippedBytes = files.reduce((sum, f) => sum + f.size, 0);
  checkLimit(fn.key, 'unzipped', unzippedBytes, limits.unzippedBytes, files);

  const stamps = stampDigest(files, options.level);
  // Whether every chosen file was last modified long enough before the walk for any later write
  // to move its mtime. If not, the stamps are not recorded to be trusted: no tree, and a state
  // whose stamp digest matches none (the common case, an old tree, is settled).
  const settled = files.every((f) => f.mtimeMs < trustedBefore);
  const trustedStamps = settled ? stamps : UNSETTLED;
  // The tree is only trusted along with a state of the same digest: it can be written first.
  if (settled && folders.complete && folders.tree.fileCount === files.length) {
    await TreeSnapshot.save(
      treePath,
      {
        key: folders.walkKey,
        deps: withoutChosenFiles(folders.deps!, files),
        stampDigest: stamps,
        level: options.level ?? DEFAULT_DEFLATE_LEVEL,
        fileCount: files.length,
        unzippedBytes,
        warnings: selection.warnings.filter((w) => w !== handlerWarning),
      },
      folders.tree,
    );
  } else {
    await TreeSnapshot.remove(treePath);
  }

  const common = {
    zipPath,
    unzippedBytes,
    fileCount: files.length,
    warnings: selection.warnings,
    buildLog,
    base,
  };
  const sizes = () => ({ largest: largestFiles(files), largestFolders: largestFolders(files) });
  const reuse = (
    cache: PackageResult['cache'],
    ranked: Pick<PackageResult, 'largest' | 'largestFolders'> = sizes(),
  ): PackageResult => {
    checkLimit(fn.key, 'zipped', state!.zipBytes, limits.zippedBytes, files, zipPath);
    progress('done', `Unchanged since the last package of ${fn.key}: reusing its zip`);
    return {
      ...common,
      ...ranked,
      sha256Hex: state!.sha256Hex,
      codeSha256: state!.codeSha256,
      zipBytes: state!.zipBytes,
      reused: true,
      cache,
    };
  };

  // Same files with the same size, mtime and mode as when the zip was written, all settled then:
  // nothing to read, and the largest files and folders are those recorded with it.
  if (zipIntact && state.stampDigest === stamps) {
    const { largest, largestFolders: folders } = state;
    return reuse(
      { hits: files.length, hashedFiles: 0, hashedBytes: 0 },
      largest && folders ? { largest, largestFolders: folders } : undefined,
    );
  }

  const hashes = await FileHashCache.load(path.join(workDir, 'file-hashes.json'), trustedBefore);
  const known = new Map<string, string>();
  const misses: SelectedFile[] = [];
  for (const f of files) {
    const hit = hashes.get(f);
    if (hit) known.set(f.absPath, hit);
    else misses.push(f);
  }
  const hits = known.size;
  let hashedFiles = 0;
  let hashedBytes = 0;

  // With a previous zip to compare against, hash the changed files first: when their content
  // is the same (a rebuild that rewrote identical output), the zip is kept as it is. Hashing
  // costs far less than deflating, and a cold package (no previous zip) hashes while zipping.
  if (zipIntact) {
    if (misses.length) progress('hash', `Checking ${misses.length} changed files of ${fn.key}`);
    for (const f of misses) {
      signal?.throwIfAborted();
      const hex = await hashFile(f.absPath);
      known.set(f.absPath, hex);
      hashes.set(f, hex);
      hashedFiles++;
      hashedBytes += f.size;
    }
    if (state.packageKey === packageKey(files, known, options.level)) {
      const ranked = sizes();
      await hashes.save(files);
      await writeFileAtomic(
        statePath,
        JSON.stringify({ ...state, stampDigest: trustedStamps, ...ranked }),
      );
      return reuse({ hits, hashedFiles, hashedBytes }, ranked);
    }
  }

  progress('zip', `Zipping ${files.length} files of ${fn.key}`, 0);
  const zip = await writeDeterministicZip(files, zipPath, {
    level: options.level,
    signal,
    knownHashes: known,
    onProgress: (done, total) =>
      progress('zip', `Zipping ${files.length} files of ${fn.key}`, total ? done / total : 1),
  });
  hashedBytes += zip.hashedBytes;
  for (const f of files) {
    const hex = zip.fileHashes.get(f.absPath);
    if (hex === undefined) continue;
    if (!known.has(f.absPath)) hashedFiles++;
    known.set(f.absPath, hex);
    hashes.set(f, hex);
  }
  const written = await stat(zipPath);
  const ranked = sizes();
  await hashes.save(files);
  await writeFileAtomic(
    statePath,
    JSON.stringify({
      format: STATE_FORMAT,
      packageKey: packageKey(files, known, options.level),
      stampDigest: trustedStamps,
      sha256Hex: zip.sha256Hex,
      codeSha256: zip.codeSha256,
      zipBytes: zip.zipBytes,
      zipMtimeMs: written.mtimeMs,
      zipIno: written.ino,
      ...ranked,
    } satisfies PackageState),
  );
  checkLimit(fn.key, 'zipped', zip.zipBytes, limits.zippedBytes, files, zipPath);
  progress('done', `Packaged ${files.length} files of ${fn.key}`);
  return {
    ...common,
    ...ranked,
    sha256Hex: zip.sha256Hex,
    codeSha256: zip.codeSha256,
    zipBytes: zip.zipBytes,
    reused: false,
    cache: { hits, hashedFiles, hashedBytes },
  };
}

async function assertFolder(base: string, fn: FunctionSpec): Promise<void> {
  const st = await stat(base).catch(() => undefined);
  if (!st?.isDirectory()) {
    throw new BuildError(
      `The folder to package for function "${fn.key}" does not exist: ${base}. ` +
        (fn.build?.output
          ? `Check that the build command writes to build.output ("${fn.build.output}").`
          : `Check the manifest's location.`),
      { functionKey: fn.key, command: fn.build?.command ?? '', exitCode: null, lastLines: [] },
    );
  }
}

/**
 * The dependency record without its probes of package.json files that are among the chosen
 * files: the tree checks those already, by size, mtime and mode.
 */
function withoutChosenFiles(record: DepsRecord, files: readonly SelectedFile[]): DepsRecord {
  const chosen = new Set<string>();
  for (const f of files) if (f.path.endsWith('package.json')) chosen.add(f.absPath);
  return { ...record, probes: record.probes.filter((p) => p[1] !== 'f' || !chosen.has(p[0])) };
}
