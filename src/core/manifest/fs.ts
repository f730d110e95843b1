// The file system as the manifest checker sees it: small, async, and easy to back with an
// editor's open buffers or an in-memory tree.
import { readFile, readdir } from 'node:fs/promises';

export interface ManifestFs {
  /** The file's text, or undefined when it does not exist or is not a readable file. */
  readFile(absPath: string): Promise<string | undefined>;
  /** The folder's entries, or [] when it does not exist. */
  readDir(absPath: string): Promise<{ name: string; dir: boolean }[]>;
}

export const nodeFs: ManifestFs = {
  async readFile(absPath) {
    try {
      return await readFile(absPath, 'utf8');
    } catch {
      return undefined;
    }
  },
  async readDir(absPath) {
    try {
      const entries = await readdir(absPath, { withFileTypes: true });
      return entries
        .filter((e) => e.isDirectory() || e.isFile())
        .map((e) => ({ name: e.name, dir: e.isDirectory() }));
    } catch {
      return [];
    }
  },
};
