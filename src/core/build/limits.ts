import { PackageLimitError } from './errors';
import { owningPackage } from './productionDeps';

/** Lambda's deployment package quotas. */
export const LAMBDA_PACKAGE_LIMITS = Object.freeze({
  /** A zip uploaded directly in CreateFunction/UpdateFunctionCode. */
  zippedBytes: 50 * 1024 * 1024,
  /** The unzipped code, layers included. */
  unzippedBytes: 250 * 1024 * 1024,
});

export interface SizedPath {
  path: string;
  bytes: number;
}

const bigger = (a: SizedPath, b: SizedPath) =>
  b.bytes - a.bytes || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** The n biggest, biggest first, ties by path: one pass, without sorting everything. */
function top(items: Iterable<SizedPath>, n: number): SizedPath[] {
  const best: SizedPath[] = [];
  for (const item of items) {
    if (best.length === n && bigger(item, best[n - 1]!) >= 0) continue;
    let at = best.length;
    while (at > 0 && bigger(item, best[at - 1]!) < 0) at--;
    best.splice(at, 0, item);
    if (best.length > n) best.pop();
  }
  return best;
}

export function largestFiles(
  files: readonly { path: string; size: number }[],
  n = 10,
): SizedPath[] {
  const best: SizedPath[] = [];
  let floor = -1; // the smallest size still in `best` once it is full
  for (const f of files) {
    if (best.length === n && f.size < floor) continue;
    best.push({ path: f.path, bytes: f.size });
    if (best.length > n) {
      best.splice(0, best.length, ...top(best, n));
      floor = best[n - 1]!.bytes;
    }
  }
  return top(best, n);
}

/** Sizes summed per top-level folder, and per package inside node_modules. */
export function largestFolders(
  files: readonly { path: string; size: number }[],
  n = 10,
): SizedPath[] {
  const sums = new Map<string, number>();
  for (const f of files) {
    const slash = f.path.indexOf('/');
    if (slash < 0) continue;
    const folder = f.path.startsWith('node_modules/')
      ? (owningPackage(f.path) ?? 'node_modules')
      : f.path.slice(0, slash);
    sums.set(folder, (sums.get(folder) ?? 0) + f.size);
  }
  return top(
    [...sums].map(([path, bytes]) => ({ path, bytes })),
    n,
  );
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Throws a PackageLimitError naming the largest files and folders when `bytes` passes `max`. */
export function checkLimit(
  functionKey: string,
  limit: 'zipped' | 'unzipped',
  bytes: number,
  max: number,
  files: readonly { path: string; size: number }[],
  zipPath?: string,
): void {
  if (bytes <= max) return;
  const lf = largestFiles(files, 5);
  const ld = largestFolders(files, 5);
  const list = (items: SizedPath[]) =>
    items.map((i) => `  ${formatBytes(i.bytes).padStart(9)}  ${i.path}`).join('\n');
  const what =
    limit === 'zipped'
      ? `its zip is ${formatBytes(bytes)}, over Lambda's ${formatBytes(max)} limit for a direct upload`
      : `its files add up to ${formatBytes(bytes)} unzipped, over Lambda's ${formatBytes(max)} limit`;
  throw new PackageLimitError(
    `Function "${functionKey}" is too large to deploy: ${what}.\n` +
      `Largest files:\n${list(lf)}\n` +
      (ld.length ? `Largest folders:\n${list(ld)}\n` : '') +
      `Leave out what the function does not need with package.exclude, move devDependencies out ` +
      `of dependencies, or bundle the handler.`,
    { functionKey, limit, bytes, maxBytes: max, largestFiles: lf, largestFolders: ld, zipPath },
  );
}
