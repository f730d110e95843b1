// Incremental parsing for editors: a manifest's bulk is its `functions:` block, and a keystroke
// changes one function. The text is cut at each function's key line; each piece is parsed on its
// own and cached by its text, and the pieces are joined into one document whose nodes carry
// offsets into the whole text, as a full parse would give. Whenever the cut could change the
// meaning (anchors, tags, flow or quoted text across a cut, any syntax error), the caller parses
// the whole text instead.
import {
  LineCounter,
  YAMLMap,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  type Document,
  type DocumentOptions,
  type Node,
  type Pair,
  type ParseOptions,
  type SchemaOptions,
} from 'yaml';

import type { ResolveMemo } from './resolve';
import { forgetEntries } from './yaml-nodes';
import type { Problem } from './types';

type Options = ParseOptions & DocumentOptions & SchemaOptions;

interface Piece {
  doc: Document.Parsed;
  /** The offset the piece's nodes currently carry. */
  base: number;
}

/**
 * Parse state kept between versions of one manifest (one cache per open document). Documents
 * parsed with a cache share nodes with the next parse through the same cache: use the latest.
 */
export class ManifestParseCache {
  /** Below this size a full parse is fast enough and the cut is not worth it. */
  minChars = 4_000;
  /** How the last parse went: pieces reused, or the whole text (too small, or unsafe to cut). */
  lastParse: 'incremental' | 'full' = 'full';
  pieces = new Map<string, Piece>();
  skeleton?: { text: string; doc: Document.Parsed; cut: number; shift: number };
  /** Functions resolved per stage, reused while the rest of the manifest is unchanged. */
  readonly resolved: ResolveMemo = new WeakMap();
  /** Problems of each function's own settings, by the function's map node. */
  readonly functionProblems = new WeakMap<
    object,
    { line: number; today: string; problems: Problem[] }
  >();
}

/** A cut is only safe without these: anchors/aliases/tags, directives, BOM, lone CR, tabs. */
const UNSAFE = /(?:^|[\s,[{])[&*!][^\s,\]})]|^(?:%|---|\.\.\.)|\uFEFF|\r(?!\n)|^\t|<<\s*:/m;

export function parseIncremental(
  text: string,
  options: Options,
  cache: ManifestParseCache,
): { document: Document.Parsed; lineCounter: LineCounter } | undefined {
  if (text.length < cache.minChars || UNSAFE.test(text)) return undefined;
  const head = /^functions:[ \t]*(?:#.*)?\r?$/m.exec(text);
  if (!head || /^functions\s*:/m.test(text.slice(head.index + head[0].length))) return undefined;
  const bodyStart = text.indexOf('\n', head.index) + 1;
  if (bodyStart === 0) return undefined;
  // The body runs to the next line that starts at column 0 with something other than a comment.
  const after = /^[^\s#]/m.exec(text.slice(bodyStart));
  const bodyEnd = after ? bodyStart + after.index : text.length;
  const starts = cutPoints(text, bodyStart, bodyEnd);
  if (!starts || starts.length < 2) return undefined;

  const skeleton = skeletonFor(text, bodyStart, bodyEnd, options, cache);
  if (!skeleton) return undefined;
  const root = skeleton.contents;
  if (!isMap(root)) return undefined;
  const fnPair = (root.items as Pair<Node, Node | null>[]).find(
    (p) => isScalar(p.key) && p.key.value === 'functions',
  );
  if (!fnPair) return undefined;

  const used = new Map<string, Piece>();
  const pairs: Pair[] = [];
  const keys = new Set<string>();
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i];
    const end = i + 1 < starts.length ? starts[i + 1] : bodyEnd;
    const pieceText = text.slice(start, end);
    let piece = cache.pieces.get(pieceText) ?? used.get(pieceText);
    if (!piece) {
      const doc = parseDocument(pieceText, options);
      piece = { doc, base: 0 };
    }
    const doc = piece.doc;
    const map = doc.contents;
    if (doc.errors.length > 0 || doc.warnings.length > 0 || !isMap(map) || map.items.length !== 1)
      return undefined;
    const pair = map.items[0] as Pair<Node, Node | null>;
    if (!isScalar(pair.key) || typeof pair.key.value !== 'string' || keys.has(pair.key.value))
      return undefined;
    keys.add(pair.key.value);
    if (piece.base !== start) {
      shiftTree(map, (v) => v + start - piece!.base);
      piece.base = start;
    }
    used.set(pieceText, piece);
    pairs.push(pair);
  }
  cache.pieces = used;

  const functions = new YAMLMap(skeleton.schema);
  functions.items = pairs;
  const last = pairs[pairs.length - 1].value as Node | null;
  functions.range = [starts[0], last?.range?.[1] ?? bodyEnd, bodyEnd];
  fnPair.value = functions;
  // The root's entries were cached with the previous functions map.
  forgetEntries(root);

  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1))
    lineCounter.addNewLine(i + 1);
  return { document: skeleton, lineCounter };
}

/** Line starts of each function key in the body; undefined if a line breaks the pattern. */
function cutPoints(text: string, bodyStart: number, bodyEnd: number): number[] | undefined {
  const starts: number[] = [];
  let indent = -1;
  for (let at = bodyStart; at < bodyEnd;) {
    const nl = text.indexOf('\n', at);
    const lineEnd = nl === -1 || nl > bodyEnd ? bodyEnd : nl;
    let col = at;
    while (col < lineEnd && text[col] === ' ') col++;
    const c = text[col];
    if (col < lineEnd && c !== '#' && c !== '\r') {
      const width = col - at;
      if (indent === -1) {
        // The first key decides the indentation; a list or flow collection is not cut.
        if (
          width === 0 ||
          c === '-' ||
          c === '{' ||
          c === '[' ||
          c === '?' ||
          c === '"' ||
          c === "'"
        )
          return undefined;
        indent = width;
      }
      if (width < indent) return undefined;
      if (width === indent) {
        if (c === '-' || c === '{' || c === '[' || c === '?' || c === '"' || c === "'")
          return undefined;
        starts.push(at);
      }
    }
    // Blank and comment lines hold no nodes; those before the first key belong to no piece.
    at = lineEnd + 1;
  }
  return starts;
}

/** The document without the functions body, parsed once per distinct head and tail. */
function skeletonFor(
  text: string,
  bodyStart: number,
  bodyEnd: number,
  options: Options,
  cache: ManifestParseCache,
): Document.Parsed | undefined {
  const skeletonText = text.slice(0, bodyStart) + text.slice(bodyEnd);
  const shift = bodyEnd - bodyStart;
  let entry = cache.skeleton;
  if (!entry || entry.text !== skeletonText) {
    const doc = parseDocument(skeletonText, options);
    if (doc.errors.length > 0 || doc.warnings.length > 0) {
      cache.skeleton = undefined;
      return undefined;
    }
    entry = { text: skeletonText, doc, cut: bodyStart, shift: 0 };
  }
  if (entry.cut !== bodyStart) return undefined;
  if (entry.shift !== shift) {
    const delta = shift - entry.shift;
    const moved = (v: number) => (v >= bodyStart ? v + delta : v);
    const doc = entry.doc;
    // Leave the grafted functions map alone: it already carries whole-text offsets.
    const root = doc.contents;
    if (isMap(root)) {
      for (const p of root.items as Pair<Node, Node | null>[]) {
        shiftTree(p.key, moved);
        if (!(isScalar(p.key) && p.key.value === 'functions')) shiftTree(p.value, moved);
      }
      if (root.range) root.range = shiftRange(root.range, moved);
    }
    doc.range = shiftRange(doc.range, moved);
    entry.shift = shift;
  }
  cache.skeleton = entry;
  return entry.doc;
}

function shiftRange(
  r: [number, number, number],
  f: (v: number) => number,
): [number, number, number] {
  return [f(r[0]), f(r[1]), f(r[2])];
}

function shiftTree(node: unknown, f: (v: number) => number): void {
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as Node | null | undefined;
    if (!n) continue;
    if (n.range) n.range = shiftRange(n.range, f);
    if (isMap(n) || isSeq(n)) {
      for (const item of n.items as unknown[]) {
        if (isPair(item)) stack.push(item.key, item.value);
        else stack.push(item);
      }
    }
  }
}
