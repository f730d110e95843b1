import type { Dirent, Stats } from 'node:fs';
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { PackageSpec } from '../manifest/types';
import { UnsafePathError } from './errors';
import { RACY_MS, type FolderCache, type FolderListing } from './folderCache';
import { isInside } from './paths';
import {
  owningPackage,
  productionDependencies,
  recordProductionDependencies,
  replayProductionDependencies,
  type ProductionDeps,
} from './productionDeps';
import { explicitIncludeMatcher, isLikelySecret } from './secrets';
import type { TreeSnapshot } from './treeSnapshot';

export interface SelectedFile {
  /** Path inside the package, forward slashes: the zip entry name. */
  path: string;
  /** Where the bytes are read from (a symlink's target when the file was reached through one). */
  absPath: string;
  size: number;
  mtimeMs: number;
  /** Mode bits as found on disk; the zip gets 0755 when any execute bit is set, else 0644. */
  mode: number;
}

export interface PackageWarning {
  code:
    'likely-secret' | 'missing-dependency' | 'broken-symlink' | 'symlink-cycle' | 'handler-missing';
  message: string;
  path?: string;
}

export interface Selection {
  /** Absolute folder the files are relative to. */
  base: string;
  /** Sorted by path, byte-wise. */
  files: SelectedFile[];
  warnings: PackageWarning[];
}

export interface SelectOptions {
  /**
   * The project root: symlinks must resolve inside it (or inside `base` when `base` lies
   * elsewhere, as a staging folder can).
   */
  projectRoot: string;
  /** Absolute folders never packaged, e.g. the cache folder when it lies inside the base. */
  excludeAbsolute?: string[];
  signal?: AbortSignal;
  /**
   * Listings from the last walk: a folder whose mtime is unchanged is not read again, only
   * its files are stat-ed. Updated in place; the caller saves it.
   */
  folders?: FolderCache;
}

/** Never packaged: version control, Flourish's own state, package-manager caches and shims. */
export const DEFAULT_EXCLUDES: readonly string[] = Object.freeze([
  '.git',
  '**/.git',
  '.flourish',
  '.hg',
  '.svn',
  'node_modules/.cache',
  'node_modules/.bin',
  '**/.DS_Store',
]);

/** A folder to read: where it is, its path in the package, its real path, and its parent. */
interface Folder {
  abs: string;
  rel: string;
  real: string;
  parent?: Folder;
  /** Its stat, when already taken (folders replayed from the cache). */
  stat?: Stats;
}

/** Whether `real` is this folder or one above it: a symlink there would loop forever. */
function isAncestor(folder: Folder | undefined, real: string): boolean {
  for (; folder; folder = folder.parent) if (folder.real === real) return true;
  return false;
}

/** The production dependencies, from the cache when nothing they were read from changed. */
function dependencies(base: string, folders?: FolderCache): ProductionDeps | undefined {
  if (!folders) return productionDependencies(base);
  const known = replayProductionDependencies(base, folders.deps);
  if (known !== false) return known;
  const { deps, record } = recordProductionDependencies(base);
  const trustedBefore = Date.now() - RACY_MS;
  const settled = record.probes.every((p) => p[1] !== 'f' || p[3] < trustedBefore);
  folders.deps = settled ? record : undefined;
  return deps;
}

/** The walk gives the event loop a turn this often. */
const YIELD_EVERY_MS = 20;

/** Where a selection is made from, as it decides which files are chosen. */
interface SelectionInputs {
  base: string;
  realBase: string;
  boundary: string;
  spec: PackageSpec;
  excludedAbs: string[];
  deps: ProductionDeps | undefined;
}

/** Everything a walk's result depends on besides the folders' listings and the files' stamps. */
function selectionKey(inputs: SelectionInputs): string {
  const { base, realBase, boundary, spec, excludedAbs, deps } = inputs;
  return JSON.stringify([
    base,
    realBase,
    boundary,
    spec.include,
    spec.exclude,
    DEFAULT_EXCLUDES,
    excludedAbs,
    deps ? [...deps.packages].sort() : null,
  ]);
}

/** The base resolved, its real path, and the folder symlinks must stay inside. */
async function resolveBase(
  base: string,
  projectRoot: string,
): Promise<{ base: string; realBase: string; boundary: string }> {
  base = path.resolve(base);
  const realBase = await realpath(base);
  const realRoot = await realpath(path.resolve(projectRoot));
  const boundary = isInside(realRoot, realBase) ? realRoot : realBase;
  return { base, realBase, boundary };
}

/**
 * Whether selectFiles would choose exactly the files recorded in `tree`, with the same stamps,
 * and give the same warnings: the same base, patterns and production dependencies (checked by
 * their probes, without reading a package.json), and every recorded folder and file unchanged.
 */
export async function selectionUnchanged(
  base: string,
  spec: PackageSpec,
  options: SelectOptions,
  tree: TreeSnapshot,
): Promise<boolean> {
  const resolved = await resolveBase(base, options.projectRoot);
  const deps = replayProductionDependencies(resolved.base, tree.summary.deps);
  if (deps === false) return false;
  const excludedAbs = (options.excludeAbsolute ?? []).map((p) => path.resolve(p));
  const key = selectionKey({ ...resolved, spec, excludedAbs, deps });
  return key === tree.summary.key && tree.holds(options.signal);
}

/**
 * Chooses the files of a package under `base`: the function's `package.include` globs (all
 * files when empty) minus `package.exclude` and the defaults, with node_modules cut down to the
 * production dependency tree of `<base>/package.json`. An exclude pattern that matches a folder
 * leaves out all of it. Symlinks are followed when they stay inside the project and refused
 * with an UnsafePathError when they leave it.
 */
export async function selectFiles(
  base: string,
  spec: PackageSpec,
  options: SelectOptions,
): Promise<Selection> {
  const resolved = await resolveBase(base, options.projectRoot);
  base = resolved.base;
  const { realBase, boundary } = resolved;
  const include = spec.include.length ? spec.include : ['**'];
  const included = picomatch(include, { dot: true });
  const excluded = picomatch([...DEFAULT_EXCLUDES, ...spec.exclude], { dot: true });
  // Files only need the user's patterns and the defaults that name files (a submodule's `.git`
  // is a file): cheaper per file than every folder pattern.
  const userExcluded = spec.exclude.length ? picomatch(spec.exclude, { dot: true }) : undefined;
  const excludedFile = (rel: string, name: string) =>
    name === '.DS_Store' || name === '.git' || (userExcluded !== undefined && userExcluded(rel));
  const explicit = explicitIncludeMatcher(spec.include);
  const excludedAbs = (options.excludeAbsolute ?? []).map((p) => path.resolve(p));
  const deps = dependencies(base, options.folders);
  const warnings: PackageWarning[] = [];
  for (const miss of deps?.missing ?? []) {
    warnings.push({
      code: 'missing-dependency',
      message:
        `Dependency "${miss.name}" of ${miss.requiredBy} is not installed under ${base}, so it ` +
        `is not in the package. Run npm install (or npm ci) there before packaging.`,
      path: miss.requiredBy,
    });
  }

  const underModules = (rel: string) => rel === 'node_modules' || rel.startsWith('node_modules/');
  /** Whether a folder is walked: outside node_modules, or on the way to a production package. */
  const keepModuleDir = (rel: string): boolean => {
    if (!deps || !underModules(rel)) return true;
    const owner = owningPackage(rel);
    return owner === undefined || deps.packages.has(owner); // undefined: node_modules/, @scope/
  };
  /**
   * Whether the files directly in a (walked) folder are kept: not those lying loose in a
   * node_modules folder or a @scope folder, which belong to no package.
   */
  const keepFilesIn = (dirRel: string): boolean => {
    if (!deps || !underModules(dirRel)) return true;
    const name = dirRel.slice(dirRel.lastIndexOf('/') + 1);
    const parent = dirRel.slice(0, Math.max(0, dirRel.lastIndexOf('/')));
    if (name === 'node_modules' || (name.startsWith('@') && parent.endsWith('node_modules'))) {
      return false;
    }
    const owner = owningPackage(dirRel);
    return owner !== undefined && deps.packages.has(owner);
  };
  const insideExcluded = (abs: string) =>
    excludedAbs.some((p) => abs === p || abs.startsWith(p + path.sep));
  const skipDir = (rel: string, abs: string) =>
    excluded(rel) || !keepModuleDir(rel) || insideExcluded(abs);
  const everything = spec.include.length === 0;
  const takeFile = (rel: string, name: string, dirKeepsFiles: boolean) =>
    dirKeepsFiles && (everything || included(rel)) && !excludedFile(rel, name);

  const files: SelectedFile[] = [];
  const addFile = (rel: string, absPath: string, st: Stats) => {
    files.push({ path: rel, absPath, size: st.size, mtimeMs: st.mtimeMs, mode: st.mode & 0o7777 });
    if (
      !rel.startsWith('node_modules/') &&
      isLikelySecret(rel.slice(rel.lastIndexOf('/') + 1)) &&
      !explicit(rel)
    ) {
      warnings.push({
        code: 'likely-secret',
        message:
          `"${rel}" looks like a secret (keys, credentials or environment files) and would be ` +
          `uploaded with the function. Add it to package.exclude, or name it in package.include ` +
          `if it is meant to ship.`,
        path: rel,
      });
    }
  };

  const folders = options.folders;
  folders?.begin(selectionKey({ base, realBase, boundary, spec, excludedAbs, deps }));
  const tree = folders?.tree;
  // Listings are trusted next time only if their folder was not changed just before the walk.
  const trustedBefore = Date.now() - RACY_MS;

  /**
   * Takes a folder's files and subfolders as the cache recorded them, stat-ing each: false
   * (nothing taken) when one of them is no longer what was recorded.
   */
  const replay = (dir: Folder, listing: FolderListing): boolean => {
    const fileStats: Stats[] = [];
    for (const name of listing.files) {
      const st = statSync(dir.abs + path.sep + name, { throwIfNoEntry: false });
      if (!st?.isFile()) return false;
      fileStats.push(st);
    }
    const dirStats: Stats[] = [];
    for (const name of listing.dirs) {
      const st = statSync(dir.abs + path.sep + name, { throwIfNoEntry: false });
      if (!st?.isDirectory()) return false;
      dirStats.push(st);
    }
    const prefix = dir.rel ? `${dir.rel}/` : '';
    tree?.folder(dir.abs, listing.mtimeMs, listing.ino);
    listing.files.forEach((name, i) => {
      const st = fileStats[i]!;
      const abs = dir.abs + path.sep + name;
      addFile(prefix + name, abs, st);
      tree?.file(abs, st.size, st.mtimeMs, st.mode & 0o7777);
    });
    listing.dirs.forEach((name, i) =>
      pending.push({
        abs: dir.abs + path.sep + name,
        rel: prefix + name,
        real: path.join(dir.real, name),
        parent: dir,
        stat: dirStats[i],
      }),
    );
    return true;
  };

  // Folders still to read, with the real paths above each (to spot symlink cycles).
  const pending: Folder[] = [{ abs: base, rel: '', real: realBase }];
  // Synchronous calls, one folder at a time: a stat from the page cache is far cheaper than
  // an async round trip, and yielding between slices keeps the event loop responsive.
  let sliceStart = performance.now();
  while (pending.length) {
    if (performance.now() - sliceStart > YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
    options.signal?.throwIfAborted();
    const dir = pending.pop()!;
    // Taken before the listing is read: a change after it moves the mtime past this one.
    const dirStat = folders
      ? (dir.stat ?? statSync(dir.abs, { throwIfNoEntry: false }))
      : undefined;
    if (dirStat) {
      const listing = folders!.get(dir.rel, dirStat.mtimeMs, dirStat.ino);
      if (listing && replay(dir, listing)) continue;
    }
    const keepsFiles = keepFilesIn(dir.rel);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir.abs, { withFileTypes: true });
    } catch (err) {
      throw new Error(
        `Could not read folder ${dir.abs} while choosing files to package: ${(err as Error).message}`,
        { cause: err },
      );
    }
    // What the cache keeps of this folder; symlinks are resolved afresh on every walk.
    const listing: FolderListing | undefined =
      dirStat && dirStat.mtimeMs < trustedBefore
        ? { mtimeMs: dirStat.mtimeMs, ino: dirStat.ino, dirs: [], files: [] }
        : undefined;
    let cacheable = listing !== undefined;
    if (listing) tree?.folder(dir.abs, listing.mtimeMs, listing.ino);
    for (const entry of entries) {
      const rel = dir.rel ? `${dir.rel}/${entry.name}` : entry.name;
      const abs = dir.abs + path.sep + entry.name;
      if (entry.isDirectory()) {
        if (!skipDir(rel, abs)) {
          const real = path.join(dir.real, entry.name);
          pending.push({ abs, rel, real, parent: dir });
          listing?.dirs.push(entry.name);
        }
      } else if (entry.isFile()) {
        if (takeFile(rel, entry.name, keepsFiles)) {
          const st = statSync(abs);
          addFile(rel, abs, st);
          if (listing) {
            listing.files.push(entry.name);
            tree?.file(abs, st.size, st.mtimeMs, st.mode & 0o7777);
          }
        }
      } else if (entry.isSymbolicLink()) {
        cacheable = false;
        const wantDir = !skipDir(rel, abs);
        const wantFile = takeFile(rel, entry.name, keepsFiles);
        if (!wantDir && !wantFile) continue;
        let target: string;
        try {
          target = realpathSync(abs);
        } catch {
          warnings.push({
            code: 'broken-symlink',
            message: `Symlink "${rel}" points at nothing and was left out of the package. Remove it or fix its target.`,
            path: rel,
          });
          continue;
        }
        if (!isInside(boundary, target)) {
          throw new UnsafePathError(
            `Symlink "${rel}" in ${base} points at ${target}, outside the project at ${boundary}; ` +
              `packaging it would ship files from elsewhere. Copy what it needs into the project, ` +
              `or add "${rel}" to package.exclude.`,
            { path: rel, target },
          );
        }
        const st = statSync(target);
        if (st.isDirectory() && wantDir) {
          if (isAncestor(dir, target)) {
            warnings.push({
              code: 'symlink-cycle',
              message: `Symlink "${rel}" points at one of its own parent folders (${target}); it was not followed.`,
              path: rel,
            });
            continue;
          }
          pending.push({ abs, rel, real: target, parent: dir });
        } else if (st.isFile() && wantFile) {
          addFile(rel, target, st);
        }
      }
    }
    folders?.set(dir.rel, cacheable ? listing : undefined);
  }

  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  warnings.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  return { base, files, warnings };
}
