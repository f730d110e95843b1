// The hot route off Node's HTTP server: a keep-alive connection whose requests are plain Invoke
// calls (`POST /2015-03-31/functions/{name}/invocations`, Content-Length body of at most 6 MB,
// a Host that passes the guard) is read and answered here, which saves Node's request and
// response objects, their streams and events (about a fifth of the cloud's time per invoke).
// The first request that is anything else (another route, a chunked or oversized body,
// `Expect`, `Connection: close`, HTTP/1.0, a repeated or malformed header, a function URL host)
// hands the connection, with every byte not yet answered, to Node's server for good; that one
// then does exactly what it always did. Requests on one connection are answered one at a time.
import { hash } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';
import type { InvokeRequest, ResponseWriter } from '../server';
import { isAllowedHost } from './host-guard';

const INVOKE_PATH = /^\/2015-03-31\/functions\/[^/]+\/invocations\/?$/;
/** Larger bodies take Node's path, which keeps the first 6 MB + 1 and answers 413. */
const MAX_BODY = 6 * 1024 * 1024;
const MAX_HEAD = 16 * 1024;
const OUTER_BLANKS = /^[ \t]+|[ \t]+$/g;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BAD_VALUE = /[\0-\x08\x0a-\x1f\x7f]/;

export interface LeanInvokeOptions {
  /** Node's keepAliveTimeout: an idle connection is closed after it. */
  keepAliveTimeoutMs: number;
  port: () => number;
  invoke: (request: InvokeRequest, write: ResponseWriter) => void;
}

export interface LeanInvokes {
  /** Destroys the connections still served here (Node's own are closed by the server). */
  closeAll(): void;
}

/**
 * Puts the lean path in front of `server`'s own connection listener. Connections go to Node's
 * listener unchanged as soon as a request is not a plain Invoke.
 */
export function serveInvokesLean(server: http.Server, options: LeanInvokeOptions): LeanInvokes {
  const nodeListeners = server.listeners('connection') as ((socket: net.Socket) => void)[];
  if (nodeListeners.length !== 1) return { closeAll: () => undefined };
  const nodeListener = nodeListeners[0]!;
  server.removeListener('connection', nodeListener);
  const live = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    live.add(socket);
    new LeanConnection(socket, options, () => {
      live.delete(socket);
      nodeListener.call(server, socket);
    });
    socket.once('close', () => live.delete(socket));
  });
  return {
    closeAll: () => {
      for (const socket of live) socket.destroy();
      live.clear();
    },
  };
}

let dateSecond = 0;
let dateText = '';

/** The Date header, formatted once a second as Node's server does. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

class LeanConnection {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  /** Bytes the request being received needs in all (its head is whole): wait for them. */
  private awaited = 0;
  private busy = false;
  private ended = false;
  private readonly aborted = new AbortController();
  private readonly onData = (chunk: Buffer): void => {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    this.next();
  };
  private readonly onEnd = (): void => {
    this.ended = true;
    if (!this.busy) this.socket.end();
  };
  private readonly onTimeout = (): void => {
    if (!this.busy) this.socket.destroy();
  };
  private readonly onClose = (): void => this.aborted.abort();
  private readonly onError = (): void => undefined;

  constructor(
    private readonly socket: net.Socket,
    private readonly options: LeanInvokeOptions,
    private readonly handOff: () => void,
  ) {
    socket.setTimeout(options.keepAliveTimeoutMs);
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('timeout', this.onTimeout);
    socket.on('close', this.onClose);
    socket.on('error', this.onError);
  }

  /** Serves the next request if it is whole and plain; hands the connection over if not. */
  private next(): void {
    if (this.busy || this.bufferedBytes === 0 || this.bufferedBytes < this.awaited) return;
    const data =
      this.buffered.length === 1
        ? this.buffered[0]!
        : Buffer.concat(this.buffered, this.bufferedBytes);
    this.buffered = [data];
    const headEnd = data.indexOf('\r\n\r\n');
    if (headEnd < 0) {
      if (data.length > MAX_HEAD) this.giveToNode();
      return;
    }
    const parsed = this.parseHead(data.toString('latin1', 0, headEnd));
    if (!parsed) {
      this.giveToNode();
      return;
    }
    const bodyStart = headEnd + 4;
    if (data.length < bodyStart + parsed.length) {
      this.awaited = bodyStart + parsed.length;
      return;
    }
    this.awaited = 0;
    const body = data.subarray(bodyStart, bodyStart + parsed.length);
    const rest = data.subarray(bodyStart + parsed.length);
    this.buffered = rest.length > 0 ? [rest] : [];
    this.bufferedBytes = rest.length;
    this.busy = true;
    this.options.invoke(
      {
        rawPath: parsed.rawPath,
        rawQuery: parsed.rawQuery,
        headers: parsed.headers,
        body: {
          data: body,
          size: body.length,
          truncated: false,
          sha256Hex: hash('sha256', body, 'hex'),
        },
        signal: this.aborted.signal,
      },
      (status, headers, payload) => this.reply(status, headers, payload),
    );
  }

  /** The request head, if it is a plain Invoke this path serves. */
  private parseHead(
    head: string,
  ):
    | { rawPath: string; rawQuery: string; headers: Record<string, string>; length: number }
    | undefined {
    const lines = head.split('\r\n');
    const requestLine = lines[0]!;
    if (!requestLine.startsWith('POST ') || !requestLine.endsWith(' HTTP/1.1')) return undefined;
    const url = requestLine.slice(5, -9);
    const q = url.indexOf('?');
    const rawPath = q < 0 ? url : url.slice(0, q);
    if (!INVOKE_PATH.test(rawPath)) return undefined;
    const headers: Record<string, string> = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) return undefined;
      const name = line.slice(0, colon).toLowerCase();
      // Only blanks around a value are dropped, as Node's parser does (not all of trim()'s).
      const value = line.slice(colon + 1).replace(OUTER_BLANKS, '');
      if (!TOKEN.test(name) || BAD_VALUE.test(value) || Object.hasOwn(headers, name))
        return undefined;
      headers[name] = value;
    }
    const length = headers['content-length'];
    if (
      length === undefined ||
      !/^\d{1,9}$/.test(length) ||
      Number(length) > MAX_BODY ||
      headers['transfer-encoding'] !== undefined ||
      headers.expect !== undefined ||
      (headers.connection !== undefined && headers.connection.toLowerCase() !== 'keep-alive') ||
      !isAllowedHost(headers.host, this.options.port())
    ) {
      return undefined;
    }
    return { rawPath, rawQuery: q < 0 ? '' : url.slice(q + 1), headers, length: Number(length) };
  }

  /** One write, with the headers Node's server adds to a keep-alive answer. */
  private reply(status: number, headers: Record<string, string>, body: Buffer | undefined): void {
    if (!this.busy || this.socket.destroyed) return;
    let head = `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'unknown'}\r\n`;
    for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
    head += `Date: ${httpDate()}\r\nConnection: keep-alive\r\nKeep-Alive: timeout=${Math.floor(this.options.keepAliveTimeoutMs / 1000)}\r\n\r\n`;
    const headBytes = Buffer.byteLength(head, 'latin1');
    const out = Buffer.allocUnsafe(headBytes + (body?.length ?? 0));
    out.write(head, 0, 'latin1');
    body?.copy(out, headBytes);
    this.socket.write(out);
    this.busy = false;
    if (this.ended) this.socket.end();
    else this.next();
  }

  /** From here on Node's server reads this connection, starting with the bytes not answered. */
  private giveToNode(): void {
    const socket = this.socket;
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    socket.off('timeout', this.onTimeout);
    socket.off('close', this.onClose);
    socket.off('error', this.onError);
    socket.setTimeout(0);
    const rest = Buffer.concat(this.buffered, this.bufferedBytes);
    this.buffered = [];
    this.bufferedBytes = 0;
    if (rest.length > 0) socket.unshift(rest);
    this.handOff();
  }
}
