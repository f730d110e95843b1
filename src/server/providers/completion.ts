// Completion in flourish.yaml: the keys a mapping may still take, enum values, runtime
// identifiers (retired ones marked deprecated), and handler paths found in the project.
import * as path from 'node:path';
import {
  CompletionItemKind,
  CompletionItemTag,
  InsertTextMode,
  MarkupKind,
  type CompletionItem,
  type Range,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isMap, isScalar } from 'yaml';
import {
  RUNTIMES,
  branches,
  currentRuntimes,
  describeKey,
  listHandlerCandidates,
  runtimeFamily,
  runtimeStatus,
  schemaAt,
  type ManifestDocument,
  type RuntimeFamily,
  type Schema,
} from '../../core/manifest';
import { cursorContext, type CursorContext, type KeyPath } from '../cursorContext';
import { keyDocumentation, runtimeDocumentation, today } from './describe';

export const COMPLETION_TRIGGERS = [':', ' ', '-'];

type HandlerFs = Parameters<typeof listHandlerCandidates>[2];

export interface CompletionOptions {
  /** The project root: the manifest's folder. */
  root: string;
  parsed: ManifestDocument;
  fs?: HandlerFs;
  signal: AbortSignal;
  /** Today as YYYY-MM-DD, for runtime status (tests pin it). */
  today?: string;
}

export async function completeManifest(
  doc: TextDocument,
  offset: number,
  options: CompletionOptions,
): Promise<CompletionItem[]> {
  const ctx = cursorContext(doc.getText(), offset);
  const range: Range = {
    start: doc.positionAt(ctx.replaceStart),
    end: doc.positionAt(ctx.replaceEnd),
  };
  if (ctx.kind === 'key') {
    const items = keyItems(ctx, range);
    if (isFunctionsMap(ctx.path) && !ctx.hasColon) {
      items.push(newFunctionItem(ctx, range, options.today ?? today()));
    }
    return items;
  }
  const key = ctx.path[ctx.path.length - 1];
  if (key === 'runtime' && isRuntimePath(ctx.path)) {
    return runtimeItems(range, options.today ?? today());
  }
  if (ctx.path.length === 1 && key === 'stage') return stageItems(options.parsed, range);
  if (key === 'handler' && isFunctionPath(ctx.path.slice(0, -1))) {
    return handlerItems(ctx.path.slice(0, -1), range, options);
  }
  return valueItems(ctx.path, range);
}

/** `functions.<name>`, `stages.<stage>.functions.<name>`. */
function isFunctionPath(path: KeyPath): boolean {
  const n = path.length;
  return (
    (n === 2 && path[0] === 'functions') ||
    (n === 4 && path[0] === 'stages' && path[2] === 'functions')
  );
}

/** `functions`, `stages.<stage>.functions`: maps from function names. */
function isFunctionsMap(path: KeyPath): boolean {
  return (
    (path.length === 1 && path[0] === 'functions') ||
    (path.length === 3 && path[0] === 'stages' && path[2] === 'functions')
  );
}

/** A whole new function, named after what is typed, on the newest Node.js runtime. */
function newFunctionItem(ctx: CursorContext, range: Range, day: string): CompletionItem {
  const name = /^[A-Za-z0-9_-]+$/.test(ctx.prefix) ? ctx.prefix : 'hello';
  const runtime = currentRuntimes(day).find((r) => r.family === 'nodejs')?.id ?? 'nodejs22.x';
  const indent = ' '.repeat(ctx.keyColumn + 2);
  return {
    label: ctx.prefix ? `${name}: new function` : 'new function',
    filterText: ctx.prefix || 'new function',
    kind: CompletionItemKind.Snippet,
    detail: `${name} with a handler and ${runtime}`,
    textEdit: {
      range,
      newText: `${name}:\n${indent}handler: src/${name}.handler\n${indent}runtime: ${runtime}\n`,
    },
    insertTextMode: InsertTextMode.asIs,
    sortText: '2',
  };
}

function isRuntimePath(path: KeyPath): boolean {
  const owner = path.slice(0, -1);
  const isDefaults =
    (owner.length === 1 && owner[0] === 'defaults') ||
    (owner.length === 3 && owner[0] === 'stages' && owner[2] === 'defaults');
  return isDefaults || isFunctionPath(owner);
}

function objectBranches(path: KeyPath): Schema[] {
  const schema = schemaAt(path);
  return schema ? branches(schema).filter((s) => s.properties) : [];
}

function keyItems(ctx: CursorContext, range: Range): CompletionItem[] {
  const present = new Set(ctx.siblings);
  const items = new Map<string, CompletionItem>();
  for (const schema of objectBranches(ctx.path)) {
    if (schema.maxProperties !== undefined && present.size >= schema.maxProperties) continue;
    for (const [key, sub] of Object.entries(schema.properties ?? {})) {
      if (present.has(key) || items.has(key)) continue;
      const path = [...ctx.path, key];
      const info = describeKey(path);
      items.set(key, {
        label: key,
        kind: CompletionItemKind.Property,
        detail: info?.title,
        documentation: { kind: MarkupKind.Markdown, value: keyDocumentation(path) },
        textEdit: { range, newText: ctx.hasColon ? key : keyInsertion(key, sub, ctx.keyColumn) },
        insertTextMode: InsertTextMode.asIs,
        // Required keys first, then the schema's own order.
        sortText: `${schema.required?.includes(key) ? 0 : 1}${String(items.size).padStart(3, '0')}`,
      });
    }
  }
  return [...items.values()];
}

/** `key: ` for a scalar; a nested mapping or sequence opens on the next line, indented. */
function keyInsertion(key: string, schema: Schema, column: number): string {
  const alts = branches(schema);
  const indent = ' '.repeat(column + 2);
  if (alts.every((s) => s.type === 'array')) return `${key}:\n${indent}- `;
  if (alts.every((s) => s.type === 'object')) return `${key}:\n${indent}`;
  return `${key}: `;
}

function runtimeItems(range: Range, today: string): CompletionItem[] {
  return RUNTIMES.map((info, index) => {
    const status = runtimeStatus(info, today);
    const retired = status === 'deprecated' || status === 'blocked';
    const item: CompletionItem = {
      label: info.id,
      kind: CompletionItemKind.EnumMember,
      detail: retired ? `${info.label ?? info.id} (retired)` : info.label,
      documentation: { kind: MarkupKind.Markdown, value: runtimeDocumentation(info, today) },
      textEdit: { range, newText: info.id },
      // Supported runtimes first, newest first within a family (RUNTIMES' order).
      sortText: `${retired ? 1 : 0}${String(index).padStart(3, '0')}`,
    };
    if (retired) item.tags = [CompletionItemTag.Deprecated];
    return item;
  });
}

/** The default stage can be any name; the ones declared under `stages:` are offered. */
function stageItems(parsed: ManifestDocument, range: Range): CompletionItem[] {
  const stages = parsed.document.get('stages');
  if (!isMap(stages)) return [];
  return stages.items
    .map((pair) => (isScalar(pair.key) ? String(pair.key.value) : ''))
    .filter((name) => name !== '' && !name.startsWith('x-'))
    .map((name) => ({
      label: name,
      kind: CompletionItemKind.Value,
      detail: 'declared under stages',
      textEdit: { range, newText: name },
    }));
}

function valueItems(path: KeyPath, range: Range): CompletionItem[] {
  const schema = schemaAt(path);
  if (!schema) return [];
  const values = new Set<string>();
  for (const alt of branches(schema)) {
    for (const v of alt.enum ?? []) values.add(String(v));
    if (alt.type === 'boolean') ['true', 'false'].forEach((v) => values.add(v));
  }
  for (const v of describeKey(path)?.values ?? []) values.add(String(v));
  return [...values].map((value) => ({
    label: value,
    kind: CompletionItemKind.Value,
    textEdit: { range, newText: value },
  }));
}

async function handlerItems(
  functionPath: KeyPath,
  range: Range,
  options: CompletionOptions,
): Promise<CompletionItem[]> {
  const families = familiesFor(functionPath, options.parsed);
  const items: CompletionItem[] = [];
  for (const family of families) {
    const candidates = await listHandlerCandidates(
      options.root,
      family,
      options.fs,
      options.signal,
    );
    for (const c of candidates) {
      items.push({
        label: c.handler,
        kind: CompletionItemKind.Function,
        detail: path.relative(options.root, c.file).split(path.sep).join('/'),
        textEdit: { range, newText: c.handler },
      });
    }
  }
  return items;
}

/** The runtime family a function's handler is written for: its own runtime, then defaults. */
function familiesFor(functionPath: KeyPath, parsed: ManifestDocument): RuntimeFamily[] {
  const doc = parsed.document;
  const candidates: unknown[] = [doc.getIn([...functionPath, 'runtime'])];
  if (functionPath[0] === 'stages') {
    candidates.push(doc.getIn(['stages', functionPath[1]!, 'defaults', 'runtime']));
    candidates.push(doc.getIn(['functions', functionPath[3]!, 'runtime']));
  }
  candidates.push(doc.getIn(['defaults', 'runtime']));
  for (const id of candidates) {
    const family = typeof id === 'string' ? runtimeFamily(id) : undefined;
    if (family) return [family];
  }
  return ['nodejs', 'python'];
}
