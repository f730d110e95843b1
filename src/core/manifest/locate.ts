// Maps between key paths and places in the text: `rangeOf` for diagnostics and navigation,
// `pathAt` for completion and hover (including on blank lines, where no node exists yet).
import {
  isMap,
  isScalar,
  isSeq,
  type Document,
  type LineCounter,
  type Node,
  type Pair,
} from 'yaml';
import { branches, schemaAt } from './schema';
import type { Range } from './types';
import { AliasBudget, Positions, deref, entriesOf } from './yaml-nodes';

export type KeyPath = (string | number)[];
export type Part = 'key' | 'value';

export class Locator {
  private readonly positions: Positions;

  constructor(
    private readonly text: string,
    private readonly doc: Document.Parsed,
    lineCounter: LineCounter,
    private readonly aliases: AliasBudget,
  ) {
    this.positions = new Positions(lineCounter);
  }

  /** The range of the key or value at `path`; a missing value answers with its key's range. */
  rangeOf(path: KeyPath, part: Part = 'value'): Range | undefined {
    let node: Node | null = this.doc.contents as Node | null;
    let keyNode: Node | null = null;
    for (const seg of path) {
      node = deref(node, this.aliases);
      if (typeof seg === 'number') {
        if (!isSeq(node) || seg < 0 || seg >= node.items.length) return undefined;
        keyNode = null;
        node = node.items[seg] as Node | null;
      } else {
        if (!isMap(node)) return undefined;
        const e = entriesOf(node, this.aliases).find((x) => x.key === seg);
        if (!e) return undefined;
        keyNode = e.keyNode;
        node = e.written;
      }
    }
    if (part === 'key') return this.positions.ofNode(keyNode ?? node);
    const empty = !node?.range || node.range[1] <= node.range[0];
    return (empty ? undefined : this.positions.ofNode(node)) ?? this.positions.ofNode(keyNode);
  }

  /**
   * The key path at an offset, and whether it is on a key or a value. On a line where a key is
   * about to be typed (blank, or a lone word), the path ends with that key ('' when blank).
   */
  pathAt(offset: number): { path: KeyPath; part: Part } | undefined {
    if (offset < 0 || offset > this.text.length) return undefined;
    const inNode = this.descend(this.doc.contents as Node | null, offset, []);
    if (inNode) return this.asKeyWhereObjectExpected(inNode);
    const fromIndent = this.fromIndentation(offset);
    return fromIndent && this.asKeyWhereObjectExpected(fromIndent);
  }

  /**
   * A list item being typed (`- ht`, or `- ` alone) where the schema wants a map there is the
   * start of a key, e.g. ['functions', 'f', 'events', 0, 'ht'], so completion offers keys.
   */
  private asKeyWhereObjectExpected(hit: { path: KeyPath; part: Part }): {
    path: KeyPath;
    part: Part;
  } {
    if (hit.part !== 'value' || typeof hit.path[hit.path.length - 1] !== 'number') return hit;
    const schema = schemaAt(hit.path);
    if (!schema) return hit;
    const alts = branches(schema);
    if (!alts.every((a) => a.type === 'object')) return hit;
    const node = this.nodeAt(hit.path);
    if (node && !isScalar(node)) return hit;
    const text = isScalar(node) && typeof node.value === 'string' ? node.value : '';
    return { path: [...hit.path, text], part: 'key' };
  }

  private nodeAt(path: KeyPath): Node | null {
    let node: Node | null = this.doc.contents as Node | null;
    for (const seg of path) {
      node = deref(node, this.aliases);
      if (typeof seg === 'number')
        node = isSeq(node) ? ((node.items[seg] as Node | null) ?? null) : null;
      else
        node = isMap(node)
          ? (entriesOf(node, this.aliases).find((x) => x.key === seg)?.written ?? null)
          : null;
    }
    return node;
  }

  private descend(
    node: Node | null,
    offset: number,
    path: KeyPath,
    depth = 0,
  ): { path: KeyPath; part: Part } | undefined {
    if (!node || depth > 64) return undefined;
    if (isMap(node)) {
      for (const pair of node.items as Pair<Node | null, Node | null>[]) {
        const k = pair.key;
        const key = isScalar(k) ? String(k.value ?? '') : '';
        if (k?.range && offset >= k.range[0] && offset <= k.range[1])
          return { path: [...path, key], part: 'key' };
        const v = pair.value;
        if (v?.range && offset >= v.range[0] && offset <= v.range[1]) {
          return (
            this.descend(v, offset, [...path, key], depth + 1) ?? {
              path: [...path, key],
              part: 'value',
            }
          );
        }
      }
      return undefined;
    }
    if (isSeq(node)) {
      for (const [i, item] of (node.items as (Node | null)[]).entries()) {
        if (item?.range && offset >= item.range[0] && offset <= item.range[1]) {
          return (
            this.descend(item, offset, [...path, i], depth + 1) ?? {
              path: [...path, i],
              part: 'value',
            }
          );
        }
      }
      return undefined;
    }
    if (node.range && offset >= node.range[0] && offset <= node.range[1])
      return { path, part: 'value' };
    return undefined;
  }

  /** Outside every node: find the parent from the indentation of the lines above. */
  private fromIndentation(offset: number): { path: KeyPath; part: Part } | undefined {
    const lineStart = this.text.lastIndexOf('\n', offset - 1) + 1;
    const before = this.text.slice(lineStart, offset);
    // `key: |` with the cursor after the colon: the value of that key.
    const keyed = /^(\s*(?:-\s+)*)([^\s#:][^:#]*?):\s*$/.exec(before);
    if (keyed) {
      const at = this.keyPathAt(lineStart + keyed[1].length);
      if (at) return { path: at, part: 'value' };
    }
    if (!/^[\s-]*$/.test(before)) return undefined;
    const column = before.length;
    let end = lineStart - 1;
    while (end > 0) {
      const start = this.text.lastIndexOf('\n', end - 1) + 1;
      const line = this.text.slice(start, end);
      end = start - 1;
      const m = /^(\s*(?:-\s+)*)(\S)/.exec(line);
      if (!m || m[2] === '#') continue;
      const keyColumn = m[1].length;
      const dash = line.slice(0, keyColumn).includes('-');
      const keyPath = this.keyPathAt(start + keyColumn);
      if (!keyPath) {
        if (keyColumn < column) return undefined;
        continue;
      }
      if (keyColumn === column) return { path: [...keyPath.slice(0, -1), ''], part: 'key' };
      if (keyColumn < column) {
        // The line above opens a list item (`- key: v`) deeper than its dash: a sibling key.
        if (dash && before.trim() === '' && column <= keyColumn)
          return { path: [...keyPath.slice(0, -1), ''], part: 'key' };
        return { path: [...keyPath, ''], part: 'key' };
      }
      if (start === 0) break;
    }
    return { path: [''], part: 'key' };
  }

  private keyPathAt(offset: number): KeyPath | undefined {
    const hit = this.descend(this.doc.contents as Node | null, offset, []);
    return hit?.part === 'key' ? hit.path : undefined;
  }
}
