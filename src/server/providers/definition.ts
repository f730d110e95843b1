// Go to definition from a function's `handler` value to the function in its source file.
import { pathToFileURL } from 'node:url';
import type { Location } from 'vscode-languageserver/node';
import type { ManifestDocument } from '../../core/manifest';
import { handlerAt, type HandlerAtOptions } from './handlerAt';

export async function handlerDefinition(
  parsed: ManifestDocument,
  offset: number,
  options: HandlerAtOptions,
): Promise<Location | null> {
  const resolved = await handlerAt(parsed, offset, options);
  if (!resolved?.target.file) return null;
  const { target } = resolved;
  const start = { line: 0, character: 0 };
  // A file without the export still opens, at its top.
  return {
    uri: pathToFileURL(target.file!).href,
    range: target.found?.range ?? { start, end: start },
  };
}
