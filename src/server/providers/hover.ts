// Hover: what a key means and its limits; on a runtime value, that runtime's support status;
// on a handler, the file and function it resolves to.
import * as path from 'node:path';
import { MarkupKind, type Hover } from 'vscode-languageserver/node';
import { findRuntime, type HandlerTarget, type ManifestDocument } from '../../core/manifest';
import { keyDocumentation, runtimeDocumentation, today } from './describe';
import { handlerAt, type HandlerAtOptions } from './handlerAt';

export async function hoverManifest(
  parsed: ManifestDocument,
  offset: number,
  options: HandlerAtOptions,
  day = today(),
): Promise<Hover | null> {
  const at = parsed.pathAt(offset);
  if (!at || at.path.length === 0) return null;
  const range = parsed.rangeOf(at.path, at.part);
  const sections: string[] = [];
  const last = at.path[at.path.length - 1];
  if (at.part === 'value' && last === 'runtime') {
    const id = parsed.document.getIn(at.path);
    const info = typeof id === 'string' ? findRuntime(id) : undefined;
    sections.push(
      info
        ? runtimeDocumentation(info, day)
        : `\`${String(id)}\` is not a Lambda runtime identifier.`,
    );
  }
  if (at.part === 'value' && last === 'handler') {
    const resolved = await handlerAt(parsed, offset, options);
    if (resolved) sections.push(handlerSummary(resolved.target, options.root));
  }
  const key = keyDocumentation(at.path);
  if (key) sections.push(key);
  if (sections.length === 0) return null;
  const hover: Hover = {
    contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n---\n\n') },
  };
  if (range) hover.range = range;
  return hover;
}

function handlerSummary(target: HandlerTarget, root: string): string {
  const rel = (file: string) => path.relative(root, file).split(path.sep).join('/');
  if (!target.file) {
    return target.candidates.length > 0
      ? `No source file yet: looked for ${target.candidates.map((c) => `\`${rel(c)}\``).join(', ')}.`
      : 'This runtime has no source file to check the handler against.';
  }
  if (target.found) {
    return `\`${target.exportName}\` in \`${rel(target.file)}\`, line ${target.found.range.start.line + 1}.`;
  }
  return `\`${rel(target.file)}\` has no \`${target.exportName}\`.`;
}
