// The seam between the local cloud's API (which owns functions, versions, aliases and logs on
// disk) and the execution engine (which runs code through the Lambda Runtime API in worker
// processes). The API resolves a qualifier to one immutable configuration and hands it here.

/** Everything needed to start an execution environment for one function version. */
export interface ExecutionConfig {
  functionName: string;
  /** `$LATEST` or a published version number, as a string. */
  version: string;
  functionArn: string;
  /** Absolute path of the unpacked code (LAMBDA_TASK_ROOT). Read-only to the engine. */
  codeDir: string;
  handler: string;
  runtime: string;
  memorySizeMB: number;
  timeoutSec: number;
  ephemeralStorageMB: number;
  architecture: 'x86_64' | 'arm64';
  /** The function's own variables; the engine adds the ones Lambda sets. */
  environment: Record<string, string>;
  region: string;
  accountId: string;
  /** `/aws/lambda/<functionName>`. */
  logGroupName: string;
  /** LoggingConfig with LogFormat JSON; absent means Text. */
  jsonLogging?: JsonLogging;
  /**
   * Environments are reused only for the same key; the API derives it from the code hash and
   * the configuration, so an update never runs on a stale environment.
   */
  environmentKey: string;
}

export type ApplicationLogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';
export type SystemLogLevel = 'DEBUG' | 'INFO' | 'WARN';

/**
 * A function that logs as JSON: the runtime writes its lines as JSON objects at or above the
 * application level, and the platform writes its records (`platform.start`, `platform.report`)
 * as JSON at or above the system level.
 */
export interface JsonLogging {
  applicationLogLevel: ApplicationLogLevel;
  systemLogLevel: SystemLogLevel;
}

export type InvocationType = 'RequestResponse' | 'Event';

/**
 * Holds a streamed response back while its reader is behind: pausing stops reading from the
 * worker, whose writes then wait, as a slow caller slows a streaming function in Lambda.
 */
export interface StreamFlow {
  pause(): void;
  resume(): void;
}

export interface InvocationRequest {
  requestId: string;
  payload: Buffer;
  invocationType: InvocationType;
  /**
   * The ARN the caller named (`context.invokedFunctionArn`): bare when unqualified, with the
   * alias when called through one. Defaults to the version's ARN.
   */
  invokedFunctionArn?: string;
  /** Base64 client context, passed to the function as Lambda does. */
  clientContext?: string;
  /** The caller went away or the server is stopping. */
  signal?: AbortSignal;
  /**
   * Receives a streamed response (a Node.js handler wrapped in `awslambda.streamifyResponse`)
   * as it arrives. Without it a stream is gathered into `payload`, up to Invoke's 6 MB.
   */
  onStream?: (part: Buffer, contentType: string, flow: StreamFlow) => void;
  /**
   * The streamed response is complete. The invocation may go on (work after `end()`); it ends,
   * with its outcome, when the runtime asks for its next event.
   */
  onStreamEnd?: () => void;
}

export interface InvocationReport {
  durationMs: number;
  billedDurationMs: number;
  memorySizeMB: number;
  maxMemoryUsedMB: number;
  /** Present on a cold start only. */
  initDurationMs?: number;
}

export interface InvocationOutcome {
  requestId: string;
  /** The response body: the function's result, or Lambda's error document. */
  payload: Buffer;
  /** Set when the function failed; Lambda sends `Unhandled` in X-Amz-Function-Error. */
  functionError?: 'Unhandled' | 'Handled';
  /** This request's whole log, START to REPORT, as written to the log stream. */
  log: string;
  /** Set when the response went to `onStream` (then `payload` is empty unless it failed). */
  streamed?: { contentType: string; bytes: number };
  report: InvocationReport;
  coldStart: boolean;
  logStreamName: string;
}

export interface LogEventInput {
  timestamp: number;
  message: string;
}

/** Where the engine writes every log line; the API stores them as CloudWatch Logs events. */
export interface LogSink {
  write(logGroupName: string, logStreamName: string, events: LogEventInput[]): void;
}

/** Raised when every environment allowed by the concurrency cap is busy. */
export class ConcurrencyLimitError extends Error {
  constructor(readonly limit: number) {
    super(`Rate exceeded: all ${limit} execution environments are busy`);
    this.name = 'ConcurrencyLimitError';
  }
}
