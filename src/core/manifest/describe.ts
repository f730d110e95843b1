// Hover text for a key, straight from the JSON Schema's descriptions.
import { currentRuntimes, isoDay } from './runtimes';
import { branches, schemaAt, type Schema } from './schema';

export interface KeyDescription {
  title: string;
  description: string;
  limits?: string;
  values?: string[];
}

export function describeKey(
  path: (string | number)[],
  now: Date = new Date(),
): KeyDescription | undefined {
  const schema = schemaAt(path);
  if (!schema) return undefined;
  const alts = branches(schema);
  const description = schema.description ?? alts.find((a) => a.description)?.description;
  if (!description) return undefined;
  const last = [...path].reverse().find((s) => typeof s === 'string') as string | undefined;
  const out: KeyDescription = { title: last ?? 'flourish.yaml', description };
  const limits = alts.map(limitsOf).find((l) => l !== undefined);
  if (limits) out.limits = limits;
  const values = alts.find((a) => a.enum)?.enum?.map(String);
  if (values) out.values = values;
  else if (last === 'runtime') out.values = currentRuntimes(isoDay(now)).map((r) => r.id);
  return out;
}

function limitsOf(s: Schema): string | undefined {
  if (s.minimum !== undefined && s.maximum !== undefined) return `${s.minimum} to ${s.maximum}`;
  if (s.maxLength !== undefined) return `at most ${s.maxLength} characters`;
  if (s.maxProperties !== undefined) return `at most ${s.maxProperties} entries`;
  return undefined;
}
