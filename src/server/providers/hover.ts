// Hover: what a key means and its limits; on a runtime value, that runtime's support status.
import { MarkupKind, type Hover } from 'vscode-languageserver/node';
import { findRuntime, type ManifestDocument } from '../../core/manifest';
import { keyDocumentation, runtimeDocumentation, today } from './describe';

export function hoverManifest(
  parsed: ManifestDocument,
  offset: number,
  day = today(),
): Hover | null {
  const at = parsed.pathAt(offset);
  if (!at || at.path.length === 0) return null;
  const range = parsed.rangeOf(at.path, at.part);
  const sections: string[] = [];
  if (at.part === 'value' && at.path[at.path.length - 1] === 'runtime') {
    const id = parsed.document.getIn(at.path);
    const info = typeof id === 'string' ? findRuntime(id) : undefined;
    sections.push(
      info
        ? runtimeDocumentation(info, day)
        : `\`${String(id)}\` is not a Lambda runtime identifier.`,
    );
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
