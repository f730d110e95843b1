// The Lambda Runtime API (2018-06-01) for one execution environment, on loopback. The worker
// long-polls /invocation/next; the environment hands it one event at a time and learns the
// result from /response or /error. Status codes and error bodies follow the API reference.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const PREFIX = '/2018-06-01/runtime';
/** Lambda's limit on a synchronous response and on an error document. */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

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
  | { kind: 'too-large'; bytes: number };

export interface RuntimeApiListener {
  /** The runtime asked for its first event: initialisation is over. */
  onFirstNext(): void;
  onResult(requestId: string, result: RuntimeResult): void;
  onInitError(body: Buffer, errorType?: string): void;
  /** The runtime received the current event. */
  onDelivered(): void;
}

type Phase = 'init' | 'ready' | 'invoking' | 'failed';

export class RuntimeApiServer {
  private readonly server: http.Server;
  private phase: Phase = 'init';
  private parked: http.ServerResponse | undefined;
  private pending: RuntimeEvent | undefined;
  private current: string | undefined;
  private deliveredCurrent = false;
  private address = '';

  constructor(private readonly listener: RuntimeApiListener) {
    this.server = http.createServer({ keepAliveTimeout: 0, noDelay: true }, (req, res) =>
      this.route(req, res),
    );
    // The worker's long poll can wait for as long as the environment stays idle.
    this.server.requestTimeout = 0;
    this.server.headersTimeout = 0;
  }

  /** Listens on 127.0.0.1 and returns `host:port` for AWS_LAMBDA_RUNTIME_API. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.address() as AddressInfo;
    this.address = `127.0.0.1:${port}`;
    return this.address;
  }

  /** Gives the runtime its next event, now if it is waiting on /next, else when it asks. */
  dispatch(event: RuntimeEvent): void {
    this.current = event.requestId;
    this.deliveredCurrent = false;
    this.phase = 'invoking';
    const parked = this.parked;
    if (parked) {
      this.parked = undefined;
      this.deliver(parked, event);
    } else {
      this.pending = event;
    }
  }

  /** Whether the runtime has received the event last dispatched. */
  get delivered(): boolean {
    return this.deliveredCurrent;
  }

  private deliver(res: http.ServerResponse, event: RuntimeEvent): void {
    this.deliveredCurrent = true;
    sendEvent(res, event);
    this.listener.onDelivered();
  }

  /** Forgets the current request, e.g. after a timeout; a late result then gets 400. */
  abandon(): void {
    this.current = undefined;
    this.pending = undefined;
    this.phase = 'failed';
  }

  async close(): Promise<void> {
    this.parked?.destroy();
    this.parked = undefined;
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (!fromRuntime(req, this.address)) {
      return reply(res, 403, 'Forbidden', 'The Runtime API serves the function runtime only');
    }
    const url = req.url ?? '';
    if (!url.startsWith(PREFIX)) return reply(res, 404, 'NotFound', `Unknown path ${url}`);
    const rest = url.slice(PREFIX.length);
    if (req.method === 'GET' && rest === '/invocation/next') return this.next(res);
    if (req.method === 'POST' && rest === '/init/error') return this.initError(req, res);
    const match = /^\/invocation\/([^/]+)\/(response|error)$/.exec(rest);
    if (req.method === 'POST' && match) {
      return this.result(req, res, decodeURIComponent(match[1]!), match[2] as 'response' | 'error');
    }
    reply(res, 404, 'NotFound', `Unknown resource ${req.method} ${url}`);
  }

  private next(res: http.ServerResponse): void {
    if (this.parked) {
      return reply(res, 400, 'InvalidStateTransition', 'A /next request is already waiting');
    }
    if (this.phase === 'init') {
      this.phase = 'ready';
      this.listener.onFirstNext();
    }
    const pending = this.pending;
    if (pending) {
      this.pending = undefined;
      this.deliver(res, pending);
      return;
    }
    this.parked = res;
    res.on('close', () => {
      if (this.parked === res) this.parked = undefined;
    });
  }

  private result(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    requestId: string,
    kind: 'response' | 'error',
  ): void {
    readBody(req, MAX_RESPONSE_BYTES, (body, bytes) => {
      if (requestId !== this.current) {
        const known =
          this.phase === 'invoking' ? 'not the current request' : 'no request is running';
        return reply(res, 400, 'InvalidRequestID', `Request ${requestId} is ${known}`);
      }
      this.current = undefined;
      this.phase = 'ready';
      if (!body) {
        reply(
          res,
          413,
          'RequestEntityTooLarge',
          `The ${kind} is ${bytes} bytes, over the limit of ${MAX_RESPONSE_BYTES} bytes`,
        );
        this.listener.onResult(requestId, { kind: 'too-large', bytes });
        return;
      }
      res.writeHead(202, { 'content-type': 'application/json', 'content-length': 16 });
      res.end('{"status":"OK"}\n');
      const errorType = headerValue(req, 'lambda-runtime-function-error-type');
      this.listener.onResult(
        requestId,
        kind === 'response' ? { kind, body } : { kind, body, errorType },
      );
    });
  }

  private initError(req: http.IncomingMessage, res: http.ServerResponse): void {
    readBody(req, MAX_RESPONSE_BYTES, (body) => {
      if (this.phase !== 'init') {
        return reply(res, 403, 'InvalidStateTransition', 'Initialisation is already complete');
      }
      this.phase = 'failed';
      reply(res, 202, undefined, undefined);
      this.listener.onInitError(
        body ?? Buffer.alloc(0),
        headerValue(req, 'lambda-runtime-function-error-type'),
      );
    });
  }
}

/**
 * A runtime addresses the API by the address it was given and is no browser: a request with
 * another Host (DNS rebinding) or with browser fetch metadata (a web page) is refused.
 */
function fromRuntime(req: http.IncomingMessage, address: string): boolean {
  const host = req.headers.host;
  if (host !== undefined && host !== address && host !== address.replace('127.0.0.1', 'localhost'))
    return false;
  // Browsers send Sec-Fetch-Site to loopback; Node's fetch sends only Sec-Fetch-Mode.
  return req.headers.origin === undefined && req.headers['sec-fetch-site'] === undefined;
}

function sendEvent(res: http.ServerResponse, event: RuntimeEvent): void {
  const headers: http.OutgoingHttpHeaders = {
    'content-type': 'application/json',
    'content-length': event.payload.length,
    'lambda-runtime-aws-request-id': event.requestId,
    'lambda-runtime-deadline-ms': String(event.deadlineMs),
    'lambda-runtime-invoked-function-arn': event.invokedFunctionArn,
    'lambda-runtime-trace-id': event.traceId,
  };
  if (event.clientContext) headers['lambda-runtime-client-context'] = event.clientContext;
  res.writeHead(200, headers);
  res.end(event.payload);
}

function reply(
  res: http.ServerResponse,
  status: number,
  errorType: string | undefined,
  errorMessage: string | undefined,
): void {
  const body = errorType
    ? JSON.stringify({ errorType, errorMessage })
    : JSON.stringify({ status: 'OK' });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

function headerValue(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads a body up to `limit` bytes; over it, keeps reading to the end but stores nothing. */
function readBody(
  req: http.IncomingMessage,
  limit: number,
  done: (body: Buffer | undefined, bytes: number) => void,
): void {
  const chunks: Buffer[] = [];
  let bytes = 0;
  req.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes <= limit) chunks.push(chunk);
    else chunks.length = 0;
  });
  req.on('end', () => done(bytes <= limit ? concat(chunks, bytes) : undefined, bytes));
  req.on('error', () => undefined);
}

function concat(chunks: Buffer[], bytes: number): Buffer {
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes);
}
