// Small helpers over the `yaml` package's document nodes: map entries (with `<<` merge keys),
// JSON types, and LSP ranges from offsets.
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Alias,
  type LineCounter,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import type { Range } from './types';

export type YamlNode = Node;

export interface Entry {
  key: string;
  keyNode: Node;
  /** The value after alias resolution; null when the key has no value. */
  value: Node | null;
  /** The node written in this map (an alias stays an alias here), for ranges. */
  written: Node | null;
  /** True when the entry comes from a `<<` merge key rather than being written in this map. */
  merged: boolean;
}

/**
 * Resolves aliases through one index of the document's anchors (the `yaml` package's own
 * `Alias.resolve` walks the whole document each time), and caps how many aliases are followed
 * so an "alias bomb" cannot make validation exponential.
 */
export class AliasBudget {
  private readonly anchors = new Map<string, Node[]>();

  constructor(
    root: unknown,
    public remaining = 10_000,
  ) {
    visit(root, (node) => {
      const name = (node as { anchor?: string }).anchor;
      if (!name) return;
      const list = this.anchors.get(name);
      if (list) list.push(node);
      else this.anchors.set(name, [node]);
    });
  }

  /** The node an alias names: the last anchor of that name before the alias. */
  target(alias: Alias): Node | null {
    const list = this.anchors.get(alias.source);
    if (!list) return null;
    const at = alias.range?.[0] ?? Infinity;
    let found: Node | null = null;
    for (const n of list) if ((n.range?.[0] ?? 0) < at) found = n;
    return found;
  }
}

/** Depth-first over maps, sequences and pairs, without following aliases. */
function visit(node: unknown, fn: (node: Node) => void): void {
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const n = stack.pop();
    if (isMap(n) || isSeq(n)) {
      fn(n);
      for (const item of n.items as unknown[]) {
        if (isPair(item)) stack.push(item.key, item.value);
        else stack.push(item);
      }
    } else if (isScalar(n)) fn(n);
  }
}

const entryCache = new WeakMap<YAMLMap, Entry[]>();

/** Drops a map's cached entries after its items were replaced (the incremental graft). */
export function forgetEntries(map: YAMLMap): void {
  entryCache.delete(map);
}

/** Resolves an alias to its anchored node; other nodes are returned as they are. */
export function deref(node: unknown, budget: AliasBudget): Node | null {
  let current = node;
  for (let hops = 0; isAlias(current); hops++) {
    if (hops > 32 || budget.remaining-- <= 0) return null;
    current = budget.target(current);
  }
  return (current as Node | null) ?? null;
}

/**
 * The map's entries in written order. Merge keys (`<<: *base`) contribute entries the map does
 * not write itself; written keys win. Keys that are not scalars are skipped (the caller reports
 * them through `nonScalarKeys`).
 */
export function entriesOf(map: YAMLMap, budget: AliasBudget): Entry[] {
  const cached = entryCache.get(map);
  if (cached) return cached;
  // A map that merges itself (`a: &x { <<: *x }`) must not recurse forever.
  if (inProgress.has(map)) return [];
  inProgress.add(map);
  try {
    return collectEntries(map, budget);
  } finally {
    inProgress.delete(map);
  }
}

const inProgress = new Set<YAMLMap>();

function collectEntries(map: YAMLMap, budget: AliasBudget): Entry[] {
  const own: Entry[] = [];
  const merged: Entry[] = [];
  for (const pair of map.items as Pair<unknown, unknown>[]) {
    const keyNode = pair.key as Node | null;
    if (!isScalar(keyNode)) continue;
    const written = (pair.value as Node | null) ?? null;
    // With `merge: true` the parser marks a plain `<<` key with a symbol value.
    if (typeof keyNode.value === 'symbol') {
      for (const source of mergeSources(written, budget)) {
        for (const e of entriesOf(source, budget)) merged.push({ ...e, merged: true });
      }
      continue;
    }
    const key = keyNode.value === null ? '' : String(keyNode.value);
    own.push({ key, keyNode, value: deref(written, budget), written, merged: false });
  }
  let result = own;
  if (merged.length > 0) {
    const seen = new Set(own.map((e) => e.key));
    result = own.slice();
    for (const e of merged) {
      if (seen.has(e.key)) continue;
      seen.add(e.key);
      result.push(e);
    }
  }
  entryCache.set(map, result);
  return result;
}

function mergeSources(value: Node | null, budget: AliasBudget): YAMLMap[] {
  const out: YAMLMap[] = [];
  const target = deref(value, budget);
  if (isMap(target)) out.push(target);
  else if (isSeq(target)) {
    for (const item of target.items) {
      const m = deref(item, budget);
      if (isMap(m)) out.push(m);
    }
  }
  return out;
}

export function findEntry(map: YAMLMap, key: string, budget: AliasBudget): Entry | undefined {
  for (const e of entriesOf(map, budget)) if (e.key === key) return e;
  return undefined;
}

export type JsonType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';

export function jsonTypeOf(node: Node | null): JsonType {
  if (node === null) return 'null';
  if (isMap(node)) return 'object';
  if (isSeq(node)) return 'array';
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'string') return 'string';
    if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
    if (typeof v === 'bigint') return 'integer';
    if (typeof v === 'boolean') return 'boolean';
    if (v === null || v === undefined) return 'null';
    return 'string';
  }
  return 'null';
}

/** A scalar's value, or undefined for maps, sequences and missing nodes. */
export function scalarOf(node: Node | null): unknown {
  return isScalar(node) ? node.value : undefined;
}

export function stringOf(node: Node | null): string | undefined {
  const v = scalarOf(node);
  return typeof v === 'string' ? v : undefined;
}

/** Converts offsets to zero-based LSP positions. */
export class Positions {
  constructor(private readonly lc: LineCounter) {}

  at(offset: number): { line: number; character: number } {
    const p = this.lc.linePos(offset);
    return { line: p.line - 1, character: p.col - 1 };
  }

  range(start: number, end: number): Range {
    return { start: this.at(start), end: this.at(Math.max(start, end)) };
  }

  /** The node's own text (without trailing comments or line breaks). */
  ofNode(node: Node | null | undefined): Range | undefined {
    const r = node?.range;
    if (!r) return undefined;
    return this.range(r[0], r[1]);
  }
}
