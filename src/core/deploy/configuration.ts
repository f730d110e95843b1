// What a function's configuration should be, how two configurations differ field by field,
// and a short fingerprint of one that a published version carries in its description.
import { createHash } from 'node:crypto';
import { loggingSettings, type FunctionConfiguration } from '../cloud/provider';
import type { FunctionSpec, Manifest } from '../manifest/types';
import { DeployError } from './errors';

/** One field that differs; `environment.NAME` for a single variable. */
export interface FieldDifference {
  field: string;
  /** The value now deployed; undefined when absent or unknown. */
  from?: string | number;
  /** The value it will have (or, for drift, the value found). */
  to?: string | number;
}

/**
 * The configuration the manifest asks for. A function that names no role keeps the role it
 * has; a new one gets the provider's default, and without either deploy stops here. A function
 * that names no logFormat keeps the logging it has (Text for a new one).
 */
export function desiredConfiguration(
  manifest: Manifest,
  fn: FunctionSpec,
  deployedRole: string | undefined,
  defaultRole: string | undefined,
  deployed?: FunctionConfiguration,
): FunctionConfiguration {
  const role = fn.role ?? manifest.provider.role ?? deployedRole ?? defaultRole;
  if (!role) {
    throw new DeployError(
      `Function "${fn.key}" has no execution role, and AWS Lambda needs one to create it: set provider.role (or functions.${fn.key}.role) in ${manifest.file} to an IAM role ARN`,
      { code: 'missing-role', functionKey: fn.key },
    );
  }
  const logging = fn.logFormat ? fn : deployed;
  return {
    handler: fn.handler,
    runtime: fn.runtime,
    memory: fn.memory,
    timeout: fn.timeout,
    architecture: fn.architecture,
    environment: { ...fn.environment },
    ephemeralStorage: fn.ephemeralStorage,
    ...loggingSettings(logging?.logFormat, logging?.applicationLogLevel, logging?.systemLogLevel),
    role,
    description: fn.description ?? '',
  };
}

type ScalarField = Exclude<keyof FunctionConfiguration, 'environment'>;

const SCALAR_FIELDS: ScalarField[] = [
  'handler',
  'runtime',
  'memory',
  'timeout',
  'architecture',
  'ephemeralStorage',
  'logFormat',
  'applicationLogLevel',
  'systemLogLevel',
  'role',
  'description',
];

/**
 * The differences from `actual` to `wanted`, scalar fields first, then one entry per added,
 * changed or removed environment variable (sorted by name).
 */
export function diffConfiguration(
  actual: FunctionConfiguration,
  wanted: FunctionConfiguration,
  options: { ignore?: (keyof FunctionConfiguration)[] } = {},
): FieldDifference[] {
  const ignore = new Set(options.ignore ?? []);
  const out: FieldDifference[] = [];
  for (const field of SCALAR_FIELDS) {
    if (ignore.has(field)) continue;
    if (actual[field] !== wanted[field]) {
      out.push({ field, from: actual[field], to: wanted[field] });
    }
  }
  if (!ignore.has('environment'))
    out.push(...diffRecords('environment', actual.environment, wanted.environment));
  return out;
}

/** Per-key differences of two string maps, as `<prefix>.<key>`. */
export function diffRecords(
  prefix: string,
  actual: Record<string, string>,
  wanted: Record<string, string>,
): FieldDifference[] {
  const keys = [...new Set([...Object.keys(actual), ...Object.keys(wanted)])].sort();
  const out: FieldDifference[] = [];
  for (const key of keys) {
    const from = Object.hasOwn(actual, key) ? actual[key] : undefined;
    const to = Object.hasOwn(wanted, key) ? wanted[key] : undefined;
    if (from !== to) out.push({ field: `${prefix}.${key}`, from, to });
  }
  return out;
}

/**
 * A 16-hex-digit digest of a configuration. A published version's own Description is
 * Flourish's metadata, so the version cannot show the function's description; the
 * fingerprint still covers it, which is how a changed description is noticed.
 */
export function configurationFingerprint(c: FunctionConfiguration): string {
  const canonical = JSON.stringify([
    c.handler,
    c.runtime,
    c.memory,
    c.timeout,
    c.architecture,
    Object.keys(c.environment)
      .sort()
      .map((k) => [k, c.environment[k]]),
    c.ephemeralStorage,
    c.role,
    c.description,
    // Only JSON logs add to it, so a fingerprint made before logging was kept stays valid.
    ...(c.logFormat === 'JSON' ? [[c.logFormat, c.applicationLogLevel, c.systemLogLevel]] : []),
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
