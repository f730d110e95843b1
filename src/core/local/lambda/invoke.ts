// Invoke: RequestResponse, Event (202, queued) and DryRun (204), with Lambda's payload limits
// and response headers.
import { ConcurrencyLimitError } from '../execution/contract';
import {
  ApiError,
  conflict,
  entityTooLarge,
  invalidParameter,
  invalidRequestContent,
  tooManyRequests,
} from '../http/errors';
import { headerValue, queryString, type LambdaHandler } from './context';
import { resolveQualified } from './resolve';

export const MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;
export const MAX_ASYNC_PAYLOAD = 1024 * 1024;
const TAIL_BYTES = 4096;

export const invoke: LambdaHandler = async (services, request) => {
  const type = headerValue(request, 'x-amz-invocation-type') ?? 'RequestResponse';
  if (type !== 'RequestResponse' && type !== 'Event' && type !== 'DryRun') {
    throw invalidParameter(
      `1 validation error detected: Value '${type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
    );
  }
  const limit = type === 'Event' ? MAX_ASYNC_PAYLOAD : MAX_SYNC_PAYLOAD;
  if (request.body.truncated || request.body.size > limit)
    throw entityTooLarge(limit, 'InvokeFunction');

  const resolved = resolveQualified(
    services.store.state,
    services.identity,
    request.params.FunctionName!,
    queryString(request, 'Qualifier'),
  );
  const { fn } = resolved;
  const state = fn.latest.state;
  if (resolved.record.state === 'Pending' || state === 'Pending') {
    throw conflict(
      'The operation cannot be performed at this time. The function is currently in the following state: Pending',
    );
  }
  if (resolved.record.state === 'Failed') {
    throw conflict(
      `Lambda is unable to invoke the function because it is in the Failed state: ${resolved.record.stateReason ?? 'its last change failed'}. Update the function's code to recover.`,
    );
  }
  const payload = request.body.size === 0 ? Buffer.from('{}') : request.body.data;
  try {
    JSON.parse(payload.toString('utf8'));
  } catch (error) {
    throw invalidRequestContent(
      `Could not parse request body into json: Could not parse payload into json: ${(error as Error).message}`,
    );
  }
  if (type === 'DryRun') return { status: 204 };

  // An update that is still settling runs once its package is unpacked.
  await services.lifecycle.settled(fn.name);
  const record = services.invoker.route(
    fn,
    resolved.record,
    resolved.alias?.additionalVersionWeights,
  );
  const config = await services.invoker.config(fn, record);
  const clientContext = headerValue(request, 'x-amz-client-context');

  if (type === 'Event') {
    services.invoker.enqueue(config, payload, clientContext);
    return { status: 202 };
  }

  let outcome;
  try {
    outcome = await services.invoker.invoke(config, {
      requestId: request.requestId,
      payload,
      invocationType: 'RequestResponse',
      clientContext,
      signal: request.signal,
    });
  } catch (error) {
    if (error instanceof ConcurrencyLimitError) {
      throw tooManyRequests('Rate Exceeded.', 'ConcurrentInvocationLimitExceeded');
    }
    // The caller hung up: nobody is left to answer, and that is no fault of the cloud.
    if (request.signal.aborted) throw callerGone(error);
    throw error;
  }
  const headers: Record<string, string> = { 'X-Amz-Executed-Version': record.version };
  if (outcome.functionError) headers['X-Amz-Function-Error'] = outcome.functionError;
  if (headerValue(request, 'x-amz-log-type') === 'Tail') {
    const log = Buffer.from(outcome.log, 'utf8');
    headers['X-Amz-Log-Result'] = log
      .subarray(Math.max(0, log.length - TAIL_BYTES))
      .toString('base64');
  }
  return { status: 200, raw: outcome.payload, headers };
};

function callerGone(cause: unknown): ApiError {
  return new ApiError(
    'RequestAborted',
    499,
    'The caller closed the connection before the invocation ended.',
    {},
    {},
    { cause },
  );
}
