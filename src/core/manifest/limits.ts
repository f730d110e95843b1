// Lambda's service limits that a manifest can break, as documented for CreateFunction and on
// the "Lambda quotas" page. The JSON Schema repeats the numeric ones (a test keeps them equal).

export const LIMITS = Object.freeze({
  memory: Object.freeze({ min: 128, max: 10240 }),
  timeout: Object.freeze({ min: 1, max: 900 }),
  ephemeralStorage: Object.freeze({ min: 512, max: 10240 }),
  /** Total of every key and value, in bytes of UTF-8. */
  environmentBytes: 4096,
  functionName: 64,
  handler: 128,
  description: 256,
  tagKey: 128,
  tagValue: 256,
  tags: 50,
} as const);

/** What Lambda uses when the manifest says nothing. */
export const LAMBDA_DEFAULTS = Object.freeze({
  memory: 128,
  timeout: 3,
  ephemeralStorage: 512,
  architecture: 'x86_64',
} as const);

/** CreateFunction's key pattern: a letter, then at least one letter, digit or underscore. */
export const ENVIRONMENT_KEY = /^[a-zA-Z][a-zA-Z0-9_]+$/;

/** Keys the Lambda runtime sets itself and refuses in a function's configuration. */
export const RESERVED_ENVIRONMENT_KEYS: ReadonlySet<string> = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_DEFAULT_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_LAMBDA_RUNTIME_API',
  'AWS_REGION',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'LAMBDA_RUNTIME_DIR',
  'LAMBDA_TASK_ROOT',
]);

export const FUNCTION_NAME = /^[A-Za-z0-9_-]+$/;
export const SERVICE_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;

export const DEFAULT_STAGE = 'dev';
export const DEFAULT_REGION = 'us-east-1';

/** The name a function is deployed under: `<service>-<stage>-<key>`. */
export function deployedName(service: string, stage: string, key: string): string {
  return `${service}-${stage}-${key}`;
}

/** Size Lambda counts for an environment: every key and value, in UTF-8 bytes. */
export function environmentBytes(env: Record<string, string>): number {
  let total = 0;
  for (const [k, v] of Object.entries(env)) total += Buffer.byteLength(k) + Buffer.byteLength(v);
  return total;
}
