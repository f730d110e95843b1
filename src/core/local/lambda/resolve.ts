// Turns the FunctionName / Qualifier a caller sent (name, name:qualifier, partial or full ARN)
// into the stored function and the version it means, as Lambda resolves them.
import { invalidParameter, notFound } from '../http/errors';
import {
  functionArn,
  type AliasRecord,
  type CloudState,
  type FunctionRecord,
  type Identity,
  type VersionRecord,
} from './model';

const NAME_PATTERN =
  /^(?:arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:|(\d{12}):function:)?([a-zA-Z0-9-_.]+)(?::(\$LATEST|[a-zA-Z0-9-_]+))?$/;

export interface ParsedName {
  name: string;
  qualifier?: string;
}

export function parseFunctionName(
  identity: Identity,
  raw: string,
  qualifierParam?: string,
): ParsedName {
  const match = NAME_PATTERN.exec(raw);
  if (!match || raw.length > 170) {
    throw invalidParameter(
      `1 validation error detected: Value '${raw}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`,
    );
  }
  const [, region, account, partialAccount, name, fromName] = match;
  if (
    (region !== undefined && region !== identity.region) ||
    ((account ?? partialAccount) !== undefined &&
      (account ?? partialAccount) !== identity.accountId)
  ) {
    throw notFound(`Function not found: ${raw}`);
  }
  if (fromName !== undefined && qualifierParam !== undefined && fromName !== qualifierParam) {
    throw invalidParameter(
      'The derived qualifier from the function name does not match the specified qualifier.',
    );
  }
  const qualifier = qualifierParam ?? fromName;
  return qualifier === undefined ? { name: name! } : { name: name!, qualifier };
}

export interface Resolved {
  fn: FunctionRecord;
  /** What the caller named; undefined means unqualified ($LATEST). */
  qualifier?: string;
  record: VersionRecord;
  alias?: AliasRecord;
}

export function findFunction(state: CloudState, identity: Identity, name: string): FunctionRecord {
  const fn = state.functions[name];
  if (!fn) throw notFound(`Function not found: ${functionArn(identity, name)}`);
  return fn;
}

/** Resolves to one version; an alias resolves to its primary version (routing is the invoker's). */
export function resolveQualified(
  state: CloudState,
  identity: Identity,
  raw: string,
  qualifierParam?: string,
): Resolved {
  const { name, qualifier } = parseFunctionName(identity, raw, qualifierParam);
  const fn = findFunction(state, identity, name);
  if (qualifier === undefined || qualifier === '$LATEST') {
    return qualifier === undefined
      ? { fn, record: fn.latest }
      : { fn, qualifier, record: fn.latest };
  }
  const version = fn.versions[qualifier];
  if (version) return { fn, qualifier, record: version };
  const alias = fn.aliases[qualifier];
  if (alias) {
    const target =
      alias.functionVersion === '$LATEST' ? fn.latest : fn.versions[alias.functionVersion];
    if (target) return { fn, qualifier, record: target, alias };
  }
  throw notFound(`Function not found: ${functionArn(identity, name, qualifier)}`);
}

export function versionRecord(fn: FunctionRecord, version: string): VersionRecord | undefined {
  return version === '$LATEST' ? fn.latest : fn.versions[version];
}
