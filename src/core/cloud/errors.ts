// Errors from a cloud, normalised: what failed, on what, the platform's own error name, HTTP
// status and request id (what a support ticket needs), and what to do next.

export interface CloudErrorDetails {
  /** The provider's error name, e.g. `ResourceNotFoundException`, or a network code. */
  code: string;
  /** The operation that failed, e.g. `UpdateFunctionCode`. */
  operation: string;
  /** What it was about, e.g. `function hello-dev-greet`. */
  resource?: string;
  httpStatus?: number;
  requestId?: string;
  /** What the user can do about it. */
  hint?: string;
  /** True when the same call may succeed if simply repeated. */
  retryable?: boolean;
  cause?: unknown;
}

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'AccessDeniedError']);

export class CloudError extends Error {
  readonly code: string;
  readonly operation: string;
  readonly resource?: string;
  readonly httpStatus?: number;
  readonly requestId?: string;
  readonly hint?: string;
  readonly retryable: boolean;

  constructor(message: string, details: CloudErrorDetails) {
    super(composeMessage(message, details), { cause: details.cause });
    this.name = 'CloudError';
    this.code = details.code;
    this.operation = details.operation;
    this.resource = details.resource;
    this.httpStatus = details.httpStatus;
    this.requestId = details.requestId;
    this.hint = details.hint;
    this.retryable = details.retryable ?? false;
  }

  /** True when the thing asked for does not exist. */
  get notFound(): boolean {
    return this.code === 'ResourceNotFoundException' || this.httpStatus === 404;
  }

  /** True when the credentials are not allowed to do this (an IAM policy lacks the action). */
  get accessDenied(): boolean {
    return ACCESS_DENIED.has(this.code) || this.httpStatus === 403;
  }
}

function composeMessage(message: string, d: CloudErrorDetails): string {
  const about = d.resource ? ` on ${d.resource}` : '';
  const facts = [d.code];
  if (d.httpStatus !== undefined) facts.push(`HTTP ${d.httpStatus}`);
  if (d.requestId) facts.push(`request id ${d.requestId}`);
  // The hint follows as a sentence of its own, so the message's own full stop is dropped.
  const text = `${d.operation}${about} failed (${facts.join(', ')}): ${message.replace(/[.\s]+$/, '')}`;
  return d.hint ? `${text}. ${d.hint}` : text;
}

/** True for an error caused by an AbortSignal, whatever layer raised it. */
export function isAbortError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'AbortError' || (error.cause instanceof Error && isAbortError(error.cause));
}
