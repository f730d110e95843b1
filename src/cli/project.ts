import { loadManifest, type FunctionSpec, type Manifest } from '../core/manifest';
import { stringOption, type CliContext, type OptionValues } from './command';
import { UsageError } from './errors';
import { findManifest } from './findManifest';

/** The manifest for this command: --manifest or the nearest flourish.yaml, for --stage. */
export function loadProject(ctx: CliContext, values: OptionValues): Promise<Manifest> {
  const file = findManifest(ctx.cwd, stringOption(values, 'manifest'));
  return loadManifest(file, { stage: stringOption(values, 'stage') });
}

/** The functions named on the command line, or all of them; an unknown name is an error. */
export function selectFunctions(manifest: Manifest, names: string[]): FunctionSpec[] {
  if (names.length === 0) return manifest.functions;
  const known = new Map(manifest.functions.map((fn) => [fn.key, fn]));
  return names.map((name) => {
    const fn = known.get(name);
    if (!fn) {
      throw new UsageError(
        `No function "${name}" in ${manifest.file}. Its functions are: ${[...known.keys()].join(', ') || '(none)'}.`,
      );
    }
    return fn;
  });
}

export function oneFunction(manifest: Manifest, name: string | undefined): FunctionSpec {
  if (!name) {
    if (manifest.functions.length === 1) return manifest.functions[0];
    throw new UsageError(
      `Name the function: ${manifest.functions.map((fn) => fn.key).join(', ') || '(none)'}.`,
    );
  }
  return selectFunctions(manifest, [name])[0];
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
