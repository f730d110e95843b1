// The outline: each top-level key, with the functions under `functions` and each function's
// events under it.
import { SymbolKind, type DocumentSymbol, type Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isMap, isPair, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { ManifestDocument } from '../../core/manifest';

const TOP_LEVEL_KIND: Record<string, SymbolKind> = {
  service: SymbolKind.Module,
  provider: SymbolKind.Namespace,
  stage: SymbolKind.String,
  stages: SymbolKind.Namespace,
  defaults: SymbolKind.Object,
  functions: SymbolKind.Namespace,
};

export function manifestSymbols(doc: TextDocument, parsed: ManifestDocument): DocumentSymbol[] {
  const root = parsed.document.contents;
  if (!isMap(root)) return [];
  const symbols: DocumentSymbol[] = [];
  for (const pair of root.items) {
    const name = keyName(pair);
    if (name === undefined) continue;
    const symbol = pairSymbol(doc, pair, name, TOP_LEVEL_KIND[name] ?? SymbolKind.Property);
    if (!symbol) continue;
    if (name === 'functions' && isMap(pair.value)) {
      symbol.children = functionSymbols(doc, pair.value.items);
    } else if (name === 'stages' && isMap(pair.value)) {
      symbol.children = stageSymbols(doc, pair.value.items);
    }
    symbols.push(symbol);
  }
  return symbols;
}

function functionSymbols(doc: TextDocument, pairs: Pair[]): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const pair of pairs) {
    const name = keyName(pair);
    if (name === undefined) continue;
    const symbol = pairSymbol(doc, pair, name, SymbolKind.Function);
    if (!symbol) continue;
    if (isMap(pair.value)) {
      const runtime = pair.value.get('runtime');
      if (typeof runtime === 'string') symbol.detail = runtime;
      const events = pair.value.items.find((p) => keyName(p) === 'events')?.value;
      if (isSeq(events)) symbol.children = eventSymbols(doc, events.items as Node[]);
    }
    out.push(symbol);
  }
  return out;
}

function stageSymbols(doc: TextDocument, pairs: Pair[]): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const pair of pairs) {
    const name = keyName(pair);
    const symbol =
      name === undefined ? undefined : pairSymbol(doc, pair, name, SymbolKind.Namespace);
    if (!symbol) continue;
    if (isMap(pair.value)) {
      const fns = pair.value.items.find((p) => keyName(p) === 'functions')?.value;
      if (isMap(fns)) symbol.children = functionSymbols(doc, fns.items);
    }
    out.push(symbol);
  }
  return out;
}

/** An event is a one-key mapping: `http: GET /x` or `schedule: { expression: ... }`. */
function eventSymbols(doc: TextDocument, items: Node[]): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const item of items) {
    if (!isMap(item) || !item.range) continue;
    const first = item.items[0];
    const type = first ? keyName(first) : undefined;
    if (type === undefined || !first) continue;
    const range = rangeOf(doc, item.range[0], item.range[1]);
    const keyRange = isScalar(first.key) && first.key.range ? first.key.range : item.range;
    out.push({
      name: type,
      detail: eventDetail(first.value),
      kind: SymbolKind.Event,
      range,
      selectionRange: rangeOf(doc, keyRange[0], keyRange[1]),
    });
  }
  return out;
}

function eventDetail(value: unknown): string {
  if (isScalar(value)) return String(value.value ?? '');
  if (isMap(value)) {
    const method = value.get('method');
    const path = value.get('path');
    const expression = value.get('expression');
    if (typeof expression === 'string') return expression;
    return [method, path].filter((v) => typeof v === 'string').join(' ');
  }
  return '';
}

function keyName(pair: unknown): string | undefined {
  if (!isPair(pair) || !isScalar(pair.key) || pair.key.value == null) return undefined;
  const name = String(pair.key.value);
  return name === '' ? undefined : name;
}

function pairSymbol(
  doc: TextDocument,
  pair: Pair,
  name: string,
  kind: SymbolKind,
): DocumentSymbol | undefined {
  const key = pair.key as Node;
  if (!key.range) return undefined;
  const value = pair.value as Node | null;
  const end = value?.range ? value.range[1] : key.range[1];
  const symbol: DocumentSymbol = {
    name,
    kind,
    range: rangeOf(doc, key.range[0], Math.max(end, key.range[1])),
    selectionRange: rangeOf(doc, key.range[0], key.range[1]),
  };
  if (isScalar(value) && value.value != null) symbol.detail = String(value.value);
  return symbol;
}

function rangeOf(doc: TextDocument, start: number, end: number): Range {
  return { start: doc.positionAt(start), end: doc.positionAt(end) };
}
