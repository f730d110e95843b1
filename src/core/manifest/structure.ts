// Structural validation: walks the YAML nodes alongside the JSON Schema and reports wrong
// types, unknown keys (with "did you mean"), missing keys, enum values, ranges and patterns.
import { isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import { closest } from './similar';
import { branches, deref, regex, type Schema } from './schema';
import { ProblemSink, showPath, type Path } from './problems';
import {
  AliasBudget,
  deref as derefNode,
  entriesOf,
  jsonTypeOf,
  type JsonType,
} from './yaml-nodes';

export interface StructureContext {
  sink: ProblemSink;
  aliases: AliasBudget;
}

const MAX_DEPTH = 64;

/**
 * Validates `node` against `schema`. `holder` is the node to point at when the value itself is
 * missing (the key of an empty value, or the parent map for a missing required key).
 */
export function validateNode(
  node: Node | null,
  schema: Schema,
  path: Path,
  holder: Node | null,
  ctx: StructureContext,
  depth = 0,
): void {
  if (depth > MAX_DEPTH) return;
  const type = jsonTypeOf(node);
  const alts = branches(schema);
  const chosen = alts.find((a) => typeMatches(a.type, type));
  if (!chosen) {
    const expected = describeTypes(alts);
    if (type === 'null') {
      ctx.sink.add(
        'missing-value',
        'error',
        `${showPath(path)} has no value: expected ${expected}.`,
        holder ?? node,
        path,
      );
    } else {
      ctx.sink.add(
        'wrong-type',
        'error',
        `${showPath(path)} should be ${expected}, not ${article(type)}.`,
        node,
        path,
      );
    }
    return;
  }
  if (type === 'object') validateMap(node as YAMLMap, chosen, path, holder, ctx, depth);
  else if (type === 'array' && isSeq(node)) {
    if (chosen.items) {
      // One path array for the whole walk: the sink copies it only when it reports.
      node.items.forEach((item, i) => {
        const child = item as Node | null;
        path.push(i);
        validateNode(resolveItem(child, ctx), chosen.items!, path, child ?? node, ctx, depth + 1);
        path.pop();
      });
    }
  } else if (isScalar(node)) validateScalar(node, chosen, path, ctx);
}

function resolveItem(node: Node | null, ctx: StructureContext): Node | null {
  return derefNode(node, ctx.aliases);
}

function validateMap(
  map: YAMLMap,
  s: Schema,
  path: Path,
  holder: Node | null,
  ctx: StructureContext,
  depth: number,
): void {
  const schema = deref(s);
  for (const pair of map.items as Pair<unknown, unknown>[]) {
    if (!isScalar(pair.key) && pair.key !== null) {
      ctx.sink.add(
        'invalid-key',
        'error',
        `Keys in ${showPath(path)} must be plain names, not ${article(jsonTypeOf(pair.key as Node))}.`,
        pair.key as Node,
        path,
      );
    }
  }
  const entries = entriesOf(map, ctx.aliases);
  const props = schema.properties ?? {};
  const patterns = schema.patternProperties ?? {};
  for (const e of entries) {
    let sub: Schema | undefined = props[e.key];
    if (!sub) {
      for (const p in patterns) if (regex(p).test(e.key)) sub = patterns[p];
    }
    if (!sub && typeof schema.additionalProperties === 'object') sub = schema.additionalProperties;
    if (!sub) {
      if (schema.additionalProperties === false && !e.merged)
        unknownKey(e.keyNode, e.key, Object.keys(props), path, ctx);
      continue;
    }
    if (
      schema.propertyNames?.maxLength !== undefined &&
      e.key.length > schema.propertyNames.maxLength
    ) {
      ctx.sink.add(
        'value-too-long',
        'error',
        `The key '${short(e.key)}' in ${showPath(path)} is ${e.key.length} characters long; the limit is ${schema.propertyNames.maxLength}.`,
        e.keyNode,
        [...path, e.key],
      );
    }
    path.push(e.key);
    validateNode(e.value, sub, path, e.keyNode, ctx, depth + 1);
    path.pop();
  }
  for (const name of schema.required ?? []) {
    if (!entries.some((e) => e.key === name)) {
      const where = path.length === 0 ? 'The manifest' : showPath(path);
      ctx.sink.add(
        'missing-required',
        'error',
        `${where} is missing the required key '${name}'.`,
        holder ?? firstKey(map) ?? map,
        [...path, name],
      );
    }
  }
  if (schema.maxProperties !== undefined && entries.length > schema.maxProperties) {
    const noun = schema.maxProperties === 1 ? 'one key' : `${schema.maxProperties} keys`;
    ctx.sink.add(
      'too-many-keys',
      'error',
      `${showPath(path)} has ${entries.length} keys; it takes at most ${noun}${schema.maxProperties === 1 ? ' (write each on its own list item)' : ''}.`,
      holder ?? map,
      path,
    );
  }
  if (schema.minProperties !== undefined && entries.length < schema.minProperties) {
    ctx.sink.add(
      'missing-value',
      'error',
      `${showPath(path)} is empty; expected one of: ${Object.keys(props).join(', ')}.`,
      holder ?? map,
      path,
    );
  }
}

function firstKey(map: YAMLMap): Node | null {
  const first = map.items[0] as Pair<unknown, unknown> | undefined;
  return (first?.key as Node | undefined) ?? null;
}

function unknownKey(
  keyNode: Node,
  key: string,
  known: string[],
  path: Path,
  ctx: StructureContext,
): void {
  const guess = closest(key, known);
  const where = path.length === 0 ? 'at the top level' : `in ${showPath(path)}`;
  const message = guess
    ? `Unknown key '${short(key)}' ${where}. Did you mean '${guess}'?`
    : `Unknown key '${short(key)}' ${where}. Expected one of: ${known.join(', ')}.`;
  const range = ctx.sink.rangeOf(keyNode);
  ctx.sink.add(
    'unknown-key',
    'error',
    message,
    range,
    [...path, key],
    guess
      ? [{ title: `Change to '${guess}'`, edits: [{ range, newText: guess }], preferred: true }]
      : undefined,
  );
}

function validateScalar(node: Node, schema: Schema, path: Path, ctx: StructureContext): void {
  const value = (node as { value?: unknown }).value;
  if (schema.enum && !schema.enum.includes(value)) {
    const range = ctx.sink.rangeOf(node);
    const options = schema.enum.map(String);
    const guess = typeof value === 'string' ? closest(value, options) : undefined;
    ctx.sink.add(
      'invalid-value',
      'error',
      `${showPath(path)} is '${short(String(value))}'; expected one of: ${options.join(', ')}.${guess ? ` Did you mean '${guess}'?` : ''}`,
      range,
      path,
      guess
        ? [{ title: `Change to '${guess}'`, edits: [{ range, newText: guess }], preferred: true }]
        : undefined,
    );
    return;
  }
  if (typeof value === 'number') {
    if (
      (schema.minimum !== undefined && value < schema.minimum) ||
      (schema.maximum !== undefined && value > schema.maximum)
    ) {
      const range = ctx.sink.rangeOf(node);
      const clamp =
        schema.minimum !== undefined && value < schema.minimum ? schema.minimum : schema.maximum!;
      ctx.sink.add(
        'out-of-range',
        'error',
        `${showPath(path)} is ${value}; Lambda accepts ${schema.minimum} to ${schema.maximum}.`,
        range,
        path,
        [{ title: `Change to ${clamp}`, edits: [{ range, newText: String(clamp) }] }],
      );
    }
  } else if (typeof value === 'string') {
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      ctx.sink.add(
        'value-too-long',
        'error',
        `${showPath(path)} is ${value.length} characters long; the limit is ${schema.maxLength}.`,
        node,
        path,
      );
    } else if (schema.minLength !== undefined && value.length < schema.minLength) {
      ctx.sink.add('missing-value', 'error', `${showPath(path)} is empty.`, node, path);
    } else if (
      schema.pattern &&
      !schema['x-flourish-semantic'] &&
      !regex(schema.pattern).test(value)
    ) {
      const why = schema.patternErrorMessage ?? `It must match ${schema.pattern}.`;
      ctx.sink.add(
        'invalid-format',
        'error',
        `${showPath(path)} is '${short(value)}'. ${why}`,
        node,
        path,
      );
    }
  }
}

function typeMatches(expected: string | string[] | undefined, actual: JsonType): boolean {
  if (expected === undefined) return true;
  const list = Array.isArray(expected) ? expected : [expected];
  return list.some((t) => t === actual || (t === 'number' && actual === 'integer'));
}

function describeTypes(alts: Schema[]): string {
  const names = new Set<string>();
  for (const a of alts) {
    const t = a.type === undefined ? ['any value'] : Array.isArray(a.type) ? a.type : [a.type];
    for (const x of t) names.add(article(x as JsonType));
  }
  return [...names].join(' or ');
}

function article(t: JsonType | string): string {
  switch (t) {
    case 'object':
      return 'a map (key: value lines)';
    case 'array':
      return 'a list (- item lines)';
    case 'integer':
      return 'a whole number';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'null':
      return 'an empty value';
    case 'string':
      return 'text';
    default:
      return t;
  }
}

function short(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
