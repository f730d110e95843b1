// Go to definition from a function's `handler` value to the function in its source file.
import { pathToFileURL } from 'node:url';
import type { Location } from 'vscode-languageserver/node';
import { resolveHandler, type ManifestDocument } from '../../core/manifest';
import type { KeyPath } from '../cursorContext';

type HandlerFs = Parameters<typeof resolveHandler>[2];

export interface DefinitionOptions {
  root: string;
  fs?: HandlerFs;
}

export async function handlerDefinition(
  parsed: ManifestDocument,
  offset: number,
  options: DefinitionOptions,
): Promise<Location | null> {
  const at = parsed.pathAt(offset);
  if (!at || at.part !== 'value' || at.path[at.path.length - 1] !== 'handler') return null;
  const fn = functionAt(parsed, at.path.slice(0, -1));
  if (!fn) return null;
  const resolved = await resolveHandler(options.root, fn, options.fs);
  if (!resolved.file) return null;
  const target = resolved.exports.find((e) => e.name === resolved.exportName);
  const start = { line: 0, character: 0 };
  return {
    uri: pathToFileURL(resolved.file).href,
    range: target?.range ?? { start, end: start },
  };
}

type HandlerSource = Parameters<typeof resolveHandler>[1];

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
