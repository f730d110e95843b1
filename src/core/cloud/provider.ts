// The vendor-neutral face of a function platform, in Flourish's own terms. Deploy, rollback,
// invoke and logs are written against this interface; `aws/` implements it through the AWS
// SDK for AWS Lambda, the embedded local cloud and LocalStack alike.
import type {
  ApplicationLogLevel,
  Architecture,
  LogFormat,
  SystemLogLevel,
} from '../manifest/types';

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
  logFormat: LogFormat;
  /** Only with JSON logs. */
  applicationLogLevel?: ApplicationLogLevel;
  systemLogLevel?: SystemLogLevel;
  /** Execution role ARN. */
  role: string;
  /** On a published version this is the version's description, not the function's. */
  description: string;
}

export type LoggingSettings = Pick<
  FunctionConfiguration,
  'logFormat' | 'applicationLogLevel' | 'systemLogLevel'
>;

/** Levels go with JSON only, INFO unless given, as Lambda reports them; anything else is Text. */
export function loggingSettings(
  format: LogFormat | undefined,
  applicationLogLevel?: ApplicationLogLevel,
  systemLogLevel?: SystemLogLevel,
): LoggingSettings {
  if (format !== 'JSON') return { logFormat: 'Text' };
  return {
    logFormat: 'JSON',
    applicationLogLevel: applicationLogLevel ?? 'INFO',
    systemLogLevel: systemLogLevel ?? 'INFO',
  };
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
  /**
   * Receives the response as the function streams it (RequestResponse only; the call then
   * uses InvokeWithResponseStream). The result still carries the whole payload.
   */
  onStream?: (chunk: Buffer) => void;
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

/** A period of a platform metric, e.g. throttles over the last day in 1-hour steps. */
export interface MetricQuery {
  /** Epoch milliseconds, inclusive. */
  from: number;
  /** Epoch milliseconds, exclusive. */
  to: number;
  /** Width of each point's bucket: a whole number of minutes. */
  periodSeconds: number;
  /** A version or alias; default the whole function, however it was called. */
  qualifier?: string;
}

/** One bucket of a metric: the bucket's start (epoch ms) and its sum. Empty buckets are left out. */
export interface MetricPoint {
  timestamp: number;
  value: number;
}

export type UrlAuthType = 'NONE' | 'AWS_IAM';

/** Cross-origin settings of a function URL, answered by the platform, not the function. */
export interface UrlCors {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  /** Seconds a browser may cache a preflight answer. */
  maxAge: number;
  allowCredentials: boolean;
}

/** BUFFERED: the response is sent once the function returns; RESPONSE_STREAM: as it is written. */
export type UrlInvokeMode = 'BUFFERED' | 'RESPONSE_STREAM';

export interface FunctionUrlInput {
  authType: UrlAuthType;
  cors?: UrlCors;
  /** Undefined: BUFFERED. */
  invokeMode?: UrlInvokeMode;
}

/** A function URL: one HTTPS endpoint on a function's alias (or `$LATEST`). */
export interface FunctionUrlInfo extends FunctionUrlInput {
  url: string;
  functionArn: string;
  /** The alias it serves. */
  qualifier: string;
}

export type ScheduleState = 'ENABLED' | 'DISABLED';

/** An EventBridge Scheduler schedule that invokes a function asynchronously. */
export interface ScheduleSpec {
  name: string;
  /** Schedule group; `default` unless told otherwise. */
  group: string;
  /** `rate(...)`, `cron(...)` or `at(...)`. */
  expression: string;
  state: ScheduleState;
  /** The function (alias) ARN it invokes. */
  targetArn: string;
  /** The role the scheduler assumes to invoke the target. */
  roleArn: string;
  /** The event sent to the function, as JSON text. */
  input?: string;
  description: string;
}

export interface ScheduleInfo extends ScheduleSpec {
  arn: string;
}

/** An IAM role for a platform service to assume (Lambda, the scheduler). */
export interface RoleSpec {
  name: string;
  description: string;
  /** The service principal the trust policy lets assume the role, e.g. `lambda.amazonaws.com`. */
  trustedService: string;
  managedPolicyArns: string[];
  /** Inline policies by name, as JSON documents. */
  inlinePolicies: Record<string, string>;
  tags: Record<string, string>;
}

export interface RoleInfo {
  name: string;
  arn: string;
  tags: Record<string, string>;
}

export interface CloudProvider {
  readonly kind: TargetKind;
  readonly region: string;
  /** Where requests go, when it is not the platform's default endpoint. */
  readonly endpoint?: string;
  /** For messages: `the local cloud at http://127.0.0.1:4567`, `AWS us-east-1 (profile dev)`. */
  readonly label: string;
  /** Role for functions that name none; without one, deploy makes a role for the stage. */
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

  /** Deletes the function with its versions, aliases and URLs; absent is not an error. */
  deleteFunction(name: string, options?: CallOptions): Promise<void>;

  /** The URL on `qualifier` (an alias), or undefined when it has none. */
  getFunctionUrl(
    name: string,
    qualifier: string,
    options?: CallOptions,
  ): Promise<FunctionUrlInfo | undefined>;
  /** Creates the URL, or updates its auth type and CORS. */
  putFunctionUrl(
    name: string,
    qualifier: string,
    input: FunctionUrlInput,
    options?: CallOptions & { create?: boolean },
  ): Promise<FunctionUrlInfo>;
  /** Deletes the URL; absent is not an error. */
  deleteFunctionUrl(name: string, qualifier: string, options?: CallOptions): Promise<void>;
  /**
   * Lets anyone call the URL (the resource policy an auth type of NONE needs), or takes that
   * permission away again. Idempotent both ways.
   */
  setPublicUrlAccess(
    name: string,
    qualifier: string,
    allowed: boolean,
    options?: CallOptions,
  ): Promise<void>;

  /** Every schedule in `group` whose name starts with `namePrefix`, with its target. */
  listSchedules(
    query: { namePrefix: string; group: string },
    options?: CallOptions,
  ): Promise<ScheduleInfo[]>;
  getSchedule(
    name: string,
    group: string,
    options?: CallOptions,
  ): Promise<ScheduleInfo | undefined>;
  putSchedule(
    spec: ScheduleSpec,
    options?: CallOptions & { create?: boolean },
  ): Promise<ScheduleInfo>;
  /** Absent is not an error. */
  deleteSchedule(name: string, group: string, options?: CallOptions): Promise<void>;

  /** The role with its tags, or undefined when there is none of that name. */
  getRole(name: string, options?: CallOptions): Promise<RoleInfo | undefined>;
  /**
   * Creates the role (tagged, with its trust policy) unless it exists, and gives it the
   * policies of the spec it lacks. Changes nothing on a role that already has them.
   */
  ensureRole(spec: RoleSpec, options?: CallOptions): Promise<{ role: RoleInfo; created: boolean }>;
  /** Detaches and deletes the role's policies, then the role; absent is not an error. */
  deleteRole(name: string, options?: CallOptions): Promise<void>;

  invoke(name: string, input: InvokeInput): Promise<InvokeResult>;

  /** CloudWatch Logs group of a function: `/aws/lambda/<name>`. */
  logGroupName(functionName: string): string;
  /** One page of stored events, oldest first. */
  filterLogs(group: string, query?: LogQuery, options?: CallOptions): Promise<Page<LogEvent>>;
  /** Events as they arrive, until the signal aborts. */
  tailLogs(groups: string[], options?: TailOptions): AsyncIterable<LogEvent>;

  /**
   * Requests the platform refused because the function had no free concurrency (they never
   * reach a log), summed per bucket, oldest first. Throws a CloudError whose `accessDenied`
   * is true when the credentials may not read metrics.
   */
  getThrottles(name: string, query: MetricQuery, options?: CallOptions): Promise<MetricPoint[]>;

  /** Closes connections; the provider is not used afterwards. */
  dispose(): void;
}
