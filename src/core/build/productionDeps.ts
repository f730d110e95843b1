import { readFile } from 'node:fs/promises';
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

async function readPackageJson(dir: string): Promise<PackageJson | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

/**
 * Walks `dependencies` transitively from `<base>/package.json` through node_modules, resolving
 * each name as Node does (the nearest node_modules up from the requiring package), so
 * devDependencies and their trees are left out. Returns undefined when there is no package.json.
 */
export async function productionDependencies(base: string): Promise<ProductionDeps | undefined> {
  const rootPkg = await readPackageJson(base);
  if (!rootPkg) return undefined;
  const packages = new Set<string>();
  const missing: ProductionDeps['missing'] = [];
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
      const found = await resolvePackage(base, dir, name);
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

/** Looks for `node_modules/<name>` from `from` upwards, never above `base`. */
async function resolvePackage(
  base: string,
  from: string,
  name: string,
): Promise<{ dir: string; pkg: PackageJson } | undefined> {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (path.basename(dir) !== 'node_modules') {
      const candidate = path.join(dir, 'node_modules', name);
      const pkg = await readPackageJson(candidate);
      if (pkg) return { dir: candidate, pkg };
    }
    if (dir === base || path.dirname(dir) === dir) return undefined;
  }
}

/**
 * The package folder owning a path under node_modules (`node_modules/@s/b/lib/x.js` ->
 * `node_modules/@s/b`), the deepest one for nested installs; undefined for the top-level
 * `node_modules/` itself and files directly in it.
 */
export function owningPackage(rel: string): string | undefined {
  const parts = rel.split('/');
  let owner: string | undefined;
  for (let i = 0; i < parts.length; i++) {
    if (parts[i] !== 'node_modules') continue;
    const name = parts[i + 1];
    if (name === undefined || i + 2 > parts.length) break;
    const scoped = name.startsWith('@');
    const end = scoped ? i + 3 : i + 2;
    if (end > parts.length) break;
    owner = parts.slice(0, end).join('/');
    i = end - 1;
  }
  return owner;
}
