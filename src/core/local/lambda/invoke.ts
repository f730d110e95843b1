// Invoke: RequestResponse, Event (202, queued) and DryRun (204), with Lambda's payload limits
// and response headers; and InvokeWithResponseStream, which answers as an event stream.
import {
  ConcurrencyLimitError,
  type InvocationOutcome,
  type InvocationRequest,
} from '../execution/contract';
import { encodeEventMessage } from '../http/event-stream';
import {
  ApiError,
  conflict,
  entityTooLarge,
  invalidParameter,
  invalidRequestContent,
  tooManyRequests,
} from '../http/errors';
import {
  headerValue,
  queryString,
  type LambdaHandler,
  type LambdaRequest,
  type LambdaServices,
} from './context';
import type { FunctionRecord, VersionRecord } from './model';
import { PartQueue } from './part-queue';
import { resolveQualified, type Resolved } from './resolve';

export const MAX_SYNC_PAYLOAD = 6 * 1024 * 1024;
export const MAX_ASYNC_PAYLOAD = 1024 * 1024;
const TAIL_BYTES = 4096;
const STREAM_CHUNK_BYTES = 64 * 1024;

type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

function invocationType(request: LambdaRequest): InvocationType {
  const type = headerValue(request, 'x-amz-invocation-type') ?? 'RequestResponse';
  if (type !== 'RequestResponse' && type !== 'Event' && type !== 'DryRun') {
    throw invalidParameter(
      `1 validation error detected: Value '${type}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
    );
  }
  return type;
}

/** Checks size, target and payload as Lambda does before anything runs. */
function admit(
  services: LambdaServices,
  request: LambdaRequest,
  type: InvocationType,
): { resolved: Resolved; payload: Buffer } {
  const limit = type === 'Event' ? MAX_ASYNC_PAYLOAD : MAX_SYNC_PAYLOAD;
  if (request.body.truncated || request.body.size > limit) {
    // Lambda words the two limits differently.
    if (type !== 'Event') throw entityTooLarge(limit, 'InvokeFunction');
    throw new ApiError(
      'RequestEntityTooLargeException',
      413,
      `${request.body.size} byte payload is too large for the Event invocation type (limit ${limit} bytes)`,
    );
  }
  const resolved = resolveQualified(
    services.store.state,
    services.identity,
    request.params.FunctionName!,
    queryString(request, 'Qualifier'),
  );
  if (resolved.record.state === 'Pending' || resolved.fn.latest.state === 'Pending') {
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
  checkClientContext(headerValue(request, 'x-amz-client-context'));
  return { resolved, payload };
}

const MAX_CLIENT_CONTEXT = 3583;

function checkClientContext(value: string | undefined): void {
  if (value === undefined) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (value.length > MAX_CLIENT_CONTEXT || typeof parsed !== 'object' || parsed === null) {
    throw invalidRequestContent(
      `Client context must be a valid Base64-encoded JSON object of at most ${MAX_CLIENT_CONTEXT} bytes.`,
    );
  }
}

/** The version an invocation runs (also used by function URLs and schedules). */
export async function target(
  services: LambdaServices,
  resolved: Resolved,
): Promise<{ fn: FunctionRecord; record: VersionRecord }> {
  const { fn } = resolved;
  // While $LATEST is being updated (or after its update failed) it runs its settled form.
  const changing =
    fn.latest.lastUpdateStatus === 'InProgress' || fn.latest.lastUpdateStatus === 'Failed';
  const primary =
    resolved.record === fn.latest && changing && fn.serving ? fn.serving : resolved.record;
  const record = services.invoker.route(fn, primary, resolved.alias?.additionalVersionWeights);
  return { fn: resolved.fn, record };
}

async function runNow(
  services: LambdaServices,
  request: LambdaRequest,
  resolved: Resolved,
  payload: Buffer,
): Promise<{ record: VersionRecord; outcome: InvocationOutcome }> {
  const chosen = await target(services, resolved);
  const outcome = await execute(services, request, resolved, chosen, payload);
  return { record: chosen.record, outcome };
}

/** Runs the chosen version now; a streamed response goes to `onStream` as it arrives. */
async function execute(
  services: LambdaServices,
  request: LambdaRequest,
  resolved: Resolved,
  chosen: { fn: FunctionRecord; record: VersionRecord },
  payload: Buffer,
  onStream?: InvocationRequest['onStream'],
): Promise<InvocationOutcome> {
  const config = await services.invoker.config(chosen.fn, chosen.record);
  try {
    return await services.invoker.invoke(
      config,
      {
        requestId: request.requestId,
        payload,
        invocationType: 'RequestResponse',
        clientContext: headerValue(request, 'x-amz-client-context'),
        signal: request.signal,
        ...(onStream ? { onStream } : {}),
      },
      resolved.qualifier,
    );
  } catch (error) {
    if (error instanceof ConcurrencyLimitError) {
      throw tooManyRequests('Rate Exceeded.', 'ConcurrentInvocationLimitExceeded');
    }
    // The caller hung up: nobody is left to answer, and that is no fault of the cloud.
    if (request.signal.aborted) throw callerGone(error);
    throw error;
  }
}

function logTail(request: LambdaRequest, outcome: InvocationOutcome): string | undefined {
  if (headerValue(request, 'x-amz-log-type') !== 'Tail') return undefined;
  const log = Buffer.from(outcome.log, 'utf8');
  return log.subarray(Math.max(0, log.length - TAIL_BYTES)).toString('base64');
}

export const invoke: LambdaHandler = async (services, request) => {
  const type = invocationType(request);
  const { resolved, payload } = admit(services, request, type);
  if (type === 'DryRun') return { status: 204 };
  if (type === 'Event') {
    const { fn, record } = await target(services, resolved);
    const config = await services.invoker.config(fn, record);
    services.invoker.enqueue(
      config,
      payload,
      headerValue(request, 'x-amz-client-context'),
      resolved.qualifier,
    );
    return { status: 202 };
  }
  const { record, outcome } = await runNow(services, request, resolved, payload);
  const headers: Record<string, string> = { 'X-Amz-Executed-Version': record.version };
  if (outcome.functionError) headers['X-Amz-Function-Error'] = outcome.functionError;
  const tail = logTail(request, outcome);
  if (tail !== undefined) headers['X-Amz-Log-Result'] = tail;
  return { status: 200, raw: outcome.payload, headers };
};

/**
 * InvokeWithResponseStream. A handler that streams (`awslambda.streamifyResponse`) is answered
 * as it writes: the event stream starts with its first part, which goes out in PayloadChunk
 * events of at most 64 KB, and ends with InvokeComplete. Any other handler's whole response is
 * framed the same way once it returns. Errors before the function answers anything (the
 * function cannot run, too many requests) are the API's errors, as in Lambda.
 */
export const invokeWithResponseStream: LambdaHandler = async (services, request) => {
  const type = invocationType(request);
  if (type === 'Event') {
    throw invalidParameter(
      'InvokeWithResponseStream supports the RequestResponse and DryRun invocation types only.',
    );
  }
  const { resolved, payload } = admit(services, request, type);
  if (type === 'DryRun') return { status: 204 };
  const chosen = await target(services, resolved);
  const parts = new PartQueue();
  const running = execute(services, request, resolved, chosen, payload, (part, type, flow) =>
    parts.push(part, type, flow),
  );
  const ended = await parts.follow(running);
  return {
    status: 200,
    stream: responseEvents(request, parts, running),
    headers: {
      // The stream's own type (ResponseStreamContentType); the body is an event stream anyway.
      'Content-Type': parts.contentType ?? ended?.streamed?.contentType ?? 'application/json',
      'X-Amz-Executed-Version': chosen.record.version,
    },
  };
};

async function* responseEvents(
  request: LambdaRequest,
  parts: PartQueue,
  running: Promise<InvocationOutcome>,
): AsyncGenerator<Buffer> {
  for await (const part of parts) yield* payloadChunks(part);
  const outcome = await running;
  if (!outcome.streamed && !outcome.functionError) yield* payloadChunks(outcome.payload);
  const complete: Record<string, string> = {};
  if (outcome.functionError) {
    const error = parseErrorDocument(outcome.payload);
    complete.ErrorCode = error.errorType ?? outcome.functionError;
    complete.ErrorDetails = error.errorMessage ?? outcome.payload.toString('utf8');
  }
  const tail = logTail(request, outcome);
  if (tail !== undefined) complete.LogResult = tail;
  yield encodeEventMessage(
    'InvokeComplete',
    'application/json',
    Buffer.from(JSON.stringify(complete)),
  );
}

function* payloadChunks(body: Buffer): Generator<Buffer> {
  for (let offset = 0; offset < body.length; offset += STREAM_CHUNK_BYTES) {
    yield encodeEventMessage(
      'PayloadChunk',
      'application/octet-stream',
      body.subarray(offset, offset + STREAM_CHUNK_BYTES),
    );
  }
}

function parseErrorDocument(payload: Buffer): { errorType?: string; errorMessage?: string } {
  try {
    return JSON.parse(payload.toString('utf8')) as { errorType?: string; errorMessage?: string };
  } catch {
    return {};
  }
}

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
