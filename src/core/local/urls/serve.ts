// Serves function URLs on the cloud's own listener, under `/lambda-url/<url-id>/` or by the host
// name `<url-id>.lambda-url.<region>.localhost:<port>` (for browsers): finds the URL,
// checks its auth type (SigV4 for service `lambda` when AWS_IAM), answers CORS preflights,
// runs the function through the invoker as Invoke does, and maps the result to HTTP.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ConcurrencyLimitError,
  type InvocationOutcome,
  type StreamFlow,
} from '../execution/contract';
import type { ReceivedBody } from '../http/body';
import { ApiError } from '../http/errors';
import { writeStreamed } from '../http/write-stream';
import { verifySignature, type Credentials } from '../http/sigv4';
import type { LambdaServices } from '../lambda/context';
import { target } from '../lambda/invoke';
import type { FunctionRecord } from '../lambda/model';
import { PartQueue } from '../lambda/part-queue';
import { resolveQualified } from '../lambda/resolve';
import { corsHeaders, preflight } from './cors';
import { buildUrlEvent } from './event';
import { URL_PATH_PREFIX, type FunctionUrlRecord } from './model';
import { badGateway, mapUrlResult, type UrlResponse } from './response';
import { streamedUrlResponse } from './stream';

/** Function URLs take at most 6 MB of request, as Lambda. */
export const MAX_URL_REQUEST_BYTES = 6 * 1024 * 1024;

export function isUrlPath(rawPath: string): boolean {
  return rawPath.startsWith(URL_PATH_PREFIX);
}

/** Which URL a request names, and the path the function sees (`/` at least). */
export interface UrlTarget {
  urlId: string;
  path: string;
}

export function urlFromPath(rawPath: string): UrlTarget {
  const rest = rawPath.slice(URL_PATH_PREFIX.length);
  const slash = rest.indexOf('/');
  return slash < 0
    ? { urlId: rest, path: '/' }
    : { urlId: rest.slice(0, slash), path: rest.slice(slash) };
}

/**
 * Lambda's host naming on loopback: `*.localhost` always resolves to this machine, so accepting
 * it keeps the DNS rebinding guard intact.
 */
export function urlFromHost(
  host: string | undefined,
  rawPath: string,
  region: string,
  port: number,
): UrlTarget | undefined {
  const match = /^([a-z0-9]{32})\.lambda-url\.([a-z0-9-]+)\.localhost:(\d+)$/.exec(
    (host ?? '').trim().toLowerCase(),
  );
  if (!match || match[2] !== region || Number(match[3]) !== port) return undefined;
  return { urlId: match[1]!, path: rawPath };
}

export interface UrlCall {
  req: IncomingMessage;
  target: UrlTarget;
  /** The path as sent (what a signature covers). */
  rawPath: string;
  rawQuery: string;
  body: ReceivedBody;
  requestId: string;
  signal: AbortSignal;
}

const message = (status: number, text: string): UrlResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify({ Message: text })),
});

function findUrl(
  services: LambdaServices,
  urlId: string,
): { fn: FunctionRecord; url: FunctionUrlRecord } | undefined {
  for (const fn of Object.values(services.store.state.functions)) {
    for (const url of Object.values(fn.urls ?? {})) if (url.urlId === urlId) return { fn, url };
  }
  return undefined;
}

export async function serveFunctionUrl(
  services: LambdaServices,
  credentials: Credentials,
  call: UrlCall,
): Promise<UrlResponse> {
  const { urlId } = call.target;
  const found = findUrl(services, urlId);
  if (!found) return message(404, 'Not Found');
  const { fn, url } = found;
  const method = call.req.method ?? 'GET';
  const origin = typeof call.req.headers.origin === 'string' ? call.req.headers.origin : undefined;

  const answer = preflight(url.cors, method, call.req.headers);
  if (answer !== undefined) return { status: 200, headers: answer, body: Buffer.alloc(0) };

  let caller: { accessKey: string; accountId: string } | undefined;
  if (url.authType === 'AWS_IAM') {
    try {
      await verifySignature(
        {
          method,
          rawPath: call.rawPath,
          rawQuery: call.rawQuery,
          headers: call.req.headers,
          bodySha256: call.body.sha256Hex,
        },
        credentials,
        'lambda',
        services.clock(),
      );
    } catch (error) {
      if (error instanceof ApiError) return message(403, 'Forbidden');
      throw error;
    }
    caller = { accessKey: credentials.accessKeyId, accountId: services.identity.accountId };
  }
  if (call.body.truncated || call.body.size > MAX_URL_REQUEST_BYTES) {
    return message(413, 'Request Entity Too Large');
  }

  const event = buildUrlEvent({
    method,
    rawPath: call.target.path,
    rawQuery: call.rawQuery,
    rawHeaders: call.req.rawHeaders,
    body: call.body.data,
    sourceIp: (call.req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    urlId,
    domainName: call.req.headers.host ?? '',
    requestId: call.requestId,
    now: services.clock(),
    caller,
  });
  const response = await run(services, fn, url, event, call);
  Object.assign(response.headers, corsHeaders(url.cors, origin));
  return response;
}

async function run(
  services: LambdaServices,
  fn: FunctionRecord,
  url: FunctionUrlRecord,
  event: Record<string, unknown>,
  call: UrlCall,
): Promise<UrlResponse> {
  let resolved;
  try {
    resolved = resolveQualified(
      services.store.state,
      services.identity,
      fn.name,
      url.qualifier === '$LATEST' ? undefined : url.qualifier,
    );
  } catch {
    return message(404, 'Not Found');
  }
  if (resolved.record.state !== 'Active') {
    return message(503, `The function is ${resolved.record.state}; try again once it is Active.`);
  }
  const chosen = await target(services, resolved);
  const config = await services.invoker.config(chosen.fn, chosen.record);
  // RESPONSE_STREAM: what the function streams is written as it comes.
  const parts = url.invokeMode === 'RESPONSE_STREAM' ? new PartQueue() : undefined;
  try {
    const running = services.invoker.invoke(
      config,
      {
        requestId: call.requestId,
        payload: Buffer.from(JSON.stringify(event)),
        invocationType: 'RequestResponse',
        signal: call.signal,
        ...(parts
          ? {
              onStream: (part: Buffer, type: string, flow: StreamFlow) =>
                parts.push(part, type, flow),
              // The HTTP response ends with the stream, though the function may go on.
              onStreamEnd: () => parts.end(true),
            }
          : {}),
      },
      url.qualifier === '$LATEST' ? undefined : url.qualifier,
    );
    if (parts) return await streamedUrlResponse(parts, running);
    return buffered(await running);
  } catch (error) {
    // The invoker has counted it as a throttle.
    if (error instanceof ConcurrencyLimitError) return message(429, 'Rate Exceeded.');
    throw error;
  }
}

function buffered(outcome: InvocationOutcome): UrlResponse {
  return outcome.functionError ? badGateway() : mapUrlResult(outcome.payload);
}

/** Writes a URL response; Lambda's request id header comes with every answer. */
export async function writeUrlResponse(
  res: ServerResponse,
  requestId: string,
  response: UrlResponse,
): Promise<void> {
  if (response.stream) {
    const stream = response.stream;
    const headers = { ...response.headers, 'x-amzn-RequestId': requestId };
    return writeStreamed(res, response.status, headers, prefixed(response.body, stream));
  }
  if (res.headersSent || res.destroyed) return;
  res.writeHead(response.status, {
    ...response.headers,
    'x-amzn-RequestId': requestId,
    'content-length': String(response.body.length),
  });
  res.end(response.body);
}

async function* prefixed(first: Buffer, rest: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  if (first.length > 0) yield first;
  yield* rest;
}
