// Memory of a worker's whole process tree, read from /proc: the sum of the resident set of the
// worker and every descendant, which is what Lambda's "Max Memory Used" measures.
import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';

async function childrenOf(pid: number, allThreads: boolean): Promise<number[]> {
  // A child is listed under the thread that forked it. Runtimes that fork only from their main
  // thread (Node.js spawns on the event loop thread) need one read instead of one per thread.
  let tasks: string[];
  try {
    tasks = allThreads ? await readdir(`/proc/${pid}/task`) : [String(pid)];
  } catch {
    return [];
  }
  const lists = await Promise.all(
    tasks.map((tid) => readFile(`/proc/${pid}/task/${tid}/children`, 'utf8').catch(() => '')),
  );
  const pids: number[] = [];
  for (const list of lists) {
    for (const part of list.split(' ')) if (part) pids.push(Number(part));
  }
  return pids;
}

async function rssBytes(pid: number): Promise<number> {
  try {
    // VmRSS is in kB whatever the page size of the machine.
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Resident bytes of `rootPid` and all its descendants; 0 once the process is gone.
 * `rootForksFromMainThread` lets the root's children be found with one read.
 */
export async function processTreeRssBytes(
  rootPid: number,
  rootForksFromMainThread = false,
): Promise<number> {
  if (process.platform !== 'linux') return leaderRssBytes(rootPid);
  let total = 0;
  let frontier = [rootPid];
  const seen = new Set<number>();
  while (frontier.length > 0) {
    const fresh = frontier.filter((p) => !seen.has(p));
    fresh.forEach((p) => seen.add(p));
    const [sizes, kids] = await Promise.all([
      Promise.all(fresh.map(rssBytes)),
      Promise.all(fresh.map((p) => childrenOf(p, !(rootForksFromMainThread && p === rootPid)))),
    ]);
    total += sizes.reduce((a, b) => a + b, 0);
    frontier = kids.flat();
  }
  return total;
}

/**
 * Without /proc (macOS): the worker's own RSS from ps. Its children are not counted, so Max
 * Memory Used can read low there. Windows reports 0: memory is not enforced.
 */
function leaderRssBytes(pid: number): Promise<number> {
  if (process.platform === 'win32') return Promise.resolve(0);
  return new Promise((resolve) => {
    execFile('ps', ['-o', 'rss=', '-p', String(pid)], (err, stdout) => {
      const kb = Number(stdout?.trim());
      resolve(err || !Number.isFinite(kb) ? 0 : kb * 1024);
    });
  });
}

export const MB = 1024 * 1024;
