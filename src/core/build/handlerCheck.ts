import type { FunctionSpec } from '../manifest/types';
import { handlerModule } from './bundle';
import type { PackageWarning } from './selectFiles';

/** Files that could hold the handler's code, for the runtimes whose layout is known. */
export function handlerCandidates(fn: FunctionSpec): string[] | undefined {
  const module = handlerModule(fn.handler);
  if (fn.runtime.startsWith('nodejs')) return ['.js', '.mjs', '.cjs'].map((ext) => module + ext);
  if (fn.runtime.startsWith('python')) {
    // `pkg.mod.handler` and `src/mod.handler` both name a file by its module path.
    return [module.replace(/\./g, '/') + '.py'];
  }
  return undefined;
}

/** A warning when the handler's file is not among the packaged files (a list, or a test by path). */
export function checkHandlerPackaged(
  fn: FunctionSpec,
  files: readonly { path: string }[] | ((path: string) => boolean),
): PackageWarning | undefined {
  const candidates = handlerCandidates(fn);
  if (!candidates) return undefined;
  const packaged =
    typeof files === 'function'
      ? candidates.some((c) => files(c))
      : files.some((f) => candidates.includes(f.path));
  if (packaged) return undefined;
  return {
    code: 'handler-missing',
    message:
      `The handler ${fn.handler} of function "${fn.key}" needs ${candidates.join(' or ')} in the ` +
      `package, and none is there: Lambda could not load it. Add it to package.include (or fix ` +
      `build.output or the handler).`,
    path: candidates[0],
  };
}
