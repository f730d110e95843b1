// What the local cloud keeps about each function, and how it is rendered in Lambda's shapes.
import type { JsonLogging } from '../execution/contract';
import type { RoleRecord } from '../iam/model';
import type { ScheduleRecord } from '../scheduler/model';
import type { FunctionUrlRecord } from '../urls/model';
import type { PolicyRecord } from '../urls/permissions';

export type FunctionState = 'Pending' | 'Active' | 'Inactive' | 'Failed';
export type LastUpdateStatus = 'Successful' | 'Failed' | 'InProgress';

/**
 * Settings kept as they were sent (see settings.ts); absent means Lambda's default. Kept only
 * when not the default, so a function saved before they existed compares equal.
 */
export interface KeptSettings {
  tracing?: 'Active';
  snapStart?: 'PublishedVersions';
  /** LoggingConfig LogFormat JSON, with its levels; absent means Text. */
  jsonLogging?: JsonLogging;
}

/** The part of a function that a version freezes: code plus configuration. */
export interface VersionedConfig extends KeptSettings {
  runtime: string;
  role: string;
  handler: string;
  description: string;
  timeout: number;
  memorySize: number;
  environment: Record<string, string>;
  ephemeralStorage: number;
  architecture: 'x86_64' | 'arm64';
  codeSha256Hex: string;
  codeSha256: string;
  codeSize: number;
}

export interface VersionRecord extends VersionedConfig {
  /** `$LATEST` or a number as a string. */
  version: string;
  lastModified: string;
  revisionId: string;
  state: FunctionState;
  stateReason?: string;
  stateReasonCode?: string;
  lastUpdateStatus?: LastUpdateStatus;
  lastUpdateStatusReason?: string;
  lastUpdateStatusReasonCode?: string;
}

export interface AliasRecord {
  name: string;
  functionVersion: string;
  description: string;
  /** Extra versions and the share (0-1) of invocations each receives. */
  additionalVersionWeights?: Record<string, number>;
  revisionId: string;
}

export interface FunctionRecord {
  name: string;
  latest: VersionRecord;
  versions: Record<string, VersionRecord>;
  aliases: Record<string, AliasRecord>;
  tags: Record<string, string>;
  /** Versions are never reused, even after one is deleted. */
  nextVersion: number;
  /**
   * What unqualified invocations run while an update of $LATEST is in progress or after it
   * failed: the last settled $LATEST, as on Lambda.
   */
  serving?: VersionRecord;
  /** Function URLs by qualifier (`$LATEST` or an alias); see ../urls. */
  urls?: Record<string, FunctionUrlRecord>;
  /** Resource-based policies by qualifier (`$LATEST` for the function); see ../urls. */
  policies?: Record<string, PolicyRecord>;
}

export interface CloudState {
  formatVersion: 1;
  functions: Record<string, FunctionRecord>;
  /** EventBridge Scheduler schedules by `group/name`; see ../scheduler. */
  schedules?: Record<string, ScheduleRecord>;
  /** IAM roles by name; see ../iam. */
  roles?: Record<string, RoleRecord>;
}

export interface Identity {
  region: string;
  accountId: string;
}

export const VERSIONED_KEYS: (keyof VersionedConfig)[] = [
  'runtime',
  'role',
  'handler',
  'description',
  'timeout',
  'memorySize',
  'environment',
  'ephemeralStorage',
  'architecture',
  'codeSha256Hex',
  'codeSha256',
  'codeSize',
  'tracing',
  'snapStart',
  'jsonLogging',
];

export function pickVersioned(record: VersionedConfig): VersionedConfig {
  const out = {} as Record<string, unknown>;
  for (const key of VERSIONED_KEYS) out[key] = structuredClone(record[key]);
  return out as unknown as VersionedConfig;
}

/** Whether code and configuration match; a version's own description does not count. */
export function sameVersionedConfig(a: VersionedConfig, b: VersionedConfig): boolean {
  const comparable = (c: VersionedConfig): string =>
    JSON.stringify({ ...pickVersioned(c), description: '' });
  return comparable(a) === comparable(b);
}

export function functionArn(identity: Identity, name: string, qualifier?: string): string {
  const base = `arn:aws:lambda:${identity.region}:${identity.accountId}:function:${name}`;
  return qualifier === undefined ? base : `${base}:${qualifier}`;
}

/** Lambda's LastModified format: `2024-05-01T12:00:00.000+0000`. */
export function lambdaTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export function logGroupName(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/**
 * FunctionConfiguration as the SDK's model declares it. `qualifiedArn`: false for the bare
 * ARN, true for the version's ARN, or the qualifier the caller named (an alias keeps its name).
 */
export function renderConfiguration(
  identity: Identity,
  fn: FunctionRecord,
  record: VersionRecord,
  qualifiedArn: boolean | string,
): Record<string, unknown> {
  const qualifier =
    typeof qualifiedArn === 'string' ? qualifiedArn : qualifiedArn ? record.version : undefined;
  return omitUndefined({
    FunctionName: fn.name,
    FunctionArn: functionArn(identity, fn.name, qualifier),
    Runtime: record.runtime,
    Role: record.role,
    Handler: record.handler,
    CodeSize: record.codeSize,
    Description: record.description,
    Timeout: record.timeout,
    MemorySize: record.memorySize,
    LastModified: record.lastModified,
    CodeSha256: record.codeSha256,
    Version: record.version,
    Environment: { Variables: record.environment },
    RevisionId: record.revisionId,
    State: record.state,
    StateReason: record.stateReason,
    StateReasonCode: record.stateReasonCode,
    LastUpdateStatus: record.lastUpdateStatus,
    LastUpdateStatusReason: record.lastUpdateStatusReason,
    LastUpdateStatusReasonCode: record.lastUpdateStatusReasonCode,
    PackageType: 'Zip',
    Architectures: [record.architecture],
    EphemeralStorage: { Size: record.ephemeralStorage },
    ...renderSettings(record, record.version),
    LoggingConfig: record.jsonLogging
      ? {
          LogFormat: 'JSON',
          ApplicationLogLevel: record.jsonLogging.applicationLogLevel,
          SystemLogLevel: record.jsonLogging.systemLogLevel,
          LogGroup: logGroupName(fn.name),
        }
      : { LogFormat: 'Text', LogGroup: logGroupName(fn.name) },
  });
}

function renderSettings(kept: KeptSettings, version: string): Record<string, unknown> {
  return {
    TracingConfig: { Mode: kept.tracing ?? 'PassThrough' },
    SnapStart: {
      ApplyOn: kept.snapStart ?? 'None',
      // A snapshot is taken of each published version, not of $LATEST.
      OptimizationStatus: kept.snapStart && version !== '$LATEST' ? 'On' : 'Off',
    },
  };
}

export function renderAlias(
  identity: Identity,
  fn: FunctionRecord,
  alias: AliasRecord,
): Record<string, unknown> {
  return omitUndefined({
    AliasArn: functionArn(identity, fn.name, alias.name),
    Name: alias.name,
    FunctionVersion: alias.functionVersion,
    Description: alias.description,
    RoutingConfig: alias.additionalVersionWeights
      ? { AdditionalVersionWeights: alias.additionalVersionWeights }
      : undefined,
    RevisionId: alias.revisionId,
  });
}

function omitUndefined(value: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(value)) if (value[key] === undefined) delete value[key];
  return value;
}
