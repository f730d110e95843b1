// Lambda's shapes to Flourish's and back. Kept apart from the calls so the mapping of every
// field (and its default when Lambda leaves it out) is in one place.
import type {
  AliasConfiguration,
  FunctionConfiguration as LambdaConfiguration,
} from '@aws-sdk/client-lambda';
import type { Architecture } from '../../manifest/types';
import {
  loggingSettings,
  type AliasInfo,
  type FunctionConfiguration,
  type FunctionState,
  type FunctionVersion,
  type UpdateStatus,
} from '../provider';

/** Lambda's defaults, for fields an older or simpler endpoint leaves out. */
const DEFAULT_MEMORY = 128;
const DEFAULT_TIMEOUT = 3;
const DEFAULT_EPHEMERAL = 512;

export function toFunctionVersion(c: LambdaConfiguration): FunctionVersion {
  return {
    name: c.FunctionName ?? '',
    arn: c.FunctionArn ?? '',
    version: c.Version ?? '$LATEST',
    configuration: toConfiguration(c),
    codeSha256: c.CodeSha256 ?? '',
    codeSize: c.CodeSize ?? 0,
    revisionId: c.RevisionId ?? '',
    lastModified: c.LastModified ?? '',
    state: c.State as FunctionState | undefined,
    stateReason: c.StateReason,
    lastUpdateStatus: c.LastUpdateStatus as UpdateStatus | undefined,
    lastUpdateStatusReason: c.LastUpdateStatusReason,
  };
}

export function toConfiguration(c: LambdaConfiguration): FunctionConfiguration {
  return {
    handler: c.Handler ?? '',
    runtime: c.Runtime ?? '',
    memory: c.MemorySize ?? DEFAULT_MEMORY,
    timeout: c.Timeout ?? DEFAULT_TIMEOUT,
    architecture: (c.Architectures?.[0] as Architecture | undefined) ?? 'x86_64',
    environment: { ...(c.Environment?.Variables ?? {}) },
    ephemeralStorage: c.EphemeralStorage?.Size ?? DEFAULT_EPHEMERAL,
    ...loggingSettings(
      c.LoggingConfig?.LogFormat,
      c.LoggingConfig?.ApplicationLogLevel,
      c.LoggingConfig?.SystemLogLevel,
    ),
    role: c.Role ?? '',
    description: c.Description ?? '',
  };
}

export function toAliasInfo(a: AliasConfiguration): AliasInfo {
  return {
    name: a.Name ?? '',
    arn: a.AliasArn ?? '',
    version: a.FunctionVersion ?? '',
    description: a.Description ?? '',
    revisionId: a.RevisionId ?? '',
  };
}

/** The configuration fields UpdateFunctionConfiguration and CreateFunction take. */
export function configurationInput(c: FunctionConfiguration) {
  return {
    Handler: c.handler,
    Runtime: c.runtime as LambdaConfiguration['Runtime'],
    MemorySize: c.memory,
    Timeout: c.timeout,
    // Lambda clears variables only when sent an empty map, so always send the full set.
    Environment: { Variables: { ...c.environment } },
    EphemeralStorage: { Size: c.ephemeralStorage },
    // Without LogGroup: the function keeps the group it writes to.
    LoggingConfig:
      c.logFormat === 'JSON'
        ? {
            LogFormat: c.logFormat,
            ApplicationLogLevel: c.applicationLogLevel,
            SystemLogLevel: c.systemLogLevel,
          }
        : { LogFormat: c.logFormat },
    Role: c.role,
    Description: c.description,
  };
}
