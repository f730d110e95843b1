import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { toPosix } from './paths';

export interface ProductionDeps {
  /**
   * Package folders, relative to the base with forward slashes (`node_modules/a`,
   * `node_modules/@s/b`, `node_modules/a/node_modules/c`), reachable from the base's
   * `dependencies`, `optionalDependencies` and installed `peerDependencies`.
   */
  packages: Set<string>;
  /** Dependencies named in a package.json but not installed. */
  missing: { name: string; requiredBy: string }[];
}

interface PackageJson {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  bundleDependencies?: string[] | boolean;
  bundledDependencies?: string[] | boolean;
}

/**
 * What the resolution looked at, so a later call can tell it would find the same without
 * reading any package.json: a file by its size and mtime (`f`), a folder that was there (`d`),
 * or nothing there (`n`).
 */
export type DepsProbe =
  [path: string, kind: 'f', size: number, mtimeMs: number] | [string, 'd' | 'n'];

/** A resolution (null: no package.json) and what it looked at. */
export interface DepsRecord {
  base: string;
  deps: { packages: string[]; missing: ProductionDeps['missing'] } | null;
  probes: DepsProbe[];
}

// Synchronous: a package.json read from the page cache is far cheaper than an async round trip,
// and a project has a few hundred of them at most.
function readPackageJson(dir: string, probes?: DepsProbe[]): PackageJson | undefined {
  const file = path.join(dir, 'package.json');
  // Stat-ed before it is read: a change after the read moves its mtime past the recorded one.
  const st = probes && statSync(file, { throwIfNoEntry: false });
  if (probes) probes.push(st?.isFile() ? [file, 'f', st.size, st.mtimeMs] : [file, 'n']);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

/** Whether every probe still finds what it found. */
export function probesHold(probes: readonly DepsProbe[]): boolean {
  for (const probe of probes) {
    const st = statSync(probe[0], { throwIfNoEntry: false });
    const holds =
      probe[1] === 'f'
        ? st?.isFile() && st.size === probe[2] && st.mtimeMs === probe[3]
        : probe[1] === 'd'
          ? st?.isDirectory()
          : st === undefined;
    if (!holds) return false;
  }
  return true;
}

/**
 * productionDependencies with a record of what it read, to be checked with probesHold instead
 * of resolving again.
 */
export function recordProductionDependencies(base: string): {
  deps: ProductionDeps | undefined;
  record: DepsRecord;
} {
  const probes: DepsProbe[] = [];
  const deps = resolveProduction(base, probes);
  return {
    deps,
    record: {
      base,
      deps: deps ? { packages: [...deps.packages], missing: deps.missing } : null,
      probes,
    },
  };
}

/** The production dependencies as recorded, when the record still holds. */
export function replayProductionDependencies(
  base: string,
  record: DepsRecord | undefined,
): ProductionDeps | undefined | false {
  if (!record || record.base !== base || !probesHold(record.probes)) return false;
  return record.deps
    ? { packages: new Set(record.deps.packages), missing: record.deps.missing }
    : undefined;
}

/**
 * Walks `dependencies` transitively from `<base>/package.json` through node_modules, resolving
 * each name as Node does (the nearest node_modules up from the requiring package), so
 * devDependencies and their trees are left out. Returns undefined when there is no package.json.
 */
export function productionDependencies(base: string): ProductionDeps | undefined {
  return resolveProduction(base);
}

function resolveProduction(base: string, probes?: DepsProbe[]): ProductionDeps | undefined {
  const rootPkg = readPackageJson(base, probes);
  if (!rootPkg) return undefined;
  const packages = new Set<string>();
  const missing: ProductionDeps['missing'] = [];
  const resolver = new Resolver(base, probes);
  const queue: { dir: string; pkg: PackageJson; label: string }[] = [
    { dir: base, pkg: rootPkg, label: 'package.json' },
  ];
  while (queue.length) {
    const { dir, pkg, label } = queue.shift()!;
    const wanted: [string, boolean][] = [
      ...Object.keys(pkg.dependencies ?? {}).map((n): [string, boolean] => [n, true]),
      ...Object.keys(pkg.optionalDependencies ?? {}).map((n): [string, boolean] => [n, false]),
      ...Object.keys(pkg.peerDependencies ?? {}).map((n): [string, boolean] => [n, false]),
    ];
    for (const [name, required] of wanted) {
      const found = resolver.resolve(dir, name);
      if (!found) {
        if (required) missing.push({ name, requiredBy: label });
        continue;
      }
      const rel = toPosix(path.relative(base, found.dir));
      if (packages.has(rel)) continue;
      packages.add(rel);
      queue.push({ dir: found.dir, pkg: found.pkg, label: rel });
    }
  }
  return { packages, missing };
}

/** Resolves package names as Node does, never above `base`, remembering what it has seen. */
class Resolver {
  /** Folders and whether they have a node_modules folder: most packages have none. */
  private readonly hasModules = new Map<string, boolean>();
  private readonly packages = new Map<string, PackageJson | undefined>();

  constructor(
    private readonly base: string,
    private readonly probes?: DepsProbe[],
  ) {}

  /** Looks for `node_modules/<name>` from `from` upwards. */
  resolve(from: string, name: string): { dir: string; pkg: PackageJson } | undefined {
    for (let dir = from; ; dir = path.dirname(dir)) {
      if (path.basename(dir) !== 'node_modules' && this.modulesIn(dir)) {
        const candidate = path.join(dir, 'node_modules', name);
        let pkg = this.packages.get(candidate);
        if (!this.packages.has(candidate)) {
          pkg = readPackageJson(candidate, this.probes);
          this.packages.set(candidate, pkg);
        }
        if (pkg) return { dir: candidate, pkg };
      }
      if (dir === this.base || path.dirname(dir) === dir) return undefined;
    }
  }

  private modulesIn(dir: string): boolean {
    let has = this.hasModules.get(dir);
    if (has === undefined) {
      const modules = path.join(dir, 'node_modules');
      has = statSync(modules, { throwIfNoEntry: false })?.isDirectory() ?? false;
      this.hasModules.set(dir, has);
      this.probes?.push([modules, has ? 'd' : 'n']);
    }
    return has;
  }
}

/**
 * The package folder owning a path under node_modules (`node_modules/@s/b/lib/x.js` ->
 * `node_modules/@s/b`), the deepest one for nested installs; undefined for the top-level
 * `node_modules/` itself, a `@scope` folder, and paths outside node_modules.
 */
export function owningPackage(rel: string): string | undefined {
  // The last "node_modules/" that is a whole path segment.
  let at = rel.length;
  for (;;) {
    at = rel.lastIndexOf('node_modules/', at - 1);
    if (at < 0) return undefined;
    if (at === 0 || rel.charCodeAt(at - 1) === 47 /* / */) break;
  }
  const nameStart = at + 'node_modules/'.length;
  let end = rel.indexOf('/', nameStart);
  if (end < 0) end = rel.length;
  if (rel.charCodeAt(nameStart) === 64 /* @ */) {
    if (end === rel.length) return undefined; // the @scope folder itself
    const scopedEnd = rel.indexOf('/', end + 1);
    end = scopedEnd < 0 ? rel.length : scopedEnd;
  }
  return end > nameStart ? rel.slice(0, end) : undefined;
}
