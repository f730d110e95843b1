// Input checks for CreateFunction / UpdateFunctionConfiguration, with Lambda's limits and its
// validation wording ("Value 'x' at 'y' failed to satisfy constraint: ...").
import { invalidParameter } from '../http/errors';

export const SUPPORTED_RUNTIMES = [
  'nodejs18.x',
  'nodejs20.x',
  'nodejs22.x',
  'nodejs24.x',
  'python3.9',
  'python3.10',
  'python3.11',
  'python3.12',
  'python3.13',
  'python3.14',
  'provided',
  'provided.al2',
  'provided.al2023',
];

const DEPRECATED_RUNTIMES = new Set([
  'nodejs',
  'nodejs4.3',
  'nodejs4.3-edge',
  'nodejs6.10',
  'nodejs8.10',
  'nodejs10.x',
  'nodejs12.x',
  'nodejs14.x',
  'nodejs16.x',
  'python2.7',
  'python3.6',
  'python3.7',
  'python3.8',
]);

const FUNCTION_NAME = /^[a-zA-Z0-9-_]{1,64}$/;
const ROLE_ARN = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const ENV_KEY = /^[a-zA-Z]([a-zA-Z0-9_])+$/;
const RESERVED_ENV = new Set([
  '_HANDLER',
  '_X_AMZN_TRACE_ID',
  'AWS_DEFAULT_REGION',
  'AWS_REGION',
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_FUNCTION_NAME',
  'AWS_LAMBDA_FUNCTION_MEMORY_SIZE',
  'AWS_LAMBDA_FUNCTION_VERSION',
  'AWS_LAMBDA_INITIALIZATION_TYPE',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_LAMBDA_RUNTIME_API',
  'LAMBDA_TASK_ROOT',
  'LAMBDA_RUNTIME_DIR',
]);
export const ENV_LIMIT_BYTES = 4096;

const constraint = (value: unknown, field: string, rule: string): Error =>
  invalidParameter(
    `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${rule}`,
  );

export function checkFunctionName(name: unknown): string {
  if (typeof name !== 'string' || !FUNCTION_NAME.test(name)) {
    throw constraint(
      name,
      'functionName',
      'Member must satisfy regular expression pattern: [a-zA-Z0-9-_]{1,64} (letters, digits, hyphens and underscores, at most 64)',
    );
  }
  return name;
}

function checkInteger(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw constraint(value, field, 'Member must be an integer');
  }
  if (value < min)
    throw constraint(value, field, `Member must have value greater than or equal to ${min}`);
  if (value > max)
    throw constraint(value, field, `Member must have value less than or equal to ${max}`);
  return value;
}

export const checkMemory = (v: unknown): number => checkInteger(v, 'memorySize', 128, 10240);
export const checkTimeout = (v: unknown): number => checkInteger(v, 'timeout', 1, 900);
export const checkEphemeral = (v: unknown): number =>
  checkInteger(v, 'ephemeralStorage.size', 512, 10240);

export function checkRuntime(runtime: unknown): string {
  if (typeof runtime !== 'string') throw constraint(runtime, 'runtime', 'Member must not be null');
  if (DEPRECATED_RUNTIMES.has(runtime)) {
    throw invalidParameter(
      `The runtime parameter of ${runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime such as nodejs22.x or python3.13 while creating or updating functions.`,
    );
  }
  if (!SUPPORTED_RUNTIMES.includes(runtime)) {
    throw constraint(
      runtime,
      'runtime',
      `Member must satisfy enum value set: [${SUPPORTED_RUNTIMES.join(', ')}] (the runtimes the local cloud runs)`,
    );
  }
  return runtime;
}

export function checkHandler(handler: unknown): string {
  if (typeof handler !== 'string' || handler.length === 0 || /\s/.test(handler)) {
    throw constraint(handler, 'handler', 'Member must satisfy regular expression pattern: [^\\s]+');
  }
  if (handler.length > 128) {
    throw constraint(handler, 'handler', 'Member must have length less than or equal to 128');
  }
  return handler;
}

export function checkRole(role: unknown): string {
  if (typeof role !== 'string' || !ROLE_ARN.test(role)) {
    throw constraint(
      role,
      'role',
      'Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+',
    );
  }
  return role;
}

export function checkDescription(description: unknown): string {
  if (typeof description !== 'string')
    throw constraint(description, 'description', 'Member must be a string');
  if (description.length > 256) {
    throw constraint(
      description,
      'description',
      'Member must have length less than or equal to 256',
    );
  }
  return description;
}

/** One of `allowed`, with Lambda's enum wording when it is not. */
export function checkEnum<T extends string>(
  value: unknown,
  field: string,
  allowed: readonly T[],
): T {
  if (!allowed.includes(value as T)) {
    throw constraint(value, field, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
  }
  return value as T;
}

export function checkArchitectures(value: unknown): 'x86_64' | 'arm64' {
  if (
    !Array.isArray(value) ||
    value.length !== 1 ||
    (value[0] !== 'x86_64' && value[0] !== 'arm64')
  ) {
    throw constraint(
      JSON.stringify(value),
      'architectures',
      'Member must have length 1 and satisfy enum value set: [x86_64, arm64]',
    );
  }
  return value[0];
}

export function checkEnvironment(value: unknown): Record<string, string> {
  const variables = (value as { Variables?: unknown } | undefined)?.Variables ?? {};
  if (typeof variables !== 'object' || variables === null || Array.isArray(variables)) {
    throw invalidParameter('Environment.Variables must be a map of string keys to string values.');
  }
  const env = variables as Record<string, unknown>;
  const reserved = Object.keys(env).filter((key) => RESERVED_ENV.has(key));
  if (reserved.length > 0) {
    throw invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${reserved.join(', ')}`,
    );
  }
  for (const [key, val] of Object.entries(env)) {
    if (!ENV_KEY.test(key)) {
      throw constraint(
        key,
        'environment.variables',
        'Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+',
      );
    }
    if (typeof val !== 'string')
      throw invalidParameter(`Environment variable ${key} must be a string.`);
  }
  const measured = JSON.stringify(env);
  if (Buffer.byteLength(measured) > ENV_LIMIT_BYTES) {
    throw invalidParameter(
      `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${measured.slice(0, 200)}...`,
    );
  }
  return env as Record<string, string>;
}
