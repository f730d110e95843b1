// The Lambda Runtime API (2018-06-01) for one execution environment, on loopback. The worker
// long-polls /invocation/next; the environment hands it one event at a time and learns the
// result from /response or /error. Status codes and error bodies follow the API reference.
import type { StreamFlow } from './contract';
import { Http1Server, type BodySink, type Http1Reply, type Http1Request } from './http1';
import { isOwnUsersConnection } from './loopback-peer';

const PREFIX = '/2018-06-01/runtime';
/**
 * Lambda's limit on a synchronous response and on an error document: 100 bytes over 6 MiB
 * ("exceeded maximum allowed payload size (6291556 bytes)"), where requests stop at 6 MiB.
 */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024 + 100;
/** Lambda's limit on a streamed response. */
export const MAX_STREAMED_RESPONSE_BYTES = 200 * 1024 * 1024;
const STREAMING_MODE = 'lambda-runtime-function-response-mode';
const ERROR_TYPE_FIELD = 'lambda-runtime-function-error-type';
const ERROR_BODY_FIELD = 'lambda-runtime-function-error-body';

export interface RuntimeEvent {
  requestId: string;
  payload: Buffer;
  deadlineMs: number;
  invokedFunctionArn: string;
  traceId: string;
  clientContext?: string;
}

export type RuntimeResult =
  | { kind: 'response'; body: Buffer }
  | { kind: 'error'; body: Buffer; errorType?: string }
  | { kind: 'too-large'; bytes: number }
  /** A streamed response is over; its bytes went to onStreamData, an error came in trailers. */
  | {
      kind: 'streamed';
      contentType: string;
      bytes: number;
      error?: { errorType: string; body: Buffer };
    };

export interface RuntimeApiListener {
  /** The runtime asked for its first event: initialisation is over. */
  onFirstNext(): void;
  onResult(requestId: string, result: RuntimeResult): void;
  /** Part of a streamed response, as it arrives (at most MAX_STREAMED_RESPONSE_BYTES in all). */
  onStreamData(requestId: string, part: Buffer, contentType: string, flow: StreamFlow): void;
  /**
   * A streamed response is complete. The invocation is not: the handler may still run, and its
   * result is reported when the runtime asks for its next event, as Lambda ends an invocation.
   */
  onStreamEnd(requestId: string): void;
  onInitError(body: Buffer, errorType?: string): void;
  /** The runtime received the current event. */
  onDelivered(): void;
}

type Phase = 'init' | 'ready' | 'invoking' | 'failed';

const JSON_HEADERS = { 'content-type': 'application/json' };
const IGNORE: RuntimeApiListener = {
  onFirstNext: () => undefined,
  onResult: () => undefined,
  onStreamData: () => undefined,
  onStreamEnd: () => undefined,
  onInitError: () => undefined,
  onDelivered: () => undefined,
};
const ACCEPTED = '{"status":"OK"}';

export class RuntimeApiServer {
  private readonly server: Http1Server;
  private phase: Phase = 'init';
  private parked: Http1Reply | undefined;
  private pending: RuntimeEvent | undefined;
  private current: string | undefined;
  private deliveredCurrent = false;
  private address = '';
  /** Streamed responses being received, by their request. */
  private readonly streams = new WeakMap<Http1Request, { contentType: string; bytes: number }>();
  /** A streamed response that is complete, reported once the runtime asks for its next event. */
  private streamedResult: { requestId: string; result: RuntimeResult } | undefined;

  /**
   * `ownUserOnly`: serve only connections from processes of this user (see loopback-peer).
   * The listener may come later (`attach`): a spare process connects before it has a function.
   */
  constructor(
    private listener: RuntimeApiListener = IGNORE,
    ownUserOnly = false,
  ) {
    this.server = new Http1Server(
      (req, reply) => this.route(req, reply),
      MAX_RESPONSE_BYTES,
      ownUserOnly
        ? (socket) => isOwnUsersConnection(socket.remotePort ?? 0, socket.localPort ?? 0)
        : undefined,
      (req, flow) => this.streamFor(req, flow),
    );
  }

  /**
   * A streamed response (`Lambda-Runtime-Function-Response-Mode: streaming`, chunked) for the
   * current request is passed on as it arrives; anything else is read whole.
   */
  private streamFor(req: Http1Request, flow: StreamFlow): BodySink | undefined {
    if (req.method !== 'POST' || req.headers[STREAMING_MODE]?.toLowerCase() !== 'streaming') {
      return undefined;
    }
    const match = RESPONSE_PATH.exec(req.path);
    if (!match || !fromRuntime(req, this.address)) return undefined;
    const requestId = decodeURIComponent(match[1]!);
    if (requestId !== this.current) return undefined;
    const stream = {
      contentType: req.headers['content-type'] || 'application/octet-stream',
      bytes: 0,
    };
    this.streams.set(req, stream);
    return {
      data: (part) => {
        // The request may have ended another way meanwhile (an /error, say): its parts stop.
        if (requestId !== this.current) return;
        // Past the limit only the count goes on: the result then reports the stream too large.
        const room = MAX_STREAMED_RESPONSE_BYTES - stream.bytes;
        stream.bytes += part.length;
        if (room <= 0) return;
        const fits = room >= part.length ? part : part.subarray(0, room);
        this.listener.onStreamData(requestId, fits, stream.contentType, flow);
      },
    };
  }

  /** The environment that now owns this server. */
  attach(listener: RuntimeApiListener): void {
    this.listener = listener;
  }

  /** Whether a runtime has connected (a spare does once it has started). */
  get connected(): boolean {
    return this.server.connected;
  }

  /** `host:port` once listening. */
  get runtimeApi(): string {
    return this.address;
  }

  /** Listens on 127.0.0.1 and returns `host:port` for AWS_LAMBDA_RUNTIME_API. */
  async listen(): Promise<string> {
    const port = await this.server.listen();
    this.address = `127.0.0.1:${port}`;
    return this.address;
  }

  /** Gives the runtime its next event, now if it is waiting on /next, else when it asks. */
  dispatch(event: RuntimeEvent): void {
    this.current = event.requestId;
    this.deliveredCurrent = false;
    this.phase = 'invoking';
    const parked = this.parked;
    if (parked && !parked.closed) {
      this.parked = undefined;
      this.deliver(parked, event);
    } else {
      this.parked = undefined;
      this.pending = event;
    }
  }

  /** Whether the runtime has received the event last dispatched. */
  get delivered(): boolean {
    return this.deliveredCurrent;
  }

  private deliver(reply: Http1Reply, event: RuntimeEvent): void {
    this.deliveredCurrent = true;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'lambda-runtime-aws-request-id': event.requestId,
      'lambda-runtime-deadline-ms': String(event.deadlineMs),
      'lambda-runtime-invoked-function-arn': event.invokedFunctionArn,
      'lambda-runtime-trace-id': event.traceId,
    };
    if (event.clientContext) headers['lambda-runtime-client-context'] = event.clientContext;
    reply.send(200, event.payload, headers);
    this.listener.onDelivered();
  }

  async close(): Promise<void> {
    this.parked = undefined;
    await this.server.close();
  }

  private route(req: Http1Request, reply: Http1Reply): void {
    if (!fromRuntime(req, this.address)) {
      return fail(reply, 403, 'Forbidden', 'The Runtime API serves the function runtime only');
    }
    const url = req.path;
    if (!url.startsWith(PREFIX)) return fail(reply, 404, 'NotFound', `Unknown path ${url}`);
    const rest = url.slice(PREFIX.length);
    if (req.method === 'GET' && rest === '/invocation/next') return this.next(reply);
    if (req.method === 'POST' && rest === '/init/error') return this.initError(req, reply);
    const match = /^\/invocation\/([^/]+)\/(response|error)$/.exec(rest);
    if (req.method === 'POST' && match) {
      return this.result(
        req,
        reply,
        decodeURIComponent(match[1]!),
        match[2] as 'response' | 'error',
      );
    }
    fail(reply, 404, 'NotFound', `Unknown resource ${req.method} ${url}`);
  }

  private next(reply: Http1Reply): void {
    if (this.parked && !this.parked.closed) {
      return fail(reply, 403, 'InvalidStateTransition', 'A /next request is already waiting');
    }
    if (this.phase === 'init') {
      this.phase = 'ready';
      this.listener.onFirstNext();
    }
    const streamed = this.streamedResult;
    if (streamed) {
      this.streamedResult = undefined;
      this.listener.onResult(streamed.requestId, streamed.result);
    }
    const pending = this.pending;
    if (pending) {
      this.pending = undefined;
      this.deliver(reply, pending);
      return;
    }
    this.parked = reply;
  }

  private result(
    req: Http1Request,
    reply: Http1Reply,
    requestId: string,
    kind: 'response' | 'error',
  ): void {
    // As Lambda's runtime API: a result with no invocation running (or a second result) is
    // a refused state transition; one for another request while one runs, a bad request id.
    if (this.phase !== 'invoking' || this.current === undefined) {
      const target = kind === 'response' ? 'InvocationResponse' : 'InvocationErrorResponse';
      return fail(
        reply,
        403,
        'InvalidStateTransition',
        `State transition from Ready to ${target} failed for runtime. Error: no invocation is running`,
      );
    }
    if (requestId !== this.current) {
      return fail(
        reply,
        400,
        'InvalidRequestID',
        `Request ${requestId} is not the current request`,
      );
    }
    this.current = undefined;
    this.phase = 'ready';
    const stream = this.streams.get(req);
    if (stream) {
      reply.send(202, ACCEPTED, JSON_HEADERS, true);
      const result: RuntimeResult = { kind: 'streamed', ...stream, error: streamError(req) };
      this.streamedResult = { requestId, result };
      this.listener.onStreamEnd(requestId);
      return;
    }
    if (!req.body) {
      fail(
        reply,
        413,
        'RequestEntityTooLarge',
        `The ${kind} is ${req.bodyBytes} bytes, over the limit of ${MAX_RESPONSE_BYTES} bytes`,
      );
      this.listener.onResult(requestId, { kind: 'too-large', bytes: req.bodyBytes });
      return;
    }
    // The acknowledgement may travel with the next event if the runtime already asked for it.
    reply.send(202, ACCEPTED, JSON_HEADERS, true);
    const errorType = req.headers[ERROR_TYPE_FIELD];
    this.listener.onResult(
      requestId,
      kind === 'response' ? { kind, body: req.body } : { kind, body: req.body, errorType },
    );
  }

  private initError(req: Http1Request, reply: Http1Reply): void {
    if (this.phase !== 'init') {
      return fail(reply, 403, 'InvalidStateTransition', 'Initialisation is already complete');
    }
    this.phase = 'failed';
    reply.send(202, ACCEPTED, JSON_HEADERS);
    this.listener.onInitError(req.body ?? Buffer.alloc(0), req.headers[ERROR_TYPE_FIELD]);
  }
}

const RESPONSE_PATH = new RegExp(`^${PREFIX}/invocation/([^/]+)/response$`);

/** The error a streamed response reported in its trailers, if any. */
function streamError(req: Http1Request): { errorType: string; body: Buffer } | undefined {
  const errorType = req.trailers[ERROR_TYPE_FIELD];
  if (errorType === undefined) return undefined;
  const encoded = req.trailers[ERROR_BODY_FIELD];
  const body = encoded
    ? Buffer.from(encoded, 'base64')
    : Buffer.from(JSON.stringify({ errorType, errorMessage: errorType }));
  return { errorType, body };
}

/**
 * A runtime addresses the API by the address it was given and is no browser: a request with
 * another Host (DNS rebinding) or with browser fetch metadata (a web page) is refused.
 */
function fromRuntime(req: Http1Request, address: string): boolean {
  const host = req.headers.host;
  if (
    host !== undefined &&
    host !== address &&
    host !== address.replace('127.0.0.1', 'localhost')
  ) {
    return false;
  }
  // Browsers send Sec-Fetch-Site to loopback; Node's fetch sends only Sec-Fetch-Mode.
  return req.headers.origin === undefined && req.headers['sec-fetch-site'] === undefined;
}

function fail(reply: Http1Reply, status: number, errorType: string, errorMessage: string): void {
  reply.send(status, JSON.stringify({ errorType, errorMessage }), JSON_HEADERS);
}
