import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './errors';

const NAMES = ['flourish.yaml', 'flourish.yml'];

/** The manifest named on the command line, or the nearest flourish.yaml upwards from cwd. */
export function findManifest(cwd: string, explicit?: string): string {
  if (explicit) {
    const file = path.resolve(cwd, explicit);
    if (!existsSync(file))
      throw new UsageError(`No manifest at ${file}. Check the --manifest path.`);
    return file;
  }
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    for (const name of NAMES) {
      const file = path.join(dir, name);
      if (existsSync(file)) return file;
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new UsageError(
    `No flourish.yaml in ${cwd} or any folder above it. Run the command in a project, or pass --manifest <file>.`,
  );
}
