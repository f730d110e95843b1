// The Runtime API client: a small HTTP/1.1 client on one keep-alive socket to the Lambda
// Runtime API at the address in runtime-state.mjs, the chunked request a streamed response goes
// out on, the one client the runtime shares (`client`), and the requests it sends most: the
// next event (`NEXT`), a JSON document, and a result pipelined with the next /next.
import net from 'node:net';
import { writeOut } from './console-output.mjs';
import { state } from './runtime-state.mjs';

const API_PREFIX = '/2018-06-01/runtime';

/**
 * A small HTTP/1.1 client on one keep-alive socket. It pipelines: a result and the next
 * /next go out in one write, which saves a round trip per invocation. The socket is unref'd
 * while nothing is outstanding, so a callback handler's wait for an empty event loop works.
 */
export class RuntimeClient {
  socket = undefined;
  waiting = [];
  buffered = Buffer.alloc(0);

  send(requests) {
    const socket = this.socket ?? this.connect();
    const promises = requests.map(
      () => new Promise((resolve, reject) => this.waiting.push({ resolve, reject })),
    );
    const parts = [];
    for (const { method, path: urlPath, body, headers = {} } of requests) {
      let head = `${method} ${API_PREFIX}${urlPath} HTTP/1.1\r\nhost: ${state.apiHost}:${state.apiPort}\r\n`;
      for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
      head += `content-length: ${body ? body.length : 0}\r\n\r\n`;
      parts.push(Buffer.from(head, 'latin1'));
      if (body) parts.push(body);
    }
    socket.ref();
    socket.write(parts.length === 1 ? parts[0] : Buffer.concat(parts));
    return promises;
  }

  connect() {
    const socket = net.connect({ host: state.apiHost, port: Number(state.apiPort), noDelay: true });
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.socket = undefined;
      this.buffered = Buffer.alloc(0);
      for (const w of this.waiting.splice(0)) w.reject(new Error(CONNECTION_CLOSED));
    });
    this.socket = socket;
    return socket;
  }

  onData(chunk) {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    for (;;) {
      const headEnd = this.buffered.indexOf('\r\n\r\n');
      if (headEnd === -1) return;
      const lines = this.buffered.toString('latin1', 0, headEnd).split('\r\n');
      const status = Number(lines[0].split(' ')[1]);
      const headers = {};
      for (let i = 1; i < lines.length; i++) {
        const colon = lines[i].indexOf(':');
        headers[lines[i].slice(0, colon).trim().toLowerCase()] = lines[i].slice(colon + 1).trim();
      }
      const length = Number(headers['content-length'] ?? 0);
      const bodyStart = headEnd + 4;
      if (this.buffered.length < bodyStart + length) return;
      const body = this.buffered.subarray(bodyStart, bodyStart + length);
      this.buffered = this.buffered.subarray(bodyStart + length);
      const waiter = this.waiting.shift();
      if (this.waiting.length === 0) this.socket?.unref();
      waiter?.resolve({ status, headers, body });
    }
  }

  /**
   * A POST whose body goes out in chunks; `headers` must say transfer-encoding: chunked. Its
   * head leaves with the first chunk, so the headers may change until then. From then until
   * end() nothing else may be sent on the socket.
   */
  chunked(urlPath, headers) {
    return new ChunkedRequest(this, urlPath, headers);
  }
}

const CONNECTION_CLOSED = 'The Runtime API closed the connection';

class ChunkedRequest {
  socket = undefined;
  ended = false;

  constructor(client, urlPath, headers) {
    this.client = client;
    this.urlPath = urlPath;
    this.headers = headers;
    // Made now so the caller can handle it at once; it joins the queue when the head is sent.
    this.response = new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  /** The head, the first time only; the socket is claimed for this request from then on. */
  takeHead() {
    if (this.socket) return '';
    const client = this.client;
    this.socket = client.socket ?? client.connect();
    client.waiting.push(this.waiter);
    this.socket.ref();
    let head = `POST ${API_PREFIX}${this.urlPath} HTTP/1.1\r\nhost: ${state.apiHost}:${state.apiPort}\r\n`;
    for (const [name, value] of Object.entries(this.headers)) head += `${name}: ${value}\r\n`;
    return head + '\r\n';
  }

  /** Sends one chunk; calls back once the socket took it, at once or after 'drain'. */
  write(data, callback) {
    const head = this.takeHead();
    const socket = this.socket;
    if (this.ended || socket.destroyed) {
      callback(new Error(CONNECTION_CLOSED));
      return;
    }
    // Corked, the frame goes out in one write without copying the data.
    socket.cork();
    socket.write(`${head}${data.length.toString(16)}\r\n`, 'latin1');
    socket.write(data);
    const accepted = socket.write('\r\n', 'latin1');
    socket.uncork();
    if (accepted) callback();
    else whenDrained(socket, callback);
  }

  /** Ends the body, with trailer lines (each ending in CRLF) if given. */
  end(trailers = '') {
    if (this.ended) return;
    const head = this.takeHead();
    this.ended = true;
    if (!this.socket.destroyed) this.socket.write(`${head}0\r\n${trailers}\r\n`, 'latin1');
  }
}

function whenDrained(socket, callback) {
  const onDrain = () => {
    socket.off('close', onClose);
    callback();
  };
  const onClose = () => {
    socket.off('drain', onDrain);
    callback(new Error(CONNECTION_CLOSED));
  };
  socket.once('drain', onDrain);
  socket.once('close', onClose);
}

/** The connection the runtime shares; a fatal error's report opens its own. */
export const client = new RuntimeClient();
export const NEXT = { method: 'GET', path: '/invocation/next' };

export function jsonRequest(urlPath, value, errorType) {
  const body = Buffer.from(JSON.stringify(value));
  const headers = { 'content-type': 'application/json' };
  if (errorType) headers['lambda-runtime-function-error-type'] = errorType;
  return { method: 'POST', path: urlPath, body, headers };
}

export function warnIfRefused(res) {
  if (res.status !== 202) {
    writeOut(`Runtime API refused a result (${res.status}): ${res.body.toString('utf8')}\n`);
  }
}

/** Posts a result and asks for the next event in the same write; resolves with that event. */
export function postThenNext(result) {
  const [posted, next] = client.send([result, NEXT]);
  posted.then(warnIfRefused, () => undefined);
  return next;
}
