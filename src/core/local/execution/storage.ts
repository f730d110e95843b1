// Usage of an environment's /tmp, for the ephemeral storage limit.
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

export interface DirectoryUsage {
  bytes: number;
  folders: number;
}

/** Bytes held by the files under `dir` and how many folders it has (zeros if it is gone). */
export async function directoryUsage(dir: string): Promise<DirectoryUsage> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return { bytes: 0, folders: 0 };
  }
  const usages = await Promise.all(
    entries.map(async (entry): Promise<DirectoryUsage> => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        const inner = await directoryUsage(full);
        return { bytes: inner.bytes, folders: inner.folders + 1 };
      }
      try {
        // Allocated blocks, not the apparent size: a sparse file does not fill the disk.
        const stat = await lstat(full);
        return { bytes: Math.min(stat.size, stat.blocks * 512), folders: 0 };
      } catch {
        return { bytes: 0, folders: 0 };
      }
    }),
  );
  return usages.reduce((a, b) => ({ bytes: a.bytes + b.bytes, folders: a.folders + b.folders }), {
    bytes: 0,
    folders: 0,
  });
}
