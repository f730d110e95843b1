// Turns whatever the AWS SDK throws (a service exception, a network failure, a missing
// credential) into a CloudError that keeps the name, HTTP status and request id.
import { CloudError, isAbortError } from '../errors';
import type { TargetKind } from '../provider';

export interface ErrorContext {
  operation: string;
  resource?: string;
  kind: TargetKind;
  /** `the local cloud at ...` / `AWS us-east-1`. */
  label: string;
  profile?: string;
}

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; requestId?: string; extendedRequestId?: string };
  $retryable?: unknown;
  $response?: { headers?: Record<string, string> };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

/** Wraps an SDK error; an abort is passed through unchanged so callers can tell it apart. */
export function toCloudError(error: unknown, ctx: ErrorContext): Error {
  if (error instanceof CloudError) return error;
  if (isAbortError(error)) return error as Error;
  const e = (error ?? {}) as SdkErrorShape;
  const code = networkCode(error) ?? e.name ?? e.code ?? 'UnknownError';
  const httpStatus = e.$metadata?.httpStatusCode;
  const requestId =
    e.$metadata?.requestId ??
    e.$response?.headers?.['x-amzn-requestid'] ??
    e.$response?.headers?.['x-amz-request-id'];
  const message = (e.message || String(error)).replace(/\s+$/, '').replace(/\.$/, '');
  return new CloudError(message, {
    code,
    operation: ctx.operation,
    resource: ctx.resource,
    httpStatus,
    requestId,
    hint: hintFor(code, httpStatus, ctx),
    retryable: isRetryable(code, httpStatus, e),
    cause: error,
  });
}

function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    e = e.cause;
  }
  return undefined;
}

function isRetryable(code: string, status: number | undefined, e: SdkErrorShape): boolean {
  if (e.$retryable) return true;
  if (NETWORK_CODES.has(code)) return true;
  if (code === 'TooManyRequestsException' || code === 'ThrottlingException') return true;
  if (code === 'ResourceConflictException' || code === 'ServiceException') return true;
  return status !== undefined && status >= 500;
}

function hintFor(code: string, status: number | undefined, ctx: ErrorContext): string {
  const local = ctx.kind === 'local';
  if (NETWORK_CODES.has(code)) {
    return local
      ? `Could not reach ${ctx.label}: start it with \`flourish local start\` (or the editor's "Start Local Cloud") and try again`
      : `Could not reach ${ctx.label}: check the network, the region and provider.endpoint, then try again`;
  }
  switch (code) {
    case 'ResourceNotFoundException':
      return `It does not exist on ${ctx.label}: deploy it first with \`flourish deploy\`, or check the stage and region`;
    case 'ResourceConflictException':
      return 'Another update of this function is still in progress: wait for it to finish and run the command again';
    case 'PreconditionFailedException':
      return 'The function changed while this command was running (another deploy, or a change outside Flourish): run it again to start from the current state';
    case 'TooManyRequestsException':
    case 'ThrottlingException':
      return 'The request rate was exceeded: wait a moment and try again';
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
    case 'SignatureDoesNotMatch':
    case 'InvalidClientTokenId':
      return local
        ? `The credentials were not recognised by ${ctx.label}: let Flourish read them from the local cloud's state folder rather than the AWS profile`
        : `The credentials${ctx.profile ? ` of profile "${ctx.profile}"` : ''} were not recognised: check the access key, or sign in again (aws sso login${ctx.profile ? ` --profile ${ctx.profile}` : ''})`;
    case 'AccessDenied':
    case 'AccessDeniedException':
    case 'AccessDeniedError':
      return local
        ? `The credentials were refused by ${ctx.label}: restart it, or let Flourish read its credentials from the state folder`
        : `The credentials${ctx.profile ? ` of profile "${ctx.profile}"` : ''} are not allowed to do this: check the IAM permissions for ${ctx.operation}`;
    case 'ExpiredTokenException':
    case 'ExpiredToken':
    case 'TokenProviderError':
      return `The session has expired: sign in again${ctx.profile ? ` (aws sso login --profile ${ctx.profile})` : ' (aws sso login)'} and retry`;
    case 'CredentialsProviderError':
      return ctx.profile
        ? `No credentials for profile "${ctx.profile}": check ~/.aws/config, or run \`aws sso login --profile ${ctx.profile}\``
        : 'No AWS credentials were found: set AWS_PROFILE, run `aws configure` or `aws sso login`, or pass --profile';
    case 'InvalidParameterValueException':
    case 'ValidationException':
      return 'The request was refused as invalid: check the value in flourish.yaml';
    case 'CodeStorageExceededException':
      return 'The account has no room for more code: delete old versions of functions you no longer need';
    case 'RequestEntityTooLargeException':
      return 'The package is larger than a direct upload allows (50 MB zipped): trim dependencies or exclude files in `package.exclude`';
    case 'TimeoutError':
      return `${ctx.label} did not finish the operation in time: check the function's state and run the command again`;
  }
  if (status !== undefined && status >= 500) {
    return `${ctx.label} had an internal error: try again; if it persists, report it with the request id`;
  }
  return `Check the request against ${ctx.label} and try again`;
}
