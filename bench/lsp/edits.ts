// The change an editor sends while typing: one range replaced, found as the difference between
// two versions (common prefix and suffix), in LSP line/character positions.
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver/node';

export function changeBetween(before: string, after: string): TextDocumentContentChangeEvent {
  let start = 0;
  const shorter = Math.min(before.length, after.length);
  while (start < shorter && before[start] === after[start]) start++;
  let end = 0;
  while (
    end < shorter - start &&
    before[before.length - 1 - end] === after[after.length - 1 - end]
  ) {
    end++;
  }
  return {
    range: { start: positionAt(before, start), end: positionAt(before, before.length - end) },
    text: after.slice(start, after.length - end),
  };
}

function positionAt(text: string, offset: number): { line: number; character: number } {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}
