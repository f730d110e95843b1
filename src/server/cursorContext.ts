// Where the cursor is in a manifest that may be half typed: the key path of the mapping it is
// in, and whether a key or a value is being written. Worked out from indentation, because a
// YAML parser cannot place a cursor on a line that is not yet valid YAML.

export type KeyPath = (string | number)[];

export interface CursorContext {
  kind: 'key' | 'value';
  /** For a key: the mapping's path. For a value: the path of the key being given a value. */
  path: KeyPath;
  /** What is already typed of the key or value, up to the cursor. */
  prefix: string;
  /** Offsets of the text a completion replaces (the whole word under the cursor). */
  replaceStart: number;
  replaceEnd: number;
  /** Column the key starts at (what a completion indents nested lines against). */
  keyColumn: number;
  /** Keys already written in the same mapping (above and below the cursor). */
  siblings: string[];
  /** For a key: whether the line already has a `:` after the cursor. */
  hasColon: boolean;
}

interface LineShape {
  /** Columns of the `- ` markers, outermost first. */
  dashes: number[];
  /** Column of the first character after the markers. */
  column: number;
  /** The key, when the line holds `key:`. */
  key?: string;
  blank: boolean;
}

const KEY_LINE = /^((?:[^\s#:'"{}[\],&*!|>][^:#]*?)|"[^"]*"|'[^']*')\s*:(?:\s|$)/;

function shapeOf(line: string): LineShape {
  const dashes: number[] = [];
  let i = 0;
  for (;;) {
    while (i < line.length && line[i] === ' ') i++;
    if (line[i] === '-' && (i + 1 === line.length || line[i + 1] === ' ')) {
      dashes.push(i);
      i++;
      continue;
    }
    break;
  }
  const rest = line.slice(i);
  // A bare `-` opening an item is not blank: it tells which sequence the lines below are in.
  const blank = dashes.length === 0 && (rest.trim() === '' || rest.startsWith('#'));
  const m = KEY_LINE.exec(rest);
  const key = m ? unquote(m[1]!.trim()) : undefined;
  return key === undefined ? { dashes, column: i, blank } : { dashes, column: i, key, blank };
}

function unquote(s: string): string {
  return /^(["']).*\1$/.test(s) ? s.slice(1, -1) : s;
}

export function cursorContext(text: string, offset: number): CursorContext {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const newline = text.indexOf('\n', offset);
  const lineEnd = newline < 0 ? text.length : newline;
  const before = text.slice(lineStart, offset);
  const after = text.slice(offset, lineEnd).replace(/\r$/, '');
  const shape = shapeOf(before);
  const keyColumn = shape.column;
  const typed = before.slice(keyColumn);
  const colon = /^([^:#]*?)\s*:\s+(.*)$/.exec(typed) ?? /^([^:#]*?)\s*:()$/.exec(typed);

  const lines = splitLines(text, lineStart);
  const { path, siblings } = enclosingMapping(lines, shape, keyColumn);
  const wordAfter = /^[^\s:#,]*/.exec(after)?.[0] ?? '';

  if (colon && colon[1]!.trim() !== '') {
    const value = colon[2]!;
    const quote = /^["']/.test(value) ? 1 : 0;
    const valueAfter = quote ? (/^[^"']*/.exec(after)?.[0] ?? '') : /^\S*/.exec(after)![0];
    return {
      kind: 'value',
      path: [...path, unquote(colon[1]!.trim())],
      prefix: value.slice(quote),
      replaceStart: offset - value.length + quote,
      replaceEnd: offset + valueAfter.length,
      keyColumn,
      siblings,
      hasColon: true,
    };
  }
  return {
    kind: 'key',
    path,
    prefix: typed,
    replaceStart: lineStart + keyColumn,
    replaceEnd: offset + wordAfter.length,
    keyColumn,
    siblings: siblings.filter((k) => k !== typed + wordAfter),
    hasColon: after.slice(wordAfter.length).trimStart().startsWith(':'),
  };
}

interface Lines {
  /** The lines above the cursor's, nearest first. */
  above: string[];
  /** The lines below the cursor's, nearest first. */
  below: string[];
}

function splitLines(text: string, lineStart: number): Lines {
  const above =
    lineStart === 0
      ? []
      : text
          .slice(0, lineStart - 1)
          .split('\n')
          .reverse();
  const next = text.indexOf('\n', lineStart);
  const below = next < 0 ? [] : text.slice(next + 1).split('\n');
  return { above, below };
}

/**
 * Walks up from the cursor: a key at a smaller column is the parent; a `- ` marker at a smaller
 * column means the cursor is inside that sequence item. Siblings are keys at the cursor's column
 * within the same mapping, above and below.
 */
function enclosingMapping(
  lines: Lines,
  cursor: LineShape,
  keyColumn: number,
): { path: KeyPath; siblings: string[] } {
  const reversed: KeyPath = [];
  const siblings: string[] = [];
  let column = keyColumn;
  let inMapping = true;
  // `- na|`: the cursor starts a new sequence item, so it is inside each of its own markers.
  for (let d = cursor.dashes.length - 1; d >= 0; d--) reversed.push(0);
  if (cursor.dashes.length > 0) column = cursor.dashes[0]!;
  // Whether `column` is a `- ` marker's: then a key at that very column owns the sequence
  // (YAML lets a block sequence sit at its key's indentation).
  let atDash = cursor.dashes.length > 0;
  for (const line of lines.above) {
    if (column === 0 && !inMapping) break;
    const s = shapeOf(line.replace(/\r$/, ''));
    if (s.blank) continue;
    const first = s.dashes[0] ?? s.column;
    if (first === column && atDash && s.dashes.length === 0 && s.key !== undefined) {
      reversed.push(s.key);
      atDash = false;
      inMapping = false;
      continue;
    }
    if (first >= column) {
      // Deeper content, or a sibling at the same level.
      if (first === column && s.dashes.length === 0 && s.key !== undefined && inMapping) {
        siblings.push(s.key);
      }
      continue;
    }
    if (s.key === undefined && s.dashes.length === 0) continue; // e.g. a folded scalar's text
    if (s.key !== undefined && s.column < column) reversed.push(s.key);
    else if (s.key !== undefined && s.column === column && inMapping) siblings.push(s.key);
    for (let d = s.dashes.length - 1; d >= 0; d--) if (s.dashes[d]! < column) reversed.push(0);
    column = first;
    atDash = s.dashes.length > 0;
    inMapping = false;
  }
  for (const line of lines.below) {
    const s = shapeOf(line.replace(/\r$/, ''));
    if (s.blank) continue;
    const first = s.dashes[0] ?? s.column;
    if (first < keyColumn) break;
    if (first === keyColumn && s.dashes.length === 0 && s.key !== undefined) siblings.push(s.key);
  }
  return { path: reversed.reverse(), siblings };
}
