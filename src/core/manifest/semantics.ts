// Checks a schema cannot express: runtimes and their retirement, environment keys and size,
// deployed names per stage, the handler's shape for its runtime, event expressions, and stage
// overrides that name functions which do not exist.
import { isMap, isSeq, type Node, type YAMLMap } from 'yaml';
import { handlerFormatError } from './handler-format';
import {
  ENVIRONMENT_KEY,
  FUNCTION_NAME,
  LIMITS,
  RESERVED_ENVIRONMENT_KEYS,
  environmentBytes,
} from './limits';
import { ProblemSink, type Path } from './problems';
import type { Resolver, ResolvedFunction } from './resolve';
import { RUNTIMES, findRuntime, runtimeStatus, type RuntimeInfo } from './runtimes';
import { scheduleError } from './schedule';
import { closest } from './similar';
import { AliasBudget, entriesOf, findEntry, stringOf, type Entry } from './yaml-nodes';

export interface SemanticContext {
  sink: ProblemSink;
  aliases: AliasBudget;
  /** YYYY-MM-DD, for runtime retirement. */
  today: string;
}

/** Every map that holds function settings: defaults, functions, and each stage's versions. */
export function settingsMaps(
  resolver: Resolver,
  root: YAMLMap,
  aliases: AliasBudget,
  includeFunctions = true,
): { map: YAMLMap; path: Path }[] {
  const out: { map: YAMLMap; path: Path }[] = [];
  const defaults = findEntry(root, 'defaults', aliases)?.value ?? null;
  if (isMap(defaults)) out.push({ map: defaults, path: ['defaults'] });
  if (includeFunctions)
    for (const f of resolver.functionEntries)
      if (isMap(f.value)) out.push({ map: f.value, path: ['functions', f.key] });
  for (const s of resolver.declaredStages()) {
    if (!isMap(s.value)) continue;
    const d = findEntry(s.value, 'defaults', aliases)?.value ?? null;
    if (isMap(d)) out.push({ map: d, path: ['stages', s.key, 'defaults'] });
    const fns = findEntry(s.value, 'functions', aliases)?.value ?? null;
    if (isMap(fns)) {
      for (const f of entriesOf(fns, aliases))
        if (isMap(f.value)) out.push({ map: f.value, path: ['stages', s.key, 'functions', f.key] });
    }
  }
  return out;
}

export function checkSettings(map: YAMLMap, path: Path, ctx: SemanticContext): void {
  for (const e of entriesOf(map, ctx.aliases)) {
    if (e.merged) continue;
    if (e.key === 'runtime') checkRuntime(e, [...path, 'runtime'], ctx);
    else if (e.key === 'environment' && isMap(e.value))
      checkEnvironmentKeys(e.value, [...path, 'environment'], ctx);
    else if (e.key === 'events' && isSeq(e.value))
      checkEvents(e.value.items as Node[], [...path, 'events'], ctx);
  }
}

const FAMILY_PREFIX: [RegExp, RuntimeInfo['family']][] = [
  [/^node/i, 'nodejs'],
  [/^py/i, 'python'],
  [/^java/i, 'java'],
  [/^(dotnet|\.net|net)/i, 'dotnet'],
  [/^ruby/i, 'ruby'],
  [/^(provided|go|rust|custom)/i, 'provided'],
];

function checkRuntime(e: Entry, path: Path, ctx: SemanticContext): void {
  const id = stringOf(e.value);
  if (id === undefined) return; // the structural check reports the type
  const range = ctx.sink.rangeOf(e.value);
  const info = findRuntime(id);
  if (!info) {
    const current = RUNTIMES.filter((r) => runtimeStatus(r, ctx.today) !== 'blocked').map(
      (r) => r.id,
    );
    let guess =
      closest(id, current) ??
      closest(
        id,
        RUNTIMES.map((r) => r.id),
      );
    if (!guess) {
      const family = FAMILY_PREFIX.find(([re]) => re.test(id))?.[1];
      guess = family ? current.find((r) => findRuntime(r)?.family === family) : undefined;
    }
    ctx.sink.add(
      'runtime-unknown',
      'error',
      `Unknown runtime '${id}'.${guess ? ` Did you mean '${guess}'?` : ''} Current runtimes: ${current.join(', ')}.`,
      range,
      path,
      guess
        ? [{ title: `Change to '${guess}'`, edits: [{ range, newText: guess }], preferred: true }]
        : undefined,
    );
    return;
  }
  const status = runtimeStatus(info, ctx.today);
  if (status === 'supported') return;
  const to = info.successor ?? RUNTIMES.find((r) => r.family === info.family)?.id;
  const fix = to
    ? [{ title: `Move to ${to}`, edits: [{ range, newText: to }], preferred: true }]
    : undefined;
  const move = to ? ` Move to ${to}.` : '';
  if (status === 'blocked') {
    ctx.sink.add(
      'runtime-deprecated',
      'error',
      `${id} reached end of support on ${info.deprecated}; Lambda refuses to create or update functions on it since ${info.blockUpdate}.${move}`,
      range,
      path,
      fix,
    );
  } else if (status === 'deprecated') {
    const blocked =
      info.blockCreate && ctx.today >= info.blockCreate
        ? 'new functions are refused since'
        : 'new functions are refused from';
    ctx.sink.add(
      'runtime-deprecated',
      'warning',
      `${id} reached end of support on ${info.deprecated}: no more security patches; ${blocked} ${info.blockCreate} and updates from ${info.blockUpdate}.${move}`,
      range,
      path,
      fix,
    );
  } else {
    ctx.sink.add(
      'runtime-deprecation-soon',
      'information',
      `${id} reaches end of support on ${info.deprecated}.${move}`,
      range,
      path,
      fix,
    );
  }
}

function checkEnvironmentKeys(env: YAMLMap, path: Path, ctx: SemanticContext): void {
  for (const e of entriesOf(env, ctx.aliases)) {
    if (e.merged) continue;
    if (RESERVED_ENVIRONMENT_KEYS.has(e.key)) {
      ctx.sink.add(
        'env-reserved',
        'error',
        `${e.key} is set by the Lambda runtime itself and cannot be configured; Lambda refuses the function. Remove it or use another name.`,
        e.keyNode,
        [...path, e.key],
      );
    } else if (!ENVIRONMENT_KEY.test(e.key)) {
      const suggestion = e.key.replace(/[^a-zA-Z0-9_]/g, '_').replace(/^[^a-zA-Z]+/, '');
      const valid = ENVIRONMENT_KEY.test(suggestion) && !RESERVED_ENVIRONMENT_KEYS.has(suggestion);
      const range = ctx.sink.rangeOf(e.keyNode);
      ctx.sink.add(
        'env-key-invalid',
        'error',
        `Environment variable name '${e.key}' is not allowed: Lambda wants a letter followed by at least one letter, digit or underscore.`,
        range,
        [...path, e.key],
        valid
          ? [{ title: `Rename to ${suggestion}`, edits: [{ range, newText: suggestion }] }]
          : undefined,
      );
    }
  }
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'];

function checkEvents(items: Node[], path: Path, ctx: SemanticContext): void {
  items.forEach((item, i) => {
    if (!isMap(item)) return;
    for (const e of entriesOf(item, ctx.aliases)) {
      const p = [...path, i, e.key];
      if (e.key === 'http') {
        const text = stringOf(e.value);
        if (text !== undefined) checkHttpShorthand(text, e.value!, p, ctx);
      } else if (e.key === 'schedule') {
        let node = e.value;
        let at = p;
        if (isMap(node)) {
          const ex = findEntry(node, 'expression', ctx.aliases);
          node = ex?.value ?? null;
          at = [...p, 'expression'];
        }
        const expr = stringOf(node);
        if (expr === undefined) continue;
        const err = scheduleError(expr);
        if (err) ctx.sink.add('schedule-invalid', 'error', err, node, at);
      }
    }
  });
}

function checkHttpShorthand(text: string, node: Node, path: Path, ctx: SemanticContext): void {
  const m = /^(\S+)(?:\s+(\S*))?$/.exec(text.trim());
  const method = m?.[1] ?? '';
  const route = m?.[2];
  const range = ctx.sink.rangeOf(node);
  if (!METHODS.includes(method)) {
    const guess = closest(method, METHODS);
    ctx.sink.add(
      'http-method-invalid',
      'error',
      `'${method}' is not an HTTP method here; use one of ${METHODS.join(', ')}, e.g. 'GET /hello'.`,
      range,
      path,
      guess && route?.startsWith('/')
        ? [
            {
              title: `Change to '${guess} ${route}'`,
              edits: [{ range, newText: `${guess} ${route}` }],
              preferred: true,
            },
          ]
        : undefined,
    );
  } else if (!route || !route.startsWith('/')) {
    ctx.sink.add(
      'http-path-invalid',
      'error',
      `The HTTP path in '${text}' must start with '/', e.g. '${method} /hello'.`,
      range,
      path,
    );
  }
}

/** Overrides under `stages.<s>.functions` must name declared functions. */
export function checkStageReferences(resolver: Resolver, ctx: SemanticContext): void {
  const declared = new Set(resolver.functionEntries.map((e) => e.key));
  for (const s of resolver.declaredStages()) {
    if (!FUNCTION_NAME.test(s.key)) {
      ctx.sink.add(
        'stage-name-invalid',
        'error',
        `Stage name '${s.key}' may only hold letters, digits, '-' and '_' (it becomes part of each function's name).`,
        s.keyNode,
        ['stages', s.key],
      );
    }
    if (!isMap(s.value)) continue;
    const fns = findEntry(s.value, 'functions', ctx.aliases)?.value ?? null;
    if (!isMap(fns)) continue;
    for (const f of entriesOf(fns, ctx.aliases)) {
      if (declared.has(f.key) || f.key.startsWith('x-')) continue;
      const guess = closest(f.key, declared);
      const range = ctx.sink.rangeOf(f.keyNode);
      ctx.sink.add(
        'stage-unknown-function',
        'error',
        `Stage '${s.key}' overrides '${f.key}', which is not declared under functions.${guess ? ` Did you mean '${guess}'?` : ''}`,
        range,
        ['stages', s.key, 'functions', f.key],
        guess
          ? [{ title: `Change to '${guess}'`, edits: [{ range, newText: guess }], preferred: true }]
          : undefined,
      );
    }
  }
}

/**
 * Checks on one function as resolved for one stage. Every declared stage is checked; to say
 * each thing once, the runtime and handler are judged in the chosen stage and the name length
 * in the stage with the longest name.
 */
export function checkResolved(
  fn: ResolvedFunction,
  service: string | undefined,
  stage: string,
  ctx: SemanticContext,
  role: { chosen: boolean; longestName: boolean },
): void {
  const { spec, origins } = fn;
  const fnPath: Path = ['functions', spec.key];
  if (!FUNCTION_NAME.test(spec.key)) {
    ctx.sink.add(
      'name-invalid',
      'error',
      `Function name '${spec.key}' may only hold letters, digits, '-' and '_': it becomes part of the deployed Lambda name.`,
      fn.keyNode,
      fnPath,
    );
  } else if (role.longestName && service !== undefined && spec.name.length > LIMITS.functionName) {
    ctx.sink.add(
      'name-too-long',
      'error',
      `In stage '${stage}', function '${spec.key}' deploys as '${spec.name}' (${spec.name.length} characters); Lambda allows ${LIMITS.functionName}. Shorten the service, stage or function name.`,
      fn.keyNode,
      fnPath,
    );
  }
  if (role.chosen && !spec.runtime) {
    ctx.sink.add(
      'runtime-missing',
      'error',
      `Function '${spec.key}' has no runtime: set functions.${spec.key}.runtime or defaults.runtime, e.g. nodejs22.x.`,
      fn.keyNode,
      [...fnPath, 'runtime'],
    );
  }
  const info = findRuntime(spec.runtime);
  const handler = origins.handler;
  // A handler over the length limit is already reported; its shape is not worth a regex run.
  if (role.chosen && info && handler && spec.handler && spec.handler.length <= LIMITS.handler) {
    const err = handlerFormatError(spec.handler, info.family);
    if (err)
      ctx.sink.add(
        'handler-format',
        'error',
        `${err} (runtime ${spec.runtime})`,
        handler.node,
        handler.path,
      );
  }
  if (spec.logFormat !== 'JSON') {
    for (const field of ['applicationLogLevel', 'systemLogLevel'] as const) {
      const at = origins[field];
      if (spec[field] === undefined || !at) continue;
      ctx.sink.add(
        'log-level-text',
        'error',
        `In stage '${stage}', '${spec.key}' sets ${field} ${spec.logFormat ? 'with logFormat Text' : 'without logFormat'}; Lambda takes log levels only for JSON logs. Set logFormat: JSON, or remove ${field}.`,
        at.keyNode,
        at.path,
      );
    }
  }
  const bytes = environmentBytes(spec.environment);
  if (bytes > LIMITS.environmentBytes) {
    const at = origins.environment;
    ctx.sink.add(
      'env-too-large',
      'error',
      `In stage '${stage}', the environment of '${spec.key}' takes ${bytes} bytes (keys and values, after merging defaults); Lambda allows ${LIMITS.environmentBytes}. Move large values to a parameter store or a file.`,
      at?.keyNode ?? fn.keyNode,
      at?.path ?? [...fnPath, 'environment'],
    );
  }
}

/** Two functions answering the same route would shadow each other on the local cloud. */
export function checkRouteConflicts(functions: ResolvedFunction[], ctx: SemanticContext): void {
  const seen = new Map<string, string>();
  for (const fn of functions) {
    for (const [i, ev] of fn.spec.events.entries()) {
      if (ev.type !== 'http') continue;
      const route = `${ev.method} ${ev.path}`;
      const owner = seen.get(route);
      if (owner === undefined) {
        seen.set(route, fn.spec.key);
        continue;
      }
      if (owner === fn.spec.key) continue;
      const at = fn.origins.events;
      const item = at && isSeq(at.node) ? (at.node.items[i] as Node) : undefined;
      const http = isMap(item) ? findEntry(item, 'http', ctx.aliases)?.value : undefined;
      const node = http ?? item ?? at?.keyNode ?? fn.keyNode;
      ctx.sink.add(
        'http-route-conflict',
        'warning',
        `${route} is already served by '${owner}'; only one function can answer a route.`,
        node,
        [...(at?.path ?? ['functions', fn.spec.key, 'events']), i],
      );
    }
  }
}
