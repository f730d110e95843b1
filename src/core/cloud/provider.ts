// The vendor-neutral face of a function platform, in Flourish's own terms. Deploy, rollback,
// invoke and logs are written against this interface; `aws/` implements it through the AWS
// SDK for AWS Lambda, the embedded local cloud and LocalStack alike.
import type { Architecture } from '../manifest/types';

export type TargetKind = 'local' | 'aws';

/** `$LATEST` is the mutable draft; published versions are '1', '2', ... */
export const LATEST = '$LATEST';

/** The part of a function's configuration that travels with a published version. */
export interface FunctionConfiguration {
  handler: string;
  runtime: string;
  /** MB. */
  memory: number;
  /** Seconds. */
  timeout: number;
  architecture: Architecture;
  environment: Record<string, string>;
  /** MB of /tmp. */
  ephemeralStorage: number;
  /** Execution role ARN. */
  role: string;
  /** On a published version this is the version's description, not the function's. */
  description: string;
}

export type FunctionState = 'Pending' | 'Active' | 'Inactive' | 'Failed';
export type UpdateStatus = 'InProgress' | 'Successful' | 'Failed';

/** One version of a deployed function (`$LATEST` or a published number). */
export interface FunctionVersion {
  name: string;
  arn: string;
  /** `$LATEST` or the version number as a string. */
  version: string;
  configuration: FunctionConfiguration;
  /** base64 SHA-256 of the deployment package, as Lambda reports it. */
  codeSha256: string;
  codeSize: number;
  /** Changes on every update; a write with a stale revision is refused. */
  revisionId: string;
  /** ISO 8601 time of the last change (for a published version: when it was published). */
  lastModified: string;
  state?: FunctionState;
  stateReason?: string;
  lastUpdateStatus?: UpdateStatus;
  lastUpdateStatusReason?: string;
}

/** The function as deployed: its `$LATEST` draft and its tags. */
export interface DeployedFunction extends FunctionVersion {
  tags: Record<string, string>;
}

export interface AliasInfo {
  name: string;
  arn: string;
  /** The published version the alias points at. */
  version: string;
  description: string;
  revisionId: string;
}

export interface CreateFunctionInput {
  name: string;
  configuration: FunctionConfiguration;
  zip: Uint8Array;
  tags: Record<string, string>;
}

export interface UpdateCodeInput {
  zip: Uint8Array;
  /** Architecture travels with the code in Lambda's API. */
  architecture: Architecture;
  /** Refuse the update if `$LATEST` changed since it was read. */
  revisionId?: string;
}

export interface PublishVersionInput {
  /** The update is refused unless `$LATEST` still holds exactly this code. */
  codeSha256: string;
  /** ... and this revision (nobody changed the configuration in between). */
  revisionId: string;
  description: string;
}

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

export interface InvokeInput {
  payload: Uint8Array;
  /** Version or alias; default `$LATEST`. */
  qualifier?: string;
  invocationType?: InvocationType;
  signal?: AbortSignal;
}

export interface InvokeResult {
  /** 200 for a synchronous call, 202 for an asynchronous one, 204 for a dry run. */
  statusCode: number;
  /** The function's response, or the platform's error document when it failed. */
  payload: Buffer;
  /** `Unhandled` (or `Handled`) when the function failed; absent on success. */
  functionError?: string;
  /** The version that ran; an alias resolves to a number here. */
  executedVersion?: string;
  /** The last 4 KB of the request's log, decoded; absent for asynchronous calls. */
  logTail?: string;
  requestId: string;
}

export interface LogEvent {
  timestamp: number;
  message: string;
  logGroup: string;
  logStream: string;
  ingestionTime?: number;
  eventId?: string;
}

export interface Page<T> {
  items: T[];
  /** Pass back to get the next page; absent on the last one. */
  nextToken?: string;
}

export interface LogQuery {
  /** Epoch milliseconds, inclusive. */
  startTime?: number;
  /** Epoch milliseconds, inclusive. */
  endTime?: number;
  /** CloudWatch Logs filter pattern, e.g. `"ERROR"` or `"RequestId: abc"`. */
  filterPattern?: string;
  logStreamNames?: string[];
  limit?: number;
  nextToken?: string;
}

export interface TailOptions {
  /** A filter pattern; only matching events are delivered. */
  filter?: string;
  /** Ends the tail; the iterable then finishes without an error. */
  signal?: AbortSignal;
  /** Called once the tail is live: events written after this are delivered. */
  onReady?: () => void;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface CloudProvider {
  readonly kind: TargetKind;
  readonly region: string;
  /** Where requests go, when it is not the platform's default endpoint. */
  readonly endpoint?: string;
  /** For messages: `the local cloud at http://127.0.0.1:4567`, `AWS us-east-1 (profile dev)`. */
  readonly label: string;
  /** Role for functions that name none (the local cloud accepts any well-formed ARN). */
  readonly defaultRole?: string;

  /** One page of the account's functions (`$LATEST` of each), in the platform's order. */
  listFunctions(
    options?: CallOptions & { marker?: string; maxItems?: number },
  ): Promise<Page<FunctionVersion>>;
  /** `$LATEST` with tags, or undefined when the function does not exist. */
  getFunction(name: string, options?: CallOptions): Promise<DeployedFunction | undefined>;
  /** One version's configuration (a version number, `$LATEST` or an alias). */
  getVersion(name: string, qualifier: string, options?: CallOptions): Promise<FunctionVersion>;
  /** Every published version, oldest first (`$LATEST` excluded). */
  listVersions(name: string, options?: CallOptions): Promise<FunctionVersion[]>;
  listAliases(name: string, options?: CallOptions): Promise<AliasInfo[]>;
  getAlias(name: string, alias: string, options?: CallOptions): Promise<AliasInfo | undefined>;

  createFunction(input: CreateFunctionInput, options?: CallOptions): Promise<FunctionVersion>;
  updateCode(name: string, input: UpdateCodeInput, options?: CallOptions): Promise<FunctionVersion>;
  updateConfiguration(
    name: string,
    configuration: FunctionConfiguration,
    options?: CallOptions & { revisionId?: string },
  ): Promise<FunctionVersion>;
  /** Resolves once the function is Active and its last update finished; throws if it failed. */
  waitUntilReady(name: string, options?: CallOptions): Promise<FunctionVersion>;
  publishVersion(
    name: string,
    input: PublishVersionInput,
    options?: CallOptions,
  ): Promise<FunctionVersion>;
  /** Creates the alias or moves it; `revisionId` guards a move against a concurrent one. */
  putAlias(
    name: string,
    alias: string,
    version: string,
    options?: CallOptions & { description?: string; revisionId?: string; create?: boolean },
  ): Promise<AliasInfo>;
  tagFunction(arn: string, tags: Record<string, string>, options?: CallOptions): Promise<void>;
  untagFunction(arn: string, keys: string[], options?: CallOptions): Promise<void>;

  invoke(name: string, input: InvokeInput): Promise<InvokeResult>;

  /** CloudWatch Logs group of a function: `/aws/lambda/<name>`. */
  logGroupName(functionName: string): string;
  /** One page of stored events, oldest first. */
  filterLogs(group: string, query?: LogQuery, options?: CallOptions): Promise<Page<LogEvent>>;
  /** Events as they arrive, until the signal aborts. */
  tailLogs(groups: string[], options?: TailOptions): AsyncIterable<LogEvent>;

  /** Closes connections; the provider is not used afterwards. */
  dispose(): void;
}
