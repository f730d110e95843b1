// The CloudProvider for anything that speaks the AWS Lambda, CloudWatch Logs, CloudWatch,
// EventBridge Scheduler and IAM APIs: AWS itself, the embedded local cloud and LocalStack differ
// only in endpoint and credentials.
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  FilterLogEventsCommand,
  type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  InvokeWithResponseStreamCommand,
  LambdaClient,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type AliasConfiguration,
  type FunctionConfiguration as LambdaConfiguration,
  type InvokeWithResponseStreamCompleteEvent,
} from '@aws-sdk/client-lambda';
import { IAMClient } from '@aws-sdk/client-iam';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  InitializeMiddleware,
  MetadataBearer,
} from '@aws-sdk/types';
import { CloudError, isAbortError } from '../errors';
import {
  LATEST,
  type AliasInfo,
  type CallOptions,
  type CloudProvider,
  type CreateFunctionInput,
  type DeployedFunction,
  type FunctionConfiguration,
  type FunctionUrlInput,
  type InvokeInput,
  type InvokeResult,
  type LogEvent,
  type LogQuery,
  type MetricQuery,
  type Page,
  type PublishVersionInput,
  type RoleSpec,
  type ScheduleSpec,
  type TailOptions,
  type TargetKind,
  type UpdateCodeInput,
} from '../provider';
import { configurationInput, toAliasInfo, toFunctionVersion } from './convert';
import { unlessNotFound } from './call';
import { toCloudError } from './errors';
import { FunctionUrls } from './functionUrls';
import { liveTail } from './liveTail';
import { LambdaMetrics } from './metrics';
import { Roles } from './roles';
import { Schedules } from './schedules';
import { waitUntilSettled } from './settle';

export type TailSource = (groups: string[], options: TailOptions) => AsyncIterable<LogEvent>;

export interface AwsProviderOptions {
  kind: TargetKind;
  region: string;
  /** Omit for AWS's own endpoints. */
  endpoint?: string;
  /** Omit to use the SDK's default chain. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Named profile the credentials come from, for messages. */
  profile?: string;
  label?: string;
  defaultRole?: string;
  /** Live tail for endpoints without StartLiveTail (the local cloud); default StartLiveTail. */
  tail?: TailSource;
  /** Sees every API call by operation name, e.g. `UpdateFunctionCode` (tests, verbose logs). */
  onRequest?: (operation: string) => void;
  /** Longest wait for a function to become Active or finish an update; default 600 s. */
  maxWaitSeconds?: number;
}

const PAGE_SIZE = 50;

export class AwsLambdaProvider implements CloudProvider {
  readonly kind: TargetKind;
  readonly region: string;
  readonly endpoint?: string;
  readonly label: string;
  readonly defaultRole?: string;
  readonly lambda: LambdaClient;
  readonly logs: CloudWatchLogsClient;
  readonly monitoring: CloudWatchClient;
  readonly scheduler: SchedulerClient;
  readonly iam: IAMClient;
  private readonly urls: FunctionUrls;
  private readonly schedules: Schedules;
  private readonly roles: Roles;
  private readonly metrics: LambdaMetrics;
  private readonly profile?: string;
  private readonly tailSource?: TailSource;
  private readonly maxWaitSeconds: number;

  constructor(options: AwsProviderOptions) {
    this.kind = options.kind;
    this.region = options.region;
    this.endpoint = options.endpoint;
    this.profile = options.profile;
    this.defaultRole = options.defaultRole;
    this.tailSource = options.tail;
    this.maxWaitSeconds = options.maxWaitSeconds ?? 600;
    this.label =
      options.label ??
      (options.kind === 'local'
        ? `the local cloud at ${options.endpoint ?? '(unknown endpoint)'}`
        : `AWS ${options.region}${options.profile ? ` (profile ${options.profile})` : ''}${options.endpoint ? ` at ${options.endpoint}` : ''}`);
    const config = {
      region: options.region,
      // A custom endpoint (LocalStack, the local cloud) has no `stream-` host for live tail.
      ...(options.endpoint ? { endpoint: options.endpoint, disableHostPrefix: true } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    };
    this.lambda = new LambdaClient(config);
    this.logs = new CloudWatchLogsClient(config);
    this.monitoring = new CloudWatchClient(config);
    this.scheduler = new SchedulerClient(config);
    this.iam = new IAMClient(config);
    const call = this.call.bind(this);
    this.urls = new FunctionUrls(this.lambda, call, this.kind);
    this.schedules = new Schedules(this.scheduler, call);
    this.roles = new Roles(this.iam, call);
    this.metrics = new LambdaMetrics(this.monitoring, call);
    if (options.onRequest) {
      const observe = options.onRequest;
      const middleware: InitializeMiddleware<object, MetadataBearer> =
        (next, context) => (args) => {
          observe(String(context.commandName ?? 'unknown').replace(/Command$/, ''));
          return next(args);
        };
      const at = { step: 'initialize', name: 'flourishObserveRequests' } as const;
      this.lambda.middlewareStack.add(middleware, at);
      this.logs.middlewareStack.add(middleware, at);
      this.monitoring.middlewareStack.add(middleware, at);
      this.scheduler.middlewareStack.add(middleware, at);
      this.iam.middlewareStack.add(middleware, at);
    }
  }

  /** Runs one SDK call and turns its failure into a CloudError about `resource`. */
  private async call<T>(operation: string, resource: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toCloudError(error, {
        operation,
        resource,
        kind: this.kind,
        label: this.label,
        profile: this.profile,
      });
    }
  }

  async getFunction(name: string, options: CallOptions = {}) {
    try {
      const out = await this.call('GetFunction', `function ${name}`, () =>
        this.lambda.send(new GetFunctionCommand({ FunctionName: name }), {
          abortSignal: options.signal,
        }),
      );
      if (!out.Configuration) return undefined;
      const deployed: DeployedFunction = {
        ...toFunctionVersion(out.Configuration),
        tags: { ...(out.Tags ?? {}) },
      };
      return deployed;
    } catch (error) {
      if (error instanceof CloudError && error.notFound) return undefined;
      throw error;
    }
  }

  async getVersion(name: string, qualifier: string, options: CallOptions = {}) {
    const out = await this.call('GetFunctionConfiguration', `function ${name}:${qualifier}`, () =>
      this.lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: name, Qualifier: qualifier }),
        { abortSignal: options.signal },
      ),
    );
    return toFunctionVersion(out);
  }

  async listFunctions(options: CallOptions & { marker?: string; maxItems?: number } = {}) {
    const out = await this.call('ListFunctions', this.label, () =>
      this.lambda.send(
        new ListFunctionsCommand({
          Marker: options.marker,
          MaxItems: options.maxItems ?? PAGE_SIZE,
        }),
        { abortSignal: options.signal },
      ),
    );
    return { items: (out.Functions ?? []).map(toFunctionVersion), nextToken: out.NextMarker };
  }

  async listVersions(name: string, options: CallOptions = {}) {
    const all: LambdaConfiguration[] = [];
    let marker: string | undefined;
    do {
      const out = await this.call('ListVersionsByFunction', `function ${name}`, () =>
        this.lambda.send(
          new ListVersionsByFunctionCommand({
            FunctionName: name,
            Marker: marker,
            MaxItems: PAGE_SIZE,
          }),
          { abortSignal: options.signal },
        ),
      );
      all.push(...(out.Versions ?? []));
      marker = out.NextMarker;
    } while (marker);
    return all
      .filter((v) => v.Version !== LATEST)
      .map(toFunctionVersion)
      .sort((a, b) => Number(a.version) - Number(b.version));
  }

  async listAliases(name: string, options: CallOptions = {}) {
    const all: AliasConfiguration[] = [];
    let marker: string | undefined;
    do {
      const out = await this.call('ListAliases', `function ${name}`, () =>
        this.lambda.send(
          new ListAliasesCommand({ FunctionName: name, Marker: marker, MaxItems: PAGE_SIZE }),
          { abortSignal: options.signal },
        ),
      );
      all.push(...(out.Aliases ?? []));
      marker = out.NextMarker;
    } while (marker);
    return all.map(toAliasInfo);
  }

  async getAlias(name: string, alias: string, options: CallOptions = {}) {
    try {
      const out = await this.call('GetAlias', `alias ${alias} of function ${name}`, () =>
        this.lambda.send(new GetAliasCommand({ FunctionName: name, Name: alias }), {
          abortSignal: options.signal,
        }),
      );
      return toAliasInfo(out);
    } catch (error) {
      if (error instanceof CloudError && error.notFound) return undefined;
      throw error;
    }
  }

  async createFunction(input: CreateFunctionInput, options: CallOptions = {}) {
    const out = await this.call('CreateFunction', `function ${input.name}`, () =>
      this.lambda.send(
        new CreateFunctionCommand({
          FunctionName: input.name,
          PackageType: 'Zip',
          Code: { ZipFile: input.zip },
          Architectures: [input.configuration.architecture],
          Publish: false,
          Tags: Object.keys(input.tags).length ? { ...input.tags } : undefined,
          ...configurationInput(input.configuration),
        }),
        { abortSignal: options.signal },
      ),
    );
    return toFunctionVersion(out);
  }

  async updateCode(name: string, input: UpdateCodeInput, options: CallOptions = {}) {
    const out = await this.call('UpdateFunctionCode', `function ${name}`, () =>
      this.lambda.send(
        new UpdateFunctionCodeCommand({
          FunctionName: name,
          ZipFile: input.zip,
          Architectures: [input.architecture],
          RevisionId: input.revisionId,
          Publish: false,
        }),
        { abortSignal: options.signal },
      ),
    );
    return toFunctionVersion(out);
  }

  async updateConfiguration(
    name: string,
    configuration: FunctionConfiguration,
    options: CallOptions & { revisionId?: string } = {},
  ) {
    const out = await this.call('UpdateFunctionConfiguration', `function ${name}`, () =>
      this.lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: name,
          RevisionId: options.revisionId,
          ...configurationInput(configuration),
        }),
        { abortSignal: options.signal },
      ),
    );
    return toFunctionVersion(out);
  }

  async waitUntilReady(name: string, options: CallOptions = {}) {
    return waitUntilSettled(() => this.getVersion(name, LATEST, options), {
      signal: options.signal,
      // Polls on loopback are cheap; on AWS they count against the API rate.
      minDelayMs: this.kind === 'local' ? 50 : 1000,
      maxDelayMs: this.kind === 'local' ? 1000 : 5000,
      maxWaitMs: this.maxWaitSeconds * 1000,
      functionName: name,
      label: this.label,
    });
  }

  async publishVersion(name: string, input: PublishVersionInput, options: CallOptions = {}) {
    const out = await this.call('PublishVersion', `function ${name}`, () =>
      this.lambda.send(
        new PublishVersionCommand({
          FunctionName: name,
          CodeSha256: input.codeSha256,
          RevisionId: input.revisionId,
          Description: input.description,
        }),
        { abortSignal: options.signal },
      ),
    );
    return toFunctionVersion(out);
  }

  async putAlias(
    name: string,
    alias: string,
    version: string,
    options: CallOptions & { description?: string; revisionId?: string; create?: boolean } = {},
  ): Promise<AliasInfo> {
    const resource = `alias ${alias} of function ${name}`;
    if (options.create) {
      const out = await this.call('CreateAlias', resource, () =>
        this.lambda.send(
          new CreateAliasCommand({
            FunctionName: name,
            Name: alias,
            FunctionVersion: version,
            Description: options.description,
          }),
          { abortSignal: options.signal },
        ),
      );
      return toAliasInfo(out);
    }
    const out = await this.call('UpdateAlias', resource, () =>
      this.lambda.send(
        new UpdateAliasCommand({
          FunctionName: name,
          Name: alias,
          FunctionVersion: version,
          Description: options.description,
          // The alias moves whole: weighted routing set up elsewhere (a canary) is cleared,
          // so every invocation runs the version the deploy or rollback chose.
          RoutingConfig: { AdditionalVersionWeights: {} },
          RevisionId: options.revisionId,
        }),
        { abortSignal: options.signal },
      ),
    );
    return toAliasInfo(out);
  }

  async tagFunction(arn: string, tags: Record<string, string>, options: CallOptions = {}) {
    await this.call('TagResource', arn, () =>
      this.lambda.send(new TagResourceCommand({ Resource: arn, Tags: tags }), {
        abortSignal: options.signal,
      }),
    );
  }

  async untagFunction(arn: string, keys: string[], options: CallOptions = {}) {
    await this.call('UntagResource', arn, () =>
      this.lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: keys }), {
        abortSignal: options.signal,
      }),
    );
  }

  async deleteFunction(name: string, options: CallOptions = {}) {
    await unlessNotFound(() =>
      this.call('DeleteFunction', `function ${name}`, () =>
        this.lambda.send(new DeleteFunctionCommand({ FunctionName: name }), {
          abortSignal: options.signal,
        }),
      ),
    );
  }

  getFunctionUrl(name: string, qualifier: string, options?: CallOptions) {
    return this.urls.get(name, qualifier, options);
  }

  putFunctionUrl(
    name: string,
    qualifier: string,
    input: FunctionUrlInput,
    options?: CallOptions & { create?: boolean },
  ) {
    return this.urls.put(name, qualifier, input, options);
  }

  deleteFunctionUrl(name: string, qualifier: string, options?: CallOptions) {
    return this.urls.delete(name, qualifier, options);
  }

  setPublicUrlAccess(name: string, qualifier: string, allowed: boolean, options?: CallOptions) {
    return this.urls.setPublic(name, qualifier, allowed, options);
  }

  listSchedules(query: { namePrefix: string; group: string }, options?: CallOptions) {
    return this.schedules.list(query, options);
  }

  getSchedule(name: string, group: string, options?: CallOptions) {
    return this.schedules.get(name, group, options);
  }

  putSchedule(spec: ScheduleSpec, options?: CallOptions & { create?: boolean }) {
    return this.schedules.put(spec, options);
  }

  deleteSchedule(name: string, group: string, options?: CallOptions) {
    return this.schedules.delete(name, group, options);
  }

  getRole(name: string, options?: CallOptions) {
    return this.roles.get(name, options);
  }

  ensureRole(spec: RoleSpec, options?: CallOptions) {
    return this.roles.ensure(spec, options);
  }

  deleteRole(name: string, options?: CallOptions) {
    return this.roles.delete(name, options);
  }

  async invoke(name: string, input: InvokeInput): Promise<InvokeResult> {
    const type = input.invocationType ?? 'RequestResponse';
    const target = input.qualifier ? `${name}:${input.qualifier}` : name;
    if (input.onStream && type === 'RequestResponse') {
      const onStream = input.onStream;
      return this.call('InvokeWithResponseStream', `function ${target}`, () =>
        invokeStreaming(this.lambda, name, input, onStream),
      );
    }
    const out = await this.call('Invoke', `function ${target}`, () =>
      this.lambda.send(
        new InvokeCommand({
          FunctionName: name,
          Qualifier: input.qualifier,
          InvocationType: type,
          LogType: type === 'RequestResponse' ? 'Tail' : 'None',
          Payload: input.payload,
        }),
        { abortSignal: input.signal },
      ),
    );
    return {
      statusCode: out.StatusCode ?? out.$metadata.httpStatusCode ?? 0,
      payload: Buffer.from(out.Payload ?? new Uint8Array()),
      functionError: out.FunctionError,
      executedVersion: out.ExecutedVersion,
      logTail: out.LogResult ? Buffer.from(out.LogResult, 'base64').toString('utf8') : undefined,
      requestId: out.$metadata.requestId ?? '',
    };
  }

  logGroupName(functionName: string): string {
    return `/aws/lambda/${functionName}`;
  }

  async filterLogs(group: string, query: LogQuery = {}, options: CallOptions = {}) {
    const out = await this.call('FilterLogEvents', `log group ${group}`, () =>
      this.logs.send(
        new FilterLogEventsCommand({
          logGroupName: group,
          startTime: query.startTime,
          endTime: query.endTime,
          filterPattern: query.filterPattern,
          logStreamNames: query.logStreamNames,
          limit: query.limit,
          nextToken: query.nextToken,
        }),
        { abortSignal: options.signal },
      ),
    );
    const page: Page<LogEvent> = {
      items: (out.events ?? []).map((e) => toLogEvent(group, e)),
    };
    if (out.nextToken) page.nextToken = out.nextToken;
    return page;
  }

  tailLogs(groups: string[], options: TailOptions = {}): AsyncIterable<LogEvent> {
    if (this.tailSource) return this.tailSource(groups, options);
    return liveTail(this.logs, groups, options, (operation, resource, error) =>
      isAbortError(error)
        ? (error as Error)
        : toCloudError(error, {
            operation,
            resource,
            kind: this.kind,
            label: this.label,
            profile: this.profile,
          }),
    );
  }

  getThrottles(name: string, query: MetricQuery, options: CallOptions = {}) {
    return this.metrics.sum('Throttles', name, query, options);
  }

  dispose(): void {
    this.lambda.destroy();
    this.logs.destroy();
    this.monitoring.destroy();
    this.scheduler.destroy();
    this.iam.destroy();
  }
}

function toLogEvent(group: string, e: FilteredLogEvent): LogEvent {
  return {
    timestamp: e.timestamp ?? 0,
    message: e.message ?? '',
    logGroup: group,
    logStream: e.logStreamName ?? '',
    ingestionTime: e.ingestionTime,
    eventId: e.eventId,
  };
}

/** Invoke through InvokeWithResponseStream: chunks go to `onStream` as they come. */
async function invokeStreaming(
  lambda: LambdaClient,
  name: string,
  input: InvokeInput,
  onStream: (chunk: Buffer) => void,
): Promise<InvokeResult> {
  const out = await lambda.send(
    new InvokeWithResponseStreamCommand({
      FunctionName: name,
      Qualifier: input.qualifier,
      InvocationType: 'RequestResponse',
      LogType: 'Tail',
      Payload: input.payload,
    }),
    { abortSignal: input.signal },
  );
  const chunks: Buffer[] = [];
  let complete: InvokeWithResponseStreamCompleteEvent | undefined;
  for await (const event of out.EventStream ?? []) {
    if (event.PayloadChunk?.Payload) {
      const chunk = Buffer.from(event.PayloadChunk.Payload);
      chunks.push(chunk);
      onStream(chunk);
    }
    if (event.InvokeComplete) complete = event.InvokeComplete;
  }
  // A failure is reported in InvokeComplete: it becomes the error document Invoke would give.
  const failed = complete?.ErrorCode !== undefined;
  return {
    statusCode: out.StatusCode ?? out.$metadata.httpStatusCode ?? 0,
    payload: failed
      ? Buffer.from(
          JSON.stringify({ errorType: complete!.ErrorCode, errorMessage: complete!.ErrorDetails }),
        )
      : Buffer.concat(chunks),
    ...(failed ? { functionError: 'Unhandled' } : {}),
    executedVersion: out.ExecutedVersion,
    logTail: complete?.LogResult
      ? Buffer.from(complete.LogResult, 'base64').toString('utf8')
      : undefined,
    requestId: out.$metadata.requestId ?? '',
  };
}
