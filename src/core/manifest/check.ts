// checkManifest adds the checks that read files (the handler's file and function) to
// parseManifest; loadManifest is the strict entry for the CLI and deploy.
import * as path from 'node:path';
import { readFile } from 'node:fs/promises';
import { splitHandler } from './handler-format';
import type { RuntimeFamily } from './runtimes';
import { closest } from './similar';
import { handlerStub, resolveHandler, runtimeFamily, type HandlerTarget } from './handlers';
import { nodeFs, type ManifestFs } from './fs';
import { ProblemSink } from './problems';
import {
  parseDetails,
  parseManifest,
  type ManifestDocument,
  type ManifestParseCache,
} from './parse';
import type { Manifest, Problem } from './types';

export interface CheckOptions {
  file: string;
  stage?: string;
  fs?: ManifestFs;
  signal?: AbortSignal;
  now?: Date;
  /** Parse state kept between versions of the same manifest (see ParseOptions.cache). */
  cache?: ManifestParseCache;
  /** A parse of this very text with the same file and stage, to check without parsing again. */
  parsed?: ManifestDocument;
}

const FILE_FAMILIES = new Set(['nodejs', 'python', 'ruby']);

/**
 * Everything parseManifest reports, plus whether each handler's file exists and defines the
 * function. Throws the signal's reason (an AbortError) if aborted; never throws otherwise.
 */
export async function checkManifest(
  text: string,
  options: CheckOptions,
): Promise<{ manifest?: Manifest; problems: Problem[] }> {
  options.signal?.throwIfAborted();
  const parsed = options.parsed ?? parseManifest(text, options);
  const info = parseDetails(parsed);
  if (!info) return { manifest: parsed.manifest, problems: parsed.problems };
  // A sink of its own, so the parsed document's problems stay as they were.
  const { functions } = info;
  const sink = new ProblemSink(info.sink.positions);
  for (const p of parsed.problems) sink.push(p);
  const fs = options.fs ?? nodeFs;
  const root = path.dirname(path.resolve(options.file));
  const lookups = new Map<string, Promise<HandlerTarget>>();
  // Ranges are taken now: with a parse cache, a newer parse may move the nodes while we wait.
  const work = functions
    .filter((f) => {
      const family = runtimeFamily(f.spec.runtime);
      return (
        family &&
        FILE_FAMILIES.has(family) &&
        f.origins.handler &&
        splitHandler(f.spec.handler, family)
      );
    })
    .map((f) => ({
      ...f,
      at: sink.rangeOf(f.origins.handler!.node),
      path: f.origins.handler!.path,
    }));
  await forEachLimited(work, 16, async (fn) => {
    options.signal?.throwIfAborted();
    const { spec } = fn;
    const id = `${spec.handler}\u0000${spec.runtime}\u0000${spec.build?.output ?? ''}`;
    let lookup = lookups.get(id);
    if (!lookup) {
      lookup = resolveHandler(root, spec, fs).catch(() => ({
        exportName: '',
        candidates: [],
        exports: [],
      }));
      lookups.set(id, lookup);
    }
    const target = await lookup;
    const built = spec.build !== undefined;
    if (!target.file) {
      if (target.candidates.length === 0) return;
      const family = runtimeFamily(spec.runtime)!;
      const parts = splitHandler(spec.handler, family)!;
      const stub = handlerStub(spec.runtime, target.exportName);
      const create = `${parts.module}${stub.extension}`;
      const tried = target.candidates.map((c) => path.relative(root, c).split(path.sep).join('/'));
      sink.add(
        'handler-missing-file',
        built ? 'warning' : 'error',
        `No source file for handler '${spec.handler}' of '${spec.key}': looked for ${tried.join(', ')}.${built ? ' It may appear when the build runs.' : ''} Create ${create} or fix the handler.`,
        fn.at,
        fn.path,
        [
          {
            title: `Create ${create} with a '${target.exportName}' handler`,
            createFile: { path: create, content: stub.content },
            preferred: true,
          },
        ],
      );
      return;
    }
    if (target.found) return;
    const rel = path.relative(root, target.file).split(path.sep).join('/');
    const names = target.exports.map((e) => e.name).filter((n) => n !== 'default');
    const known =
      names.length > 0
        ? ` It ${verb(spec.runtime)}s ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''}.`
        : '';
    // A near miss (`hanlder`) is most likely a typo in the manifest: offer the real name.
    const guess = closest(target.exportName, names);
    const range = fn.at;
    const fixed = guess && renameExport(spec.handler, runtimeFamily(spec.runtime)!, guess);
    sink.add(
      'handler-missing-export',
      target.reexportsAll ? 'warning' : 'error',
      `${rel} does not ${verb(spec.runtime)} '${target.exportName}', which handler '${spec.handler}' of '${spec.key}' names.${known}${target.reexportsAll ? ' It re-exports other modules, which were not followed.' : ''}`,
      range,
      fn.path,
      fixed
        ? [
            {
              title: `Change the handler to '${fixed}'`,
              edits: [{ range, newText: fixed }],
              preferred: true,
            },
          ]
        : undefined,
    );
  });
  options.signal?.throwIfAborted();
  return { manifest: parsed.manifest, problems: sink.problems };
}

/** The handler with its function name replaced: `src/a.hanlder` -> `src/a.handler`. */
function renameExport(handler: string, family: RuntimeFamily, name: string): string {
  if (family === 'python') return `${handler.slice(0, handler.lastIndexOf('.') + 1)}${name}`;
  // Node.js and Ruby: the name follows the first dot of the last path segment.
  const start = handler.indexOf('.', handler.lastIndexOf('/') + 1) + 1;
  const end = /^[\w$]*/.exec(handler.slice(start))![0].length + start;
  return handler.slice(0, start) + name + handler.slice(end);
}

/** Node.js modules export a handler; Python and Ruby files define one. */
function verb(runtime: string): string {
  return runtimeFamily(runtime) === 'nodejs' ? 'export' : 'define';
}

async function forEachLimited<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** "flourish.yaml:12:5: error [unknown-key] ..." with 1-based line and column. */
export function formatProblem(file: string, p: Problem): string {
  return `${file}:${p.range.start.line + 1}:${p.range.start.character + 1}: ${p.severity} [${p.code}] ${p.message}`;
}

export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  readonly file: string;
  readonly problems: Problem[];

  constructor(file: string, problems: Problem[], options?: { cause?: unknown; message?: string }) {
    const errors = problems.filter((p) => p.severity === 'error');
    const shown = errors.length > 0 ? errors : problems;
    const message =
      options?.message ??
      `${file} has ${errors.length} error${errors.length === 1 ? '' : 's'}; fix ${errors.length === 1 ? 'it' : 'them'} and try again:\n${shown.map((p) => `  ${formatProblem(file, p)}`).join('\n')}`;
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.file = file;
    this.problems = problems;
  }
}

/** Reads and checks a manifest for a stage; throws ManifestError when anything is an error. */
export async function loadManifest(
  file: string,
  options: { stage?: string; fs?: ManifestFs; signal?: AbortSignal } = {},
): Promise<Manifest> {
  let text: string;
  try {
    text = options.fs
      ? ((await options.fs.readFile(path.resolve(file))) ?? missing(file))
      : await readFile(file, 'utf8');
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const problem: Problem = {
      code: 'manifest-unreadable',
      severity: 'error',
      message: `Cannot read the manifest (${reason}). Check the path, or create flourish.yaml in the project's folder.`,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      path: [],
    };
    throw new ManifestError(file, [problem], {
      cause: err,
      message: `Cannot read ${file}: ${reason}. Check the path, or create flourish.yaml in the project's folder.`,
    });
  }
  const { manifest, problems } = await checkManifest(text, { file, ...options });
  if (!manifest || problems.some((p) => p.severity === 'error'))
    throw new ManifestError(file, problems);
  return manifest;
}

function missing(file: string): never {
  throw new Error(`${file} does not exist`);
}
