// One request, end to end: host guard, body, signature, then the Lambda route table, the
// CloudWatch Logs JSON 1.1 dispatcher, CloudWatch's JSON 1.0 (GetMetricData), the live tail, a
// code download link, the Scheduler routes, IAM's query actions, or a function URL (which
// checks its own auth type).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, readBody, type ReceivedBody } from './http/body';
import { CODE_PATH_PREFIX, type CodeLinks } from './http/code-links';
import { ApiError, serviceError, unknownOperation } from './http/errors';
import { isAllowedHost } from './http/host-guard';
import { parseQuery, verifySignature, type Credentials } from './http/sigv4';
import { writeStreamed } from './http/write-stream';
import type { LambdaRequest, LambdaResponse, LambdaServices } from './lambda/context';
import type { Router } from './http/router';
import { bodyAllowance, lambdaRouter } from './lambda/routes';
import type { Identity } from './lambda/model';
import { LOGS_OPERATIONS } from './logs/handlers';
import type { LogStore } from './logs/log-store';
import { MONITORING_OPERATIONS } from './monitoring/get-metric-data';
import type { MetricStore } from './monitoring/metric-store';
import { streamTail, TAIL_PATH } from './logs/tail-endpoint';
import type { IamServices } from './iam/handlers';
import { isIamRequest, serveIam } from './iam/serve';
import { errorXml } from './iam/xml';
import { schedulerErrorBody } from './scheduler/errors';
import { isSchedulerPath, schedulerRouter, type SchedulerServices } from './scheduler/handlers';
import {
  MAX_URL_REQUEST_BYTES,
  serveFunctionUrl,
  urlFromHost,
  urlFromPath,
  writeUrlResponse,
  isUrlPath,
  type UrlTarget,
} from './urls/serve';

const HARD_BODY_CAP = 300 * 1024 * 1024;
const LOGS_TARGET_PREFIX = 'Logs_20140328.';
const MONITORING_TARGET_PREFIX = 'GraniteServiceVersion20100801.';

export interface ServerDeps {
  port: () => number;
  credentials: Credentials;
  identity: Identity;
  lambda: LambdaServices;
  logs: LogStore;
  metrics: MetricStore;
  scheduler: SchedulerServices;
  iam: IamServices;
  codeLinks: CodeLinks;
  clock: () => number;
  onError: (error: unknown) => void;
}

/** Also the SigV4 signing name each service's requests must carry. */
type Flavour = 'lambda' | 'logs' | 'monitoring' | 'scheduler' | 'iam' | 'url';

function flavourOf(
  method: string,
  rawPath: string,
  headers: IncomingMessage['headers'],
  url: UrlTarget | undefined,
): Flavour {
  if (url) return 'url';
  if (isIamRequest(method, rawPath, headers['content-type'])) return 'iam';
  // CloudWatch and CloudWatch Logs both POST JSON to `/`; their targets tell them apart.
  if (rawPath === '/' && String(headers['x-amz-target'] ?? '').startsWith(MONITORING_TARGET_PREFIX))
    return 'monitoring';
  if (rawPath === '/' || rawPath === TAIL_PATH) return 'logs';
  return isSchedulerPath(rawPath) ? 'scheduler' : 'lambda';
}

function bodyKept(flavour: Flavour, method: string, rawPath: string): number {
  if (flavour === 'logs') return 10 * 1024 * 1024;
  if (flavour === 'url') return MAX_URL_REQUEST_BYTES + 1;
  return flavour === 'lambda' ? bodyAllowance(method, rawPath) : 1024 * 1024;
}

/** An Invoke request read off the socket by the lean path (`http/lean-invoke.ts`). */
export interface InvokeRequest {
  rawPath: string;
  rawQuery: string;
  /** Lower-case names, each given once. */
  headers: Record<string, string>;
  body: ReceivedBody;
  /** Aborted when the caller hangs up before the answer is written. */
  signal: AbortSignal;
}

/** Writes one whole response: status, headers (with Content-Length), body. */
export type ResponseWriter = ((
  status: number,
  headers: Record<string, string>,
  body: Buffer | undefined,
) => void) & {
  /** Writes a body as it is produced; a writer without it gets the body gathered. */
  stream?: (
    status: number,
    headers: Record<string, string>,
    body: AsyncIterable<Buffer>,
  ) => Promise<void>;
};

export interface RequestHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /**
   * `POST /2015-03-31/functions/{FunctionName}/invocations` whose whole body is read and whose
   * Host header passed the guard: the same signature check, handler and answers as `(req, res)`.
   */
  invoke(request: InvokeRequest, write: ResponseWriter): void;
  /** Resolves once every request being handled has finished (for a clean stop). */
  idle(): Promise<void>;
}

export function createRequestHandler(deps: ServerDeps): RequestHandler {
  const router = lambdaRouter();
  const schedules = schedulerRouter();
  const services = jsonServices(deps);
  const inFlight = new Set<Promise<void>>();
  /** Keeps a request's work until it settles, so `idle()` can wait for it. */
  const track = (work: Promise<void>): void => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = randomUUID();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    const method = req.method ?? 'GET';
    const byHost = urlFromHost(req.headers.host, rawPath, deps.identity.region, deps.port());
    const functionUrl = byHost ?? (isUrlPath(rawPath) ? urlFromPath(rawPath) : undefined);
    const flavour = flavourOf(method, rawPath, req.headers, functionUrl);
    const fail = (error: unknown): void =>
      sendError(writerFor(res), requestId, flavour, error, deps.onError);

    if (!byHost && !isAllowedHost(req.headers.host, deps.port())) {
      req.resume();
      fail(
        new ApiError(
          'AccessDeniedException',
          403,
          `The Host header '${req.headers.host ?? ''}' is not a loopback address of this local cloud; requests must use 127.0.0.1:${deps.port()} (DNS rebinding protection).`,
        ),
      );
      return;
    }
    const work = readBody(req, bodyKept(flavour, method, rawPath), HARD_BODY_CAP)
      .then(async (body) => {
        const query = parseQuery(rawQuery);
        if (method === 'GET' && rawPath.startsWith(CODE_PATH_PREFIX)) {
          await serveCode(deps, rawPath, query, requestId, res);
          return;
        }
        if (functionUrl) {
          const signal = abortOnClose(res);
          const call = { req, target: functionUrl, rawPath, rawQuery, body, requestId, signal };
          await writeUrlResponse(
            res,
            requestId,
            await serveFunctionUrl(deps.lambda, deps.credentials, call),
          );
          return;
        }
        await verifySignature(
          { method, rawPath, rawQuery, headers: req.headers, bodySha256: body.sha256Hex },
          deps.credentials,
          flavour,
          deps.clock(),
        );
        if (rawPath === TAIL_PATH && method === 'GET') {
          serveTail(deps, query, requestId, res);
        } else if (flavour === 'iam') {
          const xml = await serveIam(deps.iam, body, requestId);
          send(res, 200, requestId, Buffer.from(xml), { 'Content-Type': 'text/xml' });
        } else if (flavour === 'logs' || flavour === 'monitoring') {
          serveJson(services[flavour], req, body, requestId, res);
        } else {
          const call = { req, res, method, rawPath, query, body, requestId };
          await (flavour === 'scheduler'
            ? serveRest(deps.scheduler, schedules, call)
            : serveRest(deps.lambda, router, call));
        }
      })
      .catch((error: unknown) => {
        if (error instanceof BodyTooLargeError) return;
        fail(error);
      });
    track(work);
  };
  const invoke = (request: InvokeRequest, write: ResponseWriter): void => {
    const requestId = randomUUID();
    const { rawPath, rawQuery, headers, body, signal } = request;
    const work = verifySignature(
      { method: 'POST', rawPath, rawQuery, headers, bodySha256: body.sha256Hex },
      deps.credentials,
      'lambda',
      deps.clock(),
    )
      .then(() => {
        const call = { method: 'POST', rawPath, query: parseQuery(rawQuery), headers, body };
        return respond(deps.lambda, router, { ...call, requestId, signal }, write);
      })
      .catch((error: unknown) => sendError(write, requestId, 'lambda', error, deps.onError));
    track(work);
  };
  return Object.assign(handler, {
    invoke,
    idle: () => Promise.all([...inFlight]).then(() => undefined),
  });
}

interface LambdaCall {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  rawPath: string;
  query: Record<string, string | string[]>;
  body: ReceivedBody;
  requestId: string;
}

/** Serves a REST JSON service (Lambda, Scheduler) on Node's HTTP server. */
function serveRest<S>(
  services: S,
  router: Router<(services: S, request: LambdaRequest) => Promise<LambdaResponse>>,
  call: LambdaCall,
): Promise<void> {
  const { req, res, ...rest } = call;
  const signal = () => abortOnClose(res);
  return respond(services, router, { ...rest, headers: req.headers, signal }, writerFor(res));
}

interface RouteCall {
  method: string;
  rawPath: string;
  query: Record<string, string | string[]>;
  headers: LambdaRequest['headers'];
  body: ReceivedBody;
  requestId: string;
  /** Made once a route matched (Node's path listens for the response's close only then). */
  signal: AbortSignal | (() => AbortSignal);
}

/** Route, run the handler, write its answer. */
async function respond<S>(
  services: S,
  router: Router<(services: S, request: LambdaRequest) => Promise<LambdaResponse>>,
  call: RouteCall,
  write: ResponseWriter,
): Promise<void> {
  const match = router.match(call.method, call.rawPath);
  if (match === undefined || match === 'method-not-allowed')
    throw unknownOperation(call.method, call.rawPath);
  const result = await match.handler(services, {
    params: match.params,
    query: call.query,
    headers: call.headers,
    body: call.body,
    requestId: call.requestId,
    signal: typeof call.signal === 'function' ? call.signal() : call.signal,
  });
  if (result.stream) {
    const headers = { ...result.headers, 'x-amzn-RequestId': call.requestId };
    if (write.stream) return write.stream(result.status, headers, result.stream);
    const parts: Buffer[] = [];
    for await (const part of result.stream) parts.push(part);
    return sendTo(write, result.status, call.requestId, Buffer.concat(parts), result.headers);
  }
  const payload =
    result.raw ??
    (result.json === undefined ? undefined : Buffer.from(JSON.stringify(result.json)));
  sendTo(write, result.status, call.requestId, payload, result.headers);
}

/** Aborted when the caller hangs up before the answer is written. */
function abortOnClose(res: ServerResponse): AbortSignal {
  const aborted = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) aborted.abort();
  });
  return aborted.signal;
}

/** One JSON-protocol service: the operation is named by the `X-Amz-Target` header. */
interface JsonService {
  name: string;
  targetPrefix: string;
  contentType: string;
  operations: Record<string, (input: Record<string, unknown>) => unknown>;
}

function jsonServices(deps: ServerDeps): Record<'logs' | 'monitoring', JsonService> {
  return {
    logs: {
      name: 'CloudWatch Logs',
      targetPrefix: LOGS_TARGET_PREFIX,
      contentType: 'application/x-amz-json-1.1',
      operations: bindOperations(LOGS_OPERATIONS, (handler, input) =>
        handler(deps.logs, deps.identity, input),
      ),
    },
    monitoring: {
      name: 'CloudWatch',
      targetPrefix: MONITORING_TARGET_PREFIX,
      contentType: 'application/x-amz-json-1.0',
      operations: bindOperations(MONITORING_OPERATIONS, (handler, input) =>
        handler(deps.metrics, input),
      ),
    },
  };
}

function bindOperations<H>(
  handlers: Record<string, H>,
  call: (handler: H, input: Record<string, unknown>) => unknown,
): JsonService['operations'] {
  return Object.fromEntries(
    Object.entries(handlers).map(([name, handler]) => [
      name,
      (input: Record<string, unknown>) => call(handler, input),
    ]),
  );
}

function serveJson(
  service: JsonService,
  req: IncomingMessage,
  body: ReceivedBody,
  requestId: string,
  res: ServerResponse,
): void {
  const target = String(req.headers['x-amz-target'] ?? '');
  const operation = target.startsWith(service.targetPrefix)
    ? target.slice(service.targetPrefix.length)
    : '';
  const handler = Object.hasOwn(service.operations, operation)
    ? service.operations[operation]
    : undefined;
  if (req.method !== 'POST' || !handler) {
    throw new ApiError(
      'UnknownOperationException',
      400,
      `The local cloud's ${service.name} does not implement '${target}'; it serves ${Object.keys(service.operations).join(', ')}.`,
    );
  }
  const output = handler(jsonInput(body));
  send(res, 200, requestId, Buffer.from(JSON.stringify(output)), {
    'Content-Type': service.contentType,
  });
}

/** The body of a JSON 1.0/1.1 request: an object, `{}` when empty. */
function jsonInput(body: ReceivedBody): Record<string, unknown> {
  if (body.truncated) {
    throw new ApiError('SerializationException', 400, 'The request body is too large.');
  }
  let input: unknown;
  try {
    input = body.size === 0 ? {} : JSON.parse(body.data.toString('utf8'));
  } catch (error) {
    throw new ApiError(
      'SerializationException',
      400,
      `The request body is not valid JSON: ${(error as Error).message}`,
    );
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ApiError('SerializationException', 400, 'The request body is not a JSON object.');
  }
  return input as Record<string, unknown>;
}

function serveTail(
  deps: ServerDeps,
  query: Record<string, string | string[]>,
  requestId: string,
  res: ServerResponse,
): void {
  const group = query.logGroupName;
  if (typeof group !== 'string' || group === '') {
    throw new ApiError(
      'InvalidParameterException',
      400,
      'The tail needs one logGroupName query parameter.',
    );
  }
  const streams = query.logStreamNames;
  streamTail(
    deps.logs,
    {
      logGroupName: group,
      logStreamNames:
        streams === undefined ? undefined : Array.isArray(streams) ? streams : [streams],
      filterPattern: typeof query.filterPattern === 'string' ? query.filterPattern : undefined,
    },
    res,
    { 'x-amzn-RequestId': requestId },
  );
}

async function serveCode(
  deps: ServerDeps,
  rawPath: string,
  query: Record<string, string | string[]>,
  requestId: string,
  res: ServerResponse,
): Promise<void> {
  const checked = deps.codeLinks.check(rawPath, query);
  if ('refused' in checked) throw new ApiError('AccessDeniedException', 403, checked.refused);
  let zip: Buffer;
  try {
    zip = await deps.lambda.code.readZip(checked.sha256Hex);
  } catch (error) {
    throw new ApiError(
      'NoSuchKey',
      404,
      'The package behind this code link no longer exists.',
      {},
      {},
      { cause: error },
    );
  }
  send(res, 200, requestId, zip, { 'Content-Type': 'application/zip' });
}

function writerFor(res: ServerResponse): ResponseWriter {
  const write: ResponseWriter = (status, headers, body) => {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, headers);
    res.end(body);
  };
  write.stream = (status, headers, body) => writeStreamed(res, status, headers, body);
  return write;
}

function send(
  res: ServerResponse,
  status: number,
  requestId: string,
  body: Buffer | undefined,
  headers: Record<string, string> = {},
): void {
  sendTo(writerFor(res), status, requestId, body, headers);
}

function sendTo(
  write: ResponseWriter,
  status: number,
  requestId: string,
  body: Buffer | undefined,
  headers: Record<string, string> = {},
): void {
  write(
    status,
    {
      'Content-Type': 'application/json',
      ...headers,
      'x-amzn-RequestId': requestId,
      'Content-Length': String(body?.length ?? 0),
    },
    body,
  );
}

function sendError(
  write: ResponseWriter,
  requestId: string,
  flavour: Flavour,
  error: unknown,
  onError: (error: unknown) => void,
): void {
  let apiError: ApiError;
  if (error instanceof ApiError) {
    apiError = error;
  } else {
    onError(error);
    apiError = serviceError(
      `The local cloud failed to handle the request: ${(error as Error)?.message ?? String(error)}`,
      error,
    );
  }
  if (flavour === 'iam') {
    sendTo(write, apiError.status, requestId, Buffer.from(errorXml(apiError, requestId)), {
      'Content-Type': 'text/xml',
    });
    return;
  }
  const body =
    flavour === 'logs' || flavour === 'monitoring'
      ? apiError.jsonRpcBody()
      : flavour === 'scheduler'
        ? schedulerErrorBody(apiError)
        : apiError.lambdaBody();
  sendTo(write, apiError.status, requestId, Buffer.from(JSON.stringify(body)), {
    ...apiError.headers,
    'x-amzn-ErrorType': apiError.type,
    ...(flavour === 'logs' ? { 'Content-Type': 'application/x-amz-json-1.1' } : {}),
    ...(flavour === 'monitoring' ? { 'Content-Type': 'application/x-amz-json-1.0' } : {}),
  });
}
