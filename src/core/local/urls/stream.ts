// A function URL in RESPONSE_STREAM mode: the function's stream becomes the HTTP response as it
// arrives. A stream of type application/vnd.awslambda.http-integration-response (what
// awslambda.HttpResponseStream.from writes) starts with a JSON prelude (statusCode, headers,
// cookies) ended by 8 NUL bytes; any other stream is a 200 with the stream's content type. A
// handler that does not stream is answered as in BUFFERED mode.
import type { InvocationOutcome } from '../execution/contract';
import type { PartQueue } from '../lambda/part-queue';
import { badGateway, mapUrlResult, type UrlResponse } from './response';

export const HTTP_INTEGRATION_TYPE = 'application/vnd.awslambda.http-integration-response';
const PRELUDE_END = Buffer.alloc(8);

export async function streamedUrlResponse(
  parts: PartQueue,
  running: Promise<InvocationOutcome>,
): Promise<UrlResponse> {
  const ended = await parts.follow(running);
  if (ended && !ended.streamed) {
    return ended.functionError ? badGateway() : mapUrlResult(ended.payload);
  }
  // Failed before it wrote anything: nothing was sent, so it is a failure like any other.
  if (ended?.functionError) return badGateway();
  const contentType = parts.contentType ?? ended?.streamed?.contentType ?? HTTP_INTEGRATION_TYPE;
  const reader = parts[Symbol.asyncIterator]();
  if (contentType !== HTTP_INTEGRATION_TYPE) {
    return {
      status: 200,
      headers: { 'content-type': contentType },
      body: Buffer.alloc(0),
      stream: rest(reader, parts, running),
    };
  }
  let head: Buffer = Buffer.alloc(0);
  for (;;) {
    const next = await reader.next();
    if (next.done) break;
    head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
    const end = head.indexOf(PRELUDE_END);
    if (end >= 0) {
      const prelude = parsePrelude(head.subarray(0, end));
      if (!prelude) break;
      return {
        ...prelude,
        body: head.subarray(end + PRELUDE_END.length),
        stream: rest(reader, parts, running),
      };
    }
  }
  // No prelude, or one that is not JSON with a valid status: Lambda answers 502.
  await reader.return?.(undefined);
  return badGateway();
}

/** The rest of the stream; it fails (the caller sees the body cut short) if the function did. */
async function* rest(
  reader: AsyncIterator<Buffer>,
  parts: PartQueue,
  running: Promise<InvocationOutcome>,
): AsyncGenerator<Buffer> {
  try {
    for (;;) {
      const next = await reader.next();
      if (next.done) break;
      yield next.value;
    }
  } finally {
    // Also when the caller went away: the queue lets the function's stream go on.
    await reader.return?.(undefined);
  }
  if (parts.streamEnded) return;
  const outcome = await running.catch(() => undefined);
  if (!outcome || outcome.functionError) {
    throw new Error('The function ended without ending its response stream.');
  }
}

function parsePrelude(bytes: Buffer): Omit<UrlResponse, 'body'> | undefined {
  let prelude: unknown;
  try {
    prelude = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof prelude !== 'object' || prelude === null || Array.isArray(prelude)) return undefined;
  const { statusCode = 200, headers = {}, cookies = [] } = prelude as Record<string, unknown>;
  const status = Number(statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599) return undefined;
  if (typeof headers !== 'object' || headers === null || !Array.isArray(cookies)) return undefined;
  const mapped: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) mapped[name.toLowerCase()] = String(value);
  if (cookies.length > 0) mapped['set-cookie'] = cookies.map(String);
  return { status, headers: mapped };
}
