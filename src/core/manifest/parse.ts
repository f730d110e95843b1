// parseManifest: text in, document + problems + resolved manifest out. Synchronous, never
// throws, bounded for any input; everything that needs no file system happens here.
import {
  LineCounter,
  isMap,
  isScalar,
  parseDocument,
  type Document,
  type Node,
  type YAMLMap,
} from 'yaml';
import { reportDuplicateKeys } from './duplicates';
import { ManifestParseCache, parseIncremental } from './incremental';
import { Locator, type KeyPath, type Part } from './locate';
import { ProblemSink } from './problems';
import { Resolver, type ResolvedFunction } from './resolve';
import { isoDay } from './runtimes';
import { rootSchema, type Schema } from './schema';
import {
  checkResolved,
  checkRouteConflicts,
  checkSettings,
  checkStageReferences,
  settingsMaps,
  type SemanticContext,
} from './semantics';
import { validateNode } from './structure';
import type { Manifest, Problem, Range } from './types';
import { AliasBudget, Positions, type Entry } from './yaml-nodes';

export interface ParseOptions {
  /** Path of flourish.yaml (made absolute); its folder is the project root. */
  file: string;
  /** Stage to resolve; default: the manifest's `stage`, else `dev`. */
  stage?: string;
  /** The day runtime retirement is judged on; default: today. */
  now?: Date;
  /**
   * Parse state kept between versions of the same manifest, for editors: unchanged functions
   * are neither parsed nor checked again. A document parsed with a cache shares nodes with the
   * next one parsed with it, so only the latest is valid for rangeOf/pathAt.
   */
  cache?: ManifestParseCache;
}

export interface ManifestDocument {
  document: Document.Parsed;
  lineCounter: LineCounter;
  problems: Problem[];
  /** The manifest resolved for the stage; undefined when errors make it unusable. */
  manifest?: Manifest;
  rangeOf(path: (string | number)[], part?: 'key' | 'value'): Range | undefined;
  pathAt(offset: number): { path: (string | number)[]; part: 'key' | 'value' } | undefined;
}

/** Larger manifests are refused rather than risk stalling an editor (5 MB parses for seconds). */
export const MAX_MANIFEST_CHARS = 2_000_000;

const MAX_SYNTAX_ERRORS = 50;

/** What checkManifest needs from a parse, kept off the public object. */
export interface ParseDetails {
  functions: ResolvedFunction[];
  sink: ProblemSink;
}
const details = new WeakMap<ManifestDocument, ParseDetails>();
export function parseDetails(doc: ManifestDocument): ParseDetails | undefined {
  return details.get(doc);
}

export function parseManifest(text: string, options: ParseOptions): ManifestDocument {
  try {
    return parse(String(text), options);
  } catch (err) {
    // A bug of ours must not take the editor down: report it as a problem instead.
    const lineCounter = new LineCounter();
    const document = parseDocument('', { lineCounter });
    const problem: Problem = {
      code: 'internal-error',
      severity: 'error',
      message: `Flourish could not check this manifest (${err instanceof Error ? err.message : String(err)}). Please report it with the file attached.`,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      path: [],
    };
    return {
      document,
      lineCounter,
      problems: [problem],
      rangeOf: () => undefined,
      pathAt: () => undefined,
    };
  }
}

function parse(text: string, options: ParseOptions): ManifestDocument {
  const tooLarge = text.length > MAX_MANIFEST_CHARS;
  // Duplicate keys are found by reportDuplicateKeys, in linear time.
  const yamlOptions = {
    prettyErrors: false,
    uniqueKeys: false,
    merge: true,
    keepSourceTokens: false,
  };
  const incremental =
    options.cache && !tooLarge ? parseIncremental(text, yamlOptions, options.cache) : undefined;
  if (options.cache) options.cache.lastParse = incremental ? 'incremental' : 'full';
  const lineCounter = incremental?.lineCounter ?? new LineCounter();
  const document =
    incremental?.document ?? parseDocument(tooLarge ? '' : text, { ...yamlOptions, lineCounter });
  const positions = new Positions(lineCounter);
  const sink = new ProblemSink(positions);
  const root = document.contents as Node | null;
  // Indexing anchors walks every node; skip it when the text cannot hold one.
  const aliases = new AliasBudget(text.includes('&') ? root : null);
  const locator = new Locator(text, document, lineCounter, aliases);
  const result: ManifestDocument = {
    document,
    lineCounter,
    problems: sink.problems,
    rangeOf: (path: KeyPath, part?: Part) => locator.rangeOf(path, part),
    pathAt: (offset: number) => locator.pathAt(offset),
  };
  details.set(result, { functions: [], sink });

  if (tooLarge) {
    sink.add(
      'manifest-too-large',
      'error',
      `The manifest is ${(text.length / 1e6).toFixed(1)} million characters long; Flourish checks manifests up to ${MAX_MANIFEST_CHARS / 1e6} million. Split the service into several manifests.`,
      positions.range(0, 0),
      [],
    );
    return result;
  }
  const syntaxErrors = document.errors.length;
  // A binary file can yield thousands of errors; the first ones say enough.
  for (const e of document.errors.slice(0, MAX_SYNTAX_ERRORS)) {
    const [start, end] = e.pos;
    const range = positions.range(start, end);
    sink.add('yaml-syntax', 'error', `YAML syntax error: ${e.message}`, range, []);
  }
  if (syntaxErrors > MAX_SYNTAX_ERRORS) {
    const last = document.errors[MAX_SYNTAX_ERRORS - 1].pos;
    sink.add(
      'yaml-syntax',
      'error',
      `${syntaxErrors - MAX_SYNTAX_ERRORS} more YAML syntax errors follow; fix the ones above first. Is this file really YAML?`,
      positions.range(last[0], last[1]),
      [],
    );
  }
  for (const w of document.warnings) {
    sink.add('yaml-warning', 'warning', w.message, positions.range(w.pos[0], w.pos[1]), []);
  }

  if (!isMap(root)) {
    if (root === null || (root as { value?: unknown }).value === null) {
      if (syntaxErrors === 0) {
        sink.add(
          'manifest-empty',
          'error',
          'The manifest is empty: declare at least `service:` and `functions:`.',
          positions.range(0, 0),
          [],
        );
      }
    } else {
      sink.add(
        'wrong-type',
        'error',
        'The manifest must be a map of keys (service, provider, functions, ...), not a single value or a list.',
        root,
        [],
      );
    }
    return result;
  }

  // Functions are checked one by one below, so unchanged ones can come from the cache.
  const functionsMap = (root as YAMLMap).items.find(
    (p) => isScalar(p.key) && p.key.value === 'functions',
  )?.value;
  reportDuplicateKeys(root, [], sink, (functionsMap as Node | undefined) ?? undefined);
  validateNode(root, rootWithoutFunctions(), [], null, { sink, aliases });
  const resolver = new Resolver(document, root as YAMLMap, aliases, options.cache?.resolved);
  const ctx: SemanticContext = { sink, aliases, today: isoDay(options.now ?? new Date()) };
  for (const e of resolver.functionEntries) checkFunction(e, ctx, options.cache);
  for (const { map, path } of settingsMaps(resolver, root as YAMLMap, aliases, false))
    checkSettings(map, path, ctx);
  checkStageReferences(resolver, ctx);

  const chosen = options.stage ?? resolver.defaultStage();
  const stages = new Set([
    resolver.defaultStage(),
    ...resolver.declaredStages().map((s) => s.key),
    chosen,
  ]);
  const service = resolver.service();
  let longest = chosen;
  for (const s of stages) if (s.length > longest.length) longest = s;
  let resolvedChosen: ReturnType<Resolver['resolve']> | undefined;
  for (const stage of stages) {
    const r = resolver.resolve(stage, options.file);
    if (stage === chosen) resolvedChosen = r;
    const role = { chosen: stage === chosen, longestName: stage === longest };
    for (const fn of r.functions) checkResolved(fn, service, stage, ctx, role);
  }
  if (resolvedChosen) {
    checkRouteConflicts(resolvedChosen.functions, ctx);
    details.set(result, { functions: resolvedChosen.functions, sink });
    const duplicates = sink.problems.some((p) => p.code === 'duplicate-key');
    if (syntaxErrors === 0 && !duplicates && service !== undefined)
      result.manifest = resolvedChosen.manifest;
  }
  return result;
}

let withoutFunctions: Schema | undefined;
function rootWithoutFunctions(): Schema {
  const root = rootSchema();
  withoutFunctions ??= {
    ...root,
    properties: { ...root.properties, functions: { type: 'object' } },
  };
  return withoutFunctions;
}

/** One function's own checks (schema and settings), reused while its text is unchanged. */
function checkFunction(
  e: Entry,
  ctx: SemanticContext,
  cache: ManifestParseCache | undefined,
): void {
  const schema = rootSchema().definitions!.function;
  const run = (sink: ProblemSink) => {
    const sub: SemanticContext = { ...ctx, sink };
    reportDuplicateKeys(e.value, ['functions', e.key], sink);
    validateNode(e.value, schema, ['functions', e.key], e.keyNode, { sink, aliases: ctx.aliases });
    if (isMap(e.value)) checkSettings(e.value, ['functions', e.key], sub);
  };
  const start = e.keyNode.range?.[0];
  // An alias may stand for several functions, so only maps written in place are cached.
  if (!cache || !isMap(e.value) || e.merged || e.written !== e.value || start === undefined)
    return run(ctx.sink);
  const line = ctx.sink.positions.at(start).line;
  const hit = cache.functionProblems.get(e.value);
  if (hit && hit.today === ctx.today) {
    for (const p of hit.problems) ctx.sink.push(shiftLines(p, line - hit.line));
    return;
  }
  const own = new ProblemSink(ctx.sink.positions);
  run(own);
  cache.functionProblems.set(e.value, { line, today: ctx.today, problems: own.problems });
  for (const p of own.problems) ctx.sink.push(p);
}

/** A copy of the problem moved down by `delta` lines (a function moves by whole lines). */
function shiftLines(p: Problem, delta: number): Problem {
  if (delta === 0) return p;
  const move = (r: Range): Range => ({
    start: { line: r.start.line + delta, character: r.start.character },
    end: { line: r.end.line + delta, character: r.end.character },
  });
  const copy: Problem = { ...p, range: move(p.range) };
  if (p.fixes) {
    copy.fixes = p.fixes.map((f) =>
      f.edits ? { ...f, edits: f.edits.map((x) => ({ ...x, range: move(x.range) })) } : f,
    );
  }
  return copy;
}

export { ManifestParseCache };
