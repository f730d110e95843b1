// The commit a deploy comes from, for the version's description. Outside a git repository,
// or without git installed, there is simply none.
import { execFile } from 'node:child_process';

export interface GitRevision {
  commit: string;
  /** Tracked files have changes that are not committed. */
  dirty: boolean;
}

export async function gitRevision(dir: string): Promise<GitRevision | undefined> {
  const head = await git(dir, ['rev-parse', '--verify', '--quiet', 'HEAD']);
  if (!head || !/^[0-9a-f]{40,64}$/.test(head.trim())) return undefined;
  // Untracked files do not count, as with `git describe --dirty`: the package cache and
  // other generated files would otherwise mark every deploy dirty.
  const status = await git(dir, ['status', '--porcelain', '--untracked-files=no']);
  return { commit: head.trim(), dirty: status === undefined || status.trim().length > 0 };
}

function git(cwd: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 30_000, maxBuffer: 16 << 20 }, (error, stdout) =>
      resolve(error ? undefined : stdout),
    );
  });
}
