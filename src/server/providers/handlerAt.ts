// The handler under the cursor, resolved to its source file: shared by go to definition and
// hover.
import {
  resolveHandler,
  type HandlerTarget,
  type ManifestDocument,
  type ManifestFs,
} from '../../core/manifest';
import type { KeyPath } from '../cursorContext';

type HandlerSource = Parameters<typeof resolveHandler>[1];

export interface HandlerAtOptions {
  root: string;
  fs?: ManifestFs;
}

/** Resolves the `handler` value at `offset`; undefined anywhere else. */
export async function handlerAt(
  parsed: ManifestDocument,
  offset: number,
  options: HandlerAtOptions,
): Promise<{ handler: string; target: HandlerTarget } | undefined> {
  const at = parsed.pathAt(offset);
  if (!at || at.part !== 'value' || at.path[at.path.length - 1] !== 'handler') return undefined;
  const fn = functionAt(parsed, at.path.slice(0, -1));
  if (!fn) return undefined;
  return { handler: fn.handler, target: await resolveHandler(options.root, fn, options.fs) };
}

/**
 * The function for `functions.<key>` (or a stage's override of it): the resolved one when the
 * manifest resolves, else the handler and runtime as written, so navigation still works while
 * another part of the file has errors.
 */
function functionAt(parsed: ManifestDocument, path: KeyPath): HandlerSource | undefined {
  const key =
    path.length === 2 && path[0] === 'functions'
      ? path[1]
      : path.length === 4 && path[0] === 'stages' && path[2] === 'functions'
        ? path[3]
        : undefined;
  if (typeof key !== 'string') return undefined;
  const resolved = parsed.manifest?.functions.find((f) => f.key === key);
  if (resolved) return resolved;
  const doc = parsed.document;
  const handler = doc.getIn(path.concat('handler'));
  const runtime = [
    doc.getIn(path.concat('runtime')),
    doc.getIn(['functions', key, 'runtime']),
    doc.getIn(['defaults', 'runtime']),
  ].find((r): r is string => typeof r === 'string');
  return typeof handler === 'string' && runtime ? { handler, runtime } : undefined;
}
