// Lambda's error wire format: the status, `x-amzn-ErrorType` and a JSON body whose member names
// follow the SDK's models, so the unmodified SDK raises the same exception class as against AWS.

/** Error types whose model names the message member `Message` (the rest use `message`). */
const CAPITALISED_MESSAGE = new Set(['ResourceNotFoundException', 'ServiceException']);

export class ApiError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = type;
  }

  /** The Lambda REST body: `Type` plus the message member the model declares. */
  lambdaBody(): Record<string, unknown> {
    const messageKey = CAPITALISED_MESSAGE.has(this.type) ? 'Message' : 'message';
    const kind = this.status >= 500 ? 'Service' : 'User';
    return { Type: kind, [messageKey]: this.message, ...this.extra };
  }

  /** The JSON 1.1 body CloudWatch Logs sends. */
  jsonRpcBody(): Record<string, unknown> {
    return { __type: this.type, message: this.message, ...this.extra };
  }
}

export const notFound = (message: string): ApiError =>
  new ApiError('ResourceNotFoundException', 404, message);

export const conflict = (message: string): ApiError =>
  new ApiError('ResourceConflictException', 409, message);

export const invalidParameter = (message: string): ApiError =>
  new ApiError('InvalidParameterValueException', 400, message);

export const invalidRequestContent = (message: string): ApiError =>
  new ApiError('InvalidRequestContentException', 400, message);

export const preconditionFailed = (message: string): ApiError =>
  new ApiError('PreconditionFailedException', 412, message);

/** Lambda answers an oversized request body with this name (not the model's RequestTooLarge). */
export const entityTooLarge = (limit: number, operation: string): ApiError =>
  new ApiError(
    'RequestEntityTooLargeException',
    413,
    `Request must be smaller than ${limit} bytes for the ${operation} operation`,
  );

export const tooManyRequests = (message: string, reason: string): ApiError =>
  new ApiError(
    'TooManyRequestsException',
    429,
    message,
    { Reason: reason },
    { 'Retry-After': '1' },
  );

export const serviceError = (message: string, cause?: unknown): ApiError =>
  new ApiError('ServiceException', 500, message, {}, {}, { cause });

export const unknownOperation = (method: string, path: string): ApiError =>
  new ApiError(
    'UnknownOperationException',
    404,
    `The local cloud does not implement ${method} ${path}; check the SDK version or the endpoint.`,
  );

/** CloudWatch Logs: a missing group or stream is a 400 there, not a 404. */
export const logsNotFound = (message: string): ApiError =>
  new ApiError('ResourceNotFoundException', 400, message);

export const logsInvalidParameter = (message: string): ApiError =>
  new ApiError('InvalidParameterException', 400, message);
