// The manifest's JSON Schema: the single source for structure, limits and documentation. The
// checker walks it (a subset of draft-07), hover reads its descriptions, and the extension
// contributes the same file to other YAML tooling through `yamlValidation`.
import schemaJson from './flourish.schema.json';

export interface Schema {
  $ref?: string;
  title?: string;
  description?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  patternProperties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  propertyNames?: Schema;
  required?: string[];
  minProperties?: number;
  maxProperties?: number;
  items?: Schema;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  patternErrorMessage?: string;
  /** A Flourish check reports this more precisely than the pattern can; the walker skips it. */
  'x-flourish-semantic'?: boolean;
  oneOf?: Schema[];
  anyOf?: Schema[];
  definitions?: Record<string, Schema>;
}

export const manifestSchema: object = schemaJson;

const root = schemaJson as Schema;

/** Follows `$ref`s (only local `#/definitions/x` ones are used). */
export function deref(schema: Schema): Schema {
  let s = schema;
  for (let i = 0; s.$ref && i < 8; i++) {
    const name = s.$ref.replace('#/definitions/', '');
    const target = root.definitions?.[name];
    if (!target) break;
    s = target;
  }
  return s;
}

export function rootSchema(): Schema {
  return root;
}

const regexCache = new Map<string, RegExp>();

export function regex(pattern: string): RegExp {
  let r = regexCache.get(pattern);
  if (!r) {
    r = new RegExp(pattern, 'u');
    regexCache.set(pattern, r);
  }
  return r;
}

/** The schema a property of `schema` is validated against, or undefined if it is not allowed. */
export function propertySchema(schema: Schema, key: string): Schema | undefined {
  const s = deref(schema);
  const own = s.properties?.[key];
  if (own) return own;
  for (const [pattern, sub] of Object.entries(s.patternProperties ?? {})) {
    if (regex(pattern).test(key)) return sub;
  }
  if (typeof s.additionalProperties === 'object') return s.additionalProperties;
  return undefined;
}

/** The branches a value may take: `oneOf`/`anyOf` alternatives, or the schema itself. */
export function branches(schema: Schema): Schema[] {
  const s = deref(schema);
  const alts = s.oneOf ?? s.anyOf;
  return alts ? alts.map(deref) : [s];
}

/**
 * The schema at a key path (numbers step into arrays), e.g. ['functions', 'hello', 'memory'].
 * Where alternatives exist, the object-shaped one is followed.
 */
export function schemaAt(path: readonly (string | number)[]): Schema | undefined {
  let s: Schema | undefined = root;
  for (const seg of path) {
    if (!s) return undefined;
    const alts = branches(s);
    const next: Schema | undefined =
      typeof seg === 'number'
        ? alts.find((a) => a.items)?.items
        : alts.map((a) => propertySchema(a, seg)).find((x) => x !== undefined);
    s = next;
  }
  return s ? s : undefined;
}
