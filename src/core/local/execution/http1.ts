// A small HTTP/1.1 server for the Runtime API. Node's http server would do, but this one can
// write an acknowledgement and the next event in one write: a runtime that pipelines its
// result with its next /next then wakes once per invocation instead of twice. It parses what
// runtimes send (Content-Length or chunked bodies, Expect: 100-continue, pipelining) and
// answers in request order.
import net from 'node:net';
import type { StreamFlow } from './contract';

const MAX_HEAD_BYTES = 64 * 1024;

const REASONS: Record<number, string> = {
  100: 'Continue',
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Payload Too Large',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
};

export interface Http1Request {
  method: string;
  path: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** The body, or undefined when it was over the limit (then only counted) or streamed. */
  body: Buffer | undefined;
  bodyBytes: number;
  /** The trailer fields of a chunked body (lower-case names); empty otherwise. */
  trailers: Record<string, string>;
}

/** Takes a request's body as it arrives instead of buffering it. */
export interface BodySink {
  data(part: Buffer): void;
}

/**
 * Called once a request's head is read; a sink returned there receives the body as it
 * arrives (the handler still runs once the request is complete, with `body` undefined).
 * `flow` pauses and resumes reading the connection.
 */
export type Http1BodyStreamer = (request: Http1Request, flow: StreamFlow) => BodySink | undefined;

export interface Http1Reply {
  /**
   * Answers the request. `holdForNext`: an acknowledgement that may wait to be written with
   * the next response on the connection, if that one is already waiting.
   */
  send(
    status: number,
    body: Buffer | string,
    headers?: Record<string, string>,
    holdForNext?: boolean,
  ): void;
  /** The connection went away before the reply was sent. */
  readonly closed: boolean;
  onClose(listener: () => void): void;
}

export type Http1Handler = (request: Http1Request, reply: Http1Reply) => void;

interface Slot extends Http1Reply {
  data: Buffer | undefined;
  hold: boolean;
  closeAfter: boolean;
}

type Phase =
  | { kind: 'head' }
  | { kind: 'length'; remaining: number }
  | { kind: 'chunk-size' }
  | { kind: 'chunk-data'; remaining: number }
  | { kind: 'chunk-end' }
  | { kind: 'trailers' };

class Connection {
  private buf: Buffer = Buffer.alloc(0);
  private phase: Phase = { kind: 'head' };
  private readonly slots: Slot[] = [];
  private request: Http1Request | undefined;
  private chunks: Buffer[] = [];
  private sink: BodySink | undefined;
  private readonly flow: StreamFlow;
  private slot: Slot | undefined;
  private closed = false;
  private readonly closeListeners = new Set<() => void>();

  constructor(
    private readonly socket: net.Socket,
    private readonly handler: Http1Handler,
    private readonly maxBodyBytes: number,
    private readonly streamer: Http1BodyStreamer | undefined,
  ) {
    this.flow = { pause: () => socket.pause(), resume: () => socket.resume() };
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.feed(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      for (const listener of this.closeListeners) listener();
      this.closeListeners.clear();
    });
  }

  private feed(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    try {
      while (this.step()) {
        // Parse as long as the buffer holds a complete element.
      }
    } catch (err) {
      this.fail(err instanceof HttpError ? err.status : 400, (err as Error).message);
    }
  }

  /** Consumes one element of the request stream; false when more bytes are needed. */
  private step(): boolean {
    if (this.closed) return false;
    const phase = this.phase;
    switch (phase.kind) {
      case 'head': {
        const end = this.buf.indexOf('\r\n\r\n');
        if (end === -1) {
          if (this.buf.length > MAX_HEAD_BYTES) throw new HttpError(431, 'Request head too large');
          return false;
        }
        const head = this.buf.toString('latin1', 0, end);
        this.buf = this.buf.subarray(end + 4);
        this.startRequest(head);
        return true;
      }
      case 'length': {
        if (phase.remaining === 0) return this.finishRequest();
        if (this.buf.length === 0) return false;
        const take = Math.min(phase.remaining, this.buf.length);
        this.addBody(this.buf.subarray(0, take));
        this.buf = this.buf.subarray(take);
        phase.remaining -= take;
        return true;
      }
      case 'chunk-size': {
        const eol = this.buf.indexOf('\r\n');
        if (eol === -1) {
          if (this.buf.length > 1024) throw new HttpError(400, 'Chunk size line too long');
          return false;
        }
        const size = parseInt(this.buf.toString('latin1', 0, eol).split(';')[0]!.trim(), 16);
        if (!Number.isFinite(size) || size < 0) throw new HttpError(400, 'Bad chunk size');
        this.buf = this.buf.subarray(eol + 2);
        this.phase = size === 0 ? { kind: 'trailers' } : { kind: 'chunk-data', remaining: size };
        return true;
      }
      case 'chunk-data': {
        if (this.buf.length === 0) return false;
        const take = Math.min(phase.remaining, this.buf.length);
        this.addBody(this.buf.subarray(0, take));
        this.buf = this.buf.subarray(take);
        phase.remaining -= take;
        if (phase.remaining === 0) this.phase = { kind: 'chunk-end' };
        return true;
      }
      case 'chunk-end': {
        if (this.buf.length < 2) return false;
        if (this.buf[0] !== 13 || this.buf[1] !== 10) throw new HttpError(400, 'Bad chunk end');
        this.buf = this.buf.subarray(2);
        this.phase = { kind: 'chunk-size' };
        return true;
      }
      case 'trailers': {
        // Trailer fields end with an empty line (a streamed response reports errors there).
        if (this.buf.length >= 2 && this.buf[0] === 13 && this.buf[1] === 10) {
          this.buf = this.buf.subarray(2);
          return this.finishRequest();
        }
        const end = this.buf.indexOf('\r\n\r\n');
        if (end === -1) {
          if (this.buf.length > MAX_HEAD_BYTES) throw new HttpError(431, 'Trailers too large');
          return false;
        }
        parseFields(this.buf.toString('latin1', 0, end).split('\r\n'), 0, this.request!.trailers);
        this.buf = this.buf.subarray(end + 4);
        return this.finishRequest();
      }
    }
  }

  private startRequest(head: string): void {
    const lines = head.split('\r\n');
    const [method, path, version] = lines[0]!.split(' ');
    if (!method || !path || !version?.startsWith('HTTP/1.'))
      throw new HttpError(400, 'Bad request line');
    const headers = parseFields(lines, 1, {});
    this.request = { method, path, headers, body: undefined, bodyBytes: 0, trailers: {} };
    this.chunks = [];
    this.sink = this.streamer?.(this.request, this.flow);
    const closeAfter = version === 'HTTP/1.0' || headers.connection?.toLowerCase() === 'close';
    this.slot = this.newSlot(closeAfter);
    if (headers.expect?.toLowerCase() === '100-continue')
      this.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
    if (headers['transfer-encoding']?.toLowerCase().includes('chunked')) {
      this.phase = { kind: 'chunk-size' };
    } else {
      const length = Number(headers['content-length'] ?? '0');
      if (!Number.isInteger(length) || length < 0) throw new HttpError(400, 'Bad Content-Length');
      this.phase = { kind: 'length', remaining: length };
    }
  }

  private addBody(part: Buffer): void {
    const request = this.request!;
    request.bodyBytes += part.length;
    if (this.sink) this.sink.data(part);
    else if (request.bodyBytes <= this.maxBodyBytes) this.chunks.push(part);
    else this.chunks = [];
  }

  private finishRequest(): boolean {
    const request = this.request!;
    if (!this.sink && request.bodyBytes <= this.maxBodyBytes) {
      request.body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    }
    const slot = this.slot!;
    // Whatever its reader does now, the rest of the connection (the next /next) is read.
    if (this.sink) this.socket.resume();
    this.sink = undefined;
    this.request = undefined;
    this.slot = undefined;
    this.chunks = [];
    this.phase = { kind: 'head' };
    this.handler(request, slot);
    return true;
  }

  private newSlot(closeAfter: boolean): Slot {
    const slot = new ReplySlot(closeAfter, this);
    this.slots.push(slot);
    return slot;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  addCloseListener(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.add(listener);
  }

  /** Writes every answered reply at the head of the queue, in order, in one write. */
  flush(): void {
    if (this.closed) return;
    const out: Buffer[] = [];
    let close = false;
    while (this.slots.length > 0 && this.slots[0]!.data) {
      const head = this.slots[0]!;
      // An acknowledgement waits for the reply after it, if that one is already here.
      if (head.hold && this.slots.length > 1 && !this.slots[1]!.data) break;
      this.slots.shift();
      out.push(head.data!);
      if (head.closeAfter) {
        close = true;
        break;
      }
    }
    if (out.length > 0) this.socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
    if (close) this.socket.end();
  }

  private fail(status: number, message: string): void {
    const body = JSON.stringify({ errorType: 'BadRequest', errorMessage: message });
    this.socket.end(
      `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
    this.closed = true;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

class ReplySlot implements Slot {
  data: Buffer | undefined;
  hold = false;

  constructor(
    readonly closeAfter: boolean,
    private readonly connection: Connection,
  ) {}

  get closed(): boolean {
    return this.connection.isClosed;
  }

  send(
    status: number,
    body: Buffer | string,
    headers: Record<string, string> = {},
    holdForNext = false,
  ): void {
    if (this.data) return;
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    let head = `HTTP/1.1 ${status} ${REASONS[status] ?? 'Status'}\r\ncontent-length: ${payload.length}\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    if (this.closeAfter) head += 'connection: close\r\n';
    const headBytes = Buffer.from(head + '\r\n', 'latin1');
    this.data = payload.length > 0 ? Buffer.concat([headBytes, payload]) : headBytes;
    this.hold = holdForNext;
    // Let a request already on its way (pipelined) arrive before deciding to hold.
    if (holdForNext) setImmediate(() => this.connection.flush());
    else this.connection.flush();
  }

  onClose(listener: () => void): void {
    this.connection.addCloseListener(listener);
  }
}

/** Header (or trailer) lines from `from` on, into `fields`; repeated names are joined. */
function parseFields(
  lines: string[],
  from: number,
  fields: Record<string, string>,
): Record<string, string> {
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new HttpError(400, 'Bad header line');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    fields[name] = fields[name] === undefined ? value : `${fields[name]}, ${value}`;
  }
  return fields;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class Http1Server {
  private readonly server: net.Server;
  private readonly connections = new Set<Connection>();

  /**
   * `acceptPeer`: decides, before anything is read, whether a connection is served;
   * `streamer`: which request bodies are handed over as they arrive.
   */
  constructor(
    handler: Http1Handler,
    maxBodyBytes: number,
    acceptPeer?: (socket: net.Socket) => Promise<boolean>,
    streamer?: Http1BodyStreamer,
  ) {
    this.server = net.createServer((socket) => {
      const connection = new Connection(socket, handler, maxBodyBytes, streamer);
      this.connections.add(connection);
      socket.once('close', () => this.connections.delete(connection));
      if (!acceptPeer) return;
      socket.pause();
      acceptPeer(socket).then(
        (ok) => (ok ? socket.resume() : socket.destroy()),
        () => socket.destroy(),
      );
    });
  }

  get listening(): boolean {
    return this.server.listening;
  }

  /** Whether a client is connected. */
  get connected(): boolean {
    return this.connections.size > 0;
  }

  /** Listens on 127.0.0.1 and returns the port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve((this.server.address() as net.AddressInfo).port);
      });
    });
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.destroy();
    this.connections.clear();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
