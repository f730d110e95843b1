import type { Dirent, Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { PackageSpec } from '../manifest/types';
import { UnsafePathError } from './errors';
import { isInside } from './paths';
import { owningPackage, productionDependencies } from './productionDeps';
import { explicitIncludeMatcher, isLikelySecret } from './secrets';

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
  code: 'likely-secret' | 'missing-dependency' | 'broken-symlink' | 'symlink-cycle';
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

const READDIR_CONCURRENCY = 16;

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
  base = path.resolve(base);
  const root = path.resolve(options.projectRoot);
  const realBase = await realpath(base);
  const realRoot = await realpath(root);
  const boundary = isInside(realRoot, realBase) ? realRoot : realBase;
  const include = spec.include.length ? spec.include : ['**'];
  const included = picomatch(include, { dot: true });
  const excluded = picomatch([...DEFAULT_EXCLUDES, ...spec.exclude], { dot: true });
  const explicit = explicitIncludeMatcher(spec.include);
  const excludedAbs = (options.excludeAbsolute ?? []).map((p) => path.resolve(p));
  const deps = await productionDependencies(base);
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

  /** Whether a node_modules path belongs to a production package (or leads to one). */
  const keepModulePath = (rel: string, isDir: boolean): boolean => {
    if (!deps || (rel !== 'node_modules' && !rel.startsWith('node_modules/'))) return true;
    const owner = owningPackage(rel);
    if (owner === undefined) return isDir; // node_modules/ itself or a @scope folder
    return deps.packages.has(owner);
  };
  const skipDir = (rel: string, abs: string) =>
    excluded(rel) || !keepModulePath(rel, true) || excludedAbs.some((p) => isInside(p, abs));
  const takeFile = (rel: string, abs: string) =>
    included(rel) &&
    !excluded(rel) &&
    keepModulePath(rel, false) &&
    !excludedAbs.some((p) => isInside(p, abs));

  const files: SelectedFile[] = [];
  const addFile = (rel: string, absPath: string, st: Stats) => {
    files.push({ path: rel, absPath, size: st.size, mtimeMs: st.mtimeMs, mode: st.mode & 0o7777 });
    if (
      isLikelySecret(path.posix.basename(rel)) &&
      !rel.startsWith('node_modules/') &&
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

  // Directories still to read: [absolute path, path in the package, real paths above it].
  const pending: { abs: string; rel: string; real: string; ancestors: Set<string> }[] = [
    { abs: base, rel: '', real: realBase, ancestors: new Set([realBase]) },
  ];
  const visit = async (dir: (typeof pending)[number]) => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir.abs, { withFileTypes: true });
    } catch (err) {
      throw new Error(
        `Could not read folder ${dir.abs} while choosing files to package: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    await Promise.all(
      entries.map(async (entry) => {
        const rel = dir.rel ? `${dir.rel}/${entry.name}` : entry.name;
        const abs = path.join(dir.abs, entry.name);
        if (entry.isDirectory()) {
          if (!skipDir(rel, abs)) {
            const real = path.join(dir.real, entry.name);
            pending.push({ abs, rel, real, ancestors: new Set([...dir.ancestors, real]) });
          }
        } else if (entry.isFile()) {
          if (takeFile(rel, abs)) addFile(rel, abs, await stat(abs));
        } else if (entry.isSymbolicLink()) {
          const wantDir = !skipDir(rel, abs);
          const wantFile = takeFile(rel, abs);
          if (!wantDir && !wantFile) return;
          let target: string;
          try {
            target = await realpath(abs);
          } catch {
            warnings.push({
              code: 'broken-symlink',
              message: `Symlink "${rel}" points at nothing and was left out of the package. Remove it or fix its target.`,
              path: rel,
            });
            return;
          }
          if (!isInside(boundary, target)) {
            throw new UnsafePathError(
              `Symlink "${rel}" in ${base} points at ${target}, outside the project at ${boundary}; ` +
                `packaging it would ship files from elsewhere. Copy what it needs into the project, ` +
                `or add "${rel}" to package.exclude.`,
              { path: rel, target },
            );
          }
          const st = await stat(target);
          if (st.isDirectory() && wantDir) {
            if (dir.ancestors.has(target)) {
              warnings.push({
                code: 'symlink-cycle',
                message: `Symlink "${rel}" points at one of its own parent folders (${target}); it was not followed.`,
                path: rel,
              });
              return;
            }
            pending.push({
              abs,
              rel,
              real: target,
              ancestors: new Set([...dir.ancestors, target]),
            });
          } else if (st.isFile() && wantFile) {
            addFile(rel, target, st);
          }
        }
      }),
    );
  };

  await runPool(pending, visit, READDIR_CONCURRENCY, options.signal);

  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  warnings.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  return { base, files, warnings };
}

/**
 * Runs `work` over a queue that the work itself grows, at most `limit` at a time, until the
 * queue is empty and nothing is running. Rejects on the first failure or on abort.
 */
function runPool<T>(
  queue: T[],
  work: (item: T) => Promise<void>,
  limit: number,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let active = 0;
    let failed = false;
    const fail = (err: unknown) => {
      if (!failed) reject(err);
      failed = true;
    };
    const pump = () => {
      if (failed) return;
      if (signal?.aborted) return fail(signal.reason);
      if (queue.length === 0 && active === 0) return resolve();
      while (active < limit && queue.length) {
        const item = queue.pop() as T;
        active++;
        work(item).then(() => {
          active--;
          pump();
        }, fail);
      }
    };
    pump();
  });
}
