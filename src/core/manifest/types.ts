// The manifest's shapes, shared by the core, the language server, the CLI and the extension.
// Positions are zero-based lines and UTF-16 characters, as in LSP, so a Problem maps to a
// Diagnostic without translation.

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A text edit a quick fix applies to the manifest (or to another file, when `uri` is set). */
export interface TextEdit {
  range: Range;
  newText: string;
}

export interface QuickFix {
  title: string;
  /** Edits to flourish.yaml itself. */
  edits?: TextEdit[];
  /** A file to create, relative to the manifest's folder, with its content. */
  createFile?: { path: string; content: string };
  /** Whether an editor should offer this fix first. */
  preferred?: boolean;
}

/** One thing wrong with a manifest: what, where (exact range), how bad, and how to fix it. */
export interface Problem {
  /** Stable identifier, e.g. `unknown-key`, `runtime-deprecated`, `handler-missing-file`. */
  code: string;
  message: string;
  severity: Severity;
  range: Range;
  /** The key path the problem is about, e.g. ['functions', 'hello', 'memory']. */
  path: (string | number)[];
  fixes?: QuickFix[];
}

export type ProviderName = 'local' | 'aws';
export type Architecture = 'x86_64' | 'arm64';

export interface ProviderConfig {
  name: ProviderName;
  /** As written; absent means the AWS chain decides (environment, profile, else us-east-1). */
  region?: string;
  profile?: string;
  /** Endpoint override (LocalStack, the local cloud on a fixed port, a VPC endpoint). */
  endpoint?: string;
  /** Default execution role ARN for every function. */
  role?: string;
}

export interface BuildSpec {
  /** Shell command run before packaging. */
  command: string;
  /** Working directory, relative to the manifest's folder. */
  cwd: string;
  /** Folder whose contents are packaged, relative to the manifest's folder. */
  output?: string;
}

export interface PackageSpec {
  include: string[];
  exclude: string[];
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'ANY';

export interface HttpEvent {
  type: 'http';
  method: HttpMethod;
  path: string;
  /** Function URL auth type. */
  auth: 'NONE' | 'AWS_IAM';
  cors?: boolean;
  /** The response is streamed (the URL's invoke mode RESPONSE_STREAM). */
  stream?: boolean;
}

export interface ScheduleEvent {
  type: 'schedule';
  /** `rate(5 minutes)` or `cron(0 12 * * ? *)`, in AWS syntax. */
  expression: string;
  enabled: boolean;
  input?: unknown;
}

export type FunctionEvent = HttpEvent | ScheduleEvent;

/** Lambda's LoggingConfig: Text lines, or JSON objects filtered by level. */
export type LogFormat = 'Text' | 'JSON';
export const LOG_FORMATS: readonly LogFormat[] = ['Text', 'JSON'];
export type ApplicationLogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';
export const APPLICATION_LOG_LEVELS: readonly ApplicationLogLevel[] = [
  'TRACE',
  'DEBUG',
  'INFO',
  'WARN',
  'ERROR',
  'FATAL',
];
export type SystemLogLevel = 'DEBUG' | 'INFO' | 'WARN';
export const SYSTEM_LOG_LEVELS: readonly SystemLogLevel[] = ['DEBUG', 'INFO', 'WARN'];

/** One function after defaults and the stage's overrides are applied. */
export interface FunctionSpec {
  /** The key under `functions:` in the manifest. */
  key: string;
  /** Deployed name: `<service>-<stage>-<key>`. */
  name: string;
  handler: string;
  runtime: string;
  description?: string;
  /** MB, 128-10240. */
  memory: number;
  /** Seconds, 1-900. */
  timeout: number;
  architecture: Architecture;
  environment: Record<string, string>;
  /** MB of /tmp, 512-10240. */
  ephemeralStorage: number;
  /** How the function's logs are written (levels only with JSON); absent: as deployed. */
  logFormat?: LogFormat;
  applicationLogLevel?: ApplicationLogLevel;
  systemLogLevel?: SystemLogLevel;
  role?: string;
  tags: Record<string, string>;
  build?: BuildSpec;
  package: PackageSpec;
  events: FunctionEvent[];
}

/** A manifest resolved for one stage: what deploy, invoke and the explorer work from. */
export interface Manifest {
  service: string;
  stage: string;
  provider: ProviderConfig;
  functions: FunctionSpec[];
  /** Absolute path of the folder holding flourish.yaml. */
  root: string;
  /** Absolute path of flourish.yaml itself. */
  file: string;
}
