// Usage of an environment's /tmp, for the ephemeral storage limit.
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

/** Bytes held by the files under `dir` (0 if it is gone). An empty dir costs one readdir. */
export async function directoryBytes(dir: string): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  const sizes = await Promise.all(
    entries.map(async (entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return directoryBytes(full);
      try {
        // Allocated blocks, not the apparent size: a sparse file does not fill the disk.
        const stat = await lstat(full);
        return Math.min(stat.size, stat.blocks * 512);
      } catch {
        return 0;
      }
    }),
  );
  return sizes.reduce((a, b) => a + b, 0);
}
