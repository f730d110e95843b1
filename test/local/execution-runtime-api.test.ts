// The Runtime API server as a runtime sees it: the long poll, the headers, and the documented
// status codes for results, errors and init errors.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import {
  RuntimeApiServer,
  MAX_RESPONSE_BYTES,
  type RuntimeResult,
} from '../../src/core/local/execution/runtime-api';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function call(
  address: string,
  method: string,
  path: string,
  body?: Buffer | string,
  headers: http.OutgoingHttpHeaders = {},
): Promise<Reply> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host,
        port: Number(port),
        method,
        path: `/2018-06-01/runtime${path}`,
        headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('execution engine: Runtime API server', function () {
  let server: RuntimeApiServer;
  let address: string;
  const seen: {
    firstNext: number;
    delivered: number;
    results: [string, RuntimeResult][];
    initErrors: [string, string | undefined][];
    streamed: [string, string, string][];
    streamEnds: string[];
  } = {
    firstNext: 0,
    delivered: 0,
    results: [],
    initErrors: [],
    streamed: [],
    streamEnds: [],
  };

  beforeEach(async () => {
    seen.firstNext = 0;
    seen.delivered = 0;
    seen.results = [];
    seen.initErrors = [];
    seen.streamed = [];
    seen.streamEnds = [];
    server = new RuntimeApiServer({
      onFirstNext: () => seen.firstNext++,
      onDelivered: () => seen.delivered++,
      onResult: (id, result) => seen.results.push([id, result]),
      onStreamData: (id, part, type) => seen.streamed.push([id, part.toString(), type]),
      onStreamEnd: (id) => seen.streamEnds.push(id),
      onInitError: (body, type) => seen.initErrors.push([body.toString(), type]),
    });
    address = await server.listen();
  });
  afterEach(() => server.close());

  const event = (requestId: string) => ({
    requestId,
    payload: Buffer.from('{"hello":"world"}'),
    deadlineMs: 1700000000000,
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
    traceId: 'Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0',
    clientContext: '{"custom":{}}',
  });

  it('listens on loopback and long-polls /next until an event is dispatched, with Lambda headers', async () => {
    assert.match(address, /^127\.0\.0\.1:\d+$/);
    const next = call(address, 'GET', '/invocation/next');
    // The poll is held: dispatch once the server has seen it (onFirstNext fires on arrival).
    await new Promise<void>((resolve) => {
      const check = (): void => (seen.firstNext === 1 ? resolve() : void setImmediate(check));
      check();
    });
    server.dispatch(event('req-1'));
    const reply = await next;
    assert.equal(reply.status, 200);
    assert.equal(reply.body, '{"hello":"world"}');
    assert.equal(reply.headers['lambda-runtime-aws-request-id'], 'req-1');
    assert.equal(reply.headers['lambda-runtime-deadline-ms'], '1700000000000');
    assert.equal(
      reply.headers['lambda-runtime-invoked-function-arn'],
      'arn:aws:lambda:us-east-1:123456789012:function:f',
    );
    assert.match(String(reply.headers['lambda-runtime-trace-id']), /^Root=1-/);
    assert.equal(reply.headers['lambda-runtime-client-context'], '{"custom":{}}');
    assert.equal(seen.delivered, 1);
    assert.equal(server.delivered, true);
  });

  it('queues an event dispatched before the runtime polls', async () => {
    server.dispatch(event('early'));
    assert.equal(server.delivered, false);
    const reply = await call(address, 'GET', '/invocation/next');
    assert.equal(reply.headers['lambda-runtime-aws-request-id'], 'early');
    assert.equal(server.delivered, true);
  });

  it('accepts a response with 202, then refuses a second one (403) and unknown ids', async () => {
    server.dispatch(event('r1'));
    await call(address, 'GET', '/invocation/next');
    const ok = await call(address, 'POST', '/invocation/r1/response', '{"ok":1}');
    assert.equal(ok.status, 202);
    assert.deepEqual(seen.results, [['r1', { kind: 'response', body: Buffer.from('{"ok":1}') }]]);
    // No invocation is running: Lambda's runtime API refuses the state transition.
    const again = await call(address, 'POST', '/invocation/r1/response', '{}');
    assert.equal(again.status, 403);
    assert.equal(JSON.parse(again.body).errorType, 'InvalidStateTransition');
    const unknown = await call(address, 'POST', '/invocation/nope/error', '{}');
    assert.equal(unknown.status, 403);
    // While one runs, another request's id is a bad request id.
    server.dispatch(event('r1b'));
    await call(address, 'GET', '/invocation/next');
    const other = await call(address, 'POST', '/invocation/nope/response', '{}');
    assert.equal(other.status, 400);
    assert.equal(JSON.parse(other.body).errorType, 'InvalidRequestID');
    assert.equal(seen.results.length, 1);
    await call(address, 'POST', '/invocation/r1b/response', '{}');
  });

  it('takes an error with its Lambda-Runtime-Function-Error-Type', async () => {
    server.dispatch(event('r2'));
    await call(address, 'GET', '/invocation/next');
    const doc = '{"errorType":"TypeError","errorMessage":"x","stackTrace":[]}';
    const reply = await call(address, 'POST', '/invocation/r2/error', doc, {
      'lambda-runtime-function-error-type': 'TypeError',
    });
    assert.equal(reply.status, 202);
    assert.deepEqual(seen.results, [
      ['r2', { kind: 'error', body: Buffer.from(doc), errorType: 'TypeError' }],
    ]);
  });

  it('refuses a response over 6 MB with 413', async () => {
    server.dispatch(event('big'));
    await call(address, 'GET', '/invocation/next');
    const reply = await call(
      address,
      'POST',
      '/invocation/big/response',
      Buffer.alloc(MAX_RESPONSE_BYTES + 1, 97),
    );
    assert.equal(reply.status, 413);
    assert.equal(JSON.parse(reply.body).errorType, 'RequestEntityTooLarge');
    assert.deepEqual(seen.results, [['big', { kind: 'too-large', bytes: MAX_RESPONSE_BYTES + 1 }]]);
  });

  it('accepts init/error during init (202) and refuses it afterwards (403)', async () => {
    const reply = await call(
      address,
      'POST',
      '/init/error',
      '{"errorType":"Runtime.ImportModuleError"}',
      {
        'lambda-runtime-function-error-type': 'Runtime.ImportModuleError',
      },
    );
    assert.equal(reply.status, 202);
    assert.deepEqual(seen.initErrors, [
      ['{"errorType":"Runtime.ImportModuleError"}', 'Runtime.ImportModuleError'],
    ]);
    const late = await call(address, 'POST', '/init/error', '{}');
    assert.equal(late.status, 403);
  });

  it('refuses requests from a browser or for another host with 403', async () => {
    server.dispatch(event('guarded'));
    const rebound = await call(address, 'GET', '/invocation/next', undefined, {
      host: 'attacker.example:80',
    });
    assert.equal(rebound.status, 403);
    const page = await call(address, 'GET', '/invocation/next', undefined, {
      origin: 'https://example.com',
    });
    assert.equal(page.status, 403);
    const fetched = await call(address, 'GET', '/invocation/next', undefined, {
      'sec-fetch-site': 'cross-site',
    });
    assert.equal(fetched.status, 403);
    assert.equal(server.delivered, false, 'the event is still waiting for the runtime');
    const runtime = await call(address, 'GET', '/invocation/next');
    assert.equal(runtime.headers['lambda-runtime-aws-request-id'], 'guarded');
  });

  /** Writes raw bytes on one connection and collects what comes back. */
  function rawConnection(): {
    socket: net.Socket;
    received: () => string;
    waitFor: (text: string) => Promise<void>;
  } {
    const [host, port] = address.split(':');
    const socket = net.connect({ host, port: Number(port) });
    let data = '';
    const waiters: { text: string; resolve: () => void }[] = [];
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      for (const w of waiters.splice(0)) {
        if (data.includes(w.text)) w.resolve();
        else waiters.push(w);
      }
    });
    return {
      socket,
      received: () => data,
      waitFor: (text) =>
        data.includes(text)
          ? Promise.resolve()
          : new Promise((resolve) => waiters.push({ text, resolve })),
    };
  }

  it('reads chunked bodies and answers Expect: 100-continue', async () => {
    server.dispatch(event('chunked'));
    await call(address, 'GET', '/invocation/next');
    const conn = rawConnection();
    conn.socket.write(
      `POST /2018-06-01/runtime/invocation/chunked/response HTTP/1.1\r\nHost: ${address}\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n`,
    );
    await conn.waitFor('HTTP/1.1 100 Continue\r\n\r\n');
    conn.socket.write('5\r\n{"a":\r\n3;ext=1\r\n42}\r\n0\r\n\r\n');
    await conn.waitFor('HTTP/1.1 202 Accepted');
    conn.socket.destroy();
    assert.deepEqual(seen.results, [
      ['chunked', { kind: 'response', body: Buffer.from('{"a":42}') }],
    ]);
  });

  const until = (done: () => boolean): Promise<void> =>
    new Promise<void>((resolve) => {
      const check = (): void => (done() ? resolve() : void setImmediate(check));
      check();
    });

  /** The head of a streamed response for `requestId`, with more header lines if given. */
  const streamedHead = (requestId: string, more = ''): string =>
    `POST /2018-06-01/runtime/invocation/${requestId}/response HTTP/1.1\r\nHost: ${address}\r\n` +
    `Lambda-Runtime-Function-Response-Mode: streaming\r\nTransfer-Encoding: chunked\r\n${more}\r\n`;
  const nextRequest = (): string =>
    `GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: ${address}\r\n\r\n`;

  it('passes a streamed response on as it arrives; the result comes with the next /next', async () => {
    server.dispatch(event('s1'));
    await call(address, 'GET', '/invocation/next');
    const conn = rawConnection();
    conn.socket.write(`${streamedHead('s1', 'Content-Type: text/plain\r\n')}5\r\nhello\r\n`);
    // The first part is out before the body ends.
    await until(() => seen.streamed.length === 1);
    assert.deepEqual(seen.streamed, [['s1', 'hello', 'text/plain']]);
    assert.deepEqual(seen.results, []);
    conn.socket.write('6\r\n world\r\n0\r\n\r\n');
    await conn.waitFor('HTTP/1.1 202 Accepted');
    assert.deepEqual(seen.streamed[1], ['s1', ' world', 'text/plain']);
    assert.deepEqual(seen.streamEnds, ['s1']);
    // The handler may still be running: the invocation ends when the runtime asks for more.
    assert.deepEqual(seen.results, []);
    conn.socket.write(nextRequest());
    await until(() => seen.results.length === 1);
    conn.socket.destroy();
    assert.deepEqual(seen.results, [
      ['s1', { kind: 'streamed', contentType: 'text/plain', bytes: 11, error: undefined }],
    ]);
  });

  it('reads the error a streamed response reports in its trailers', async () => {
    server.dispatch(event('s2'));
    await call(address, 'GET', '/invocation/next');
    const doc = JSON.stringify({ errorType: 'Error', errorMessage: 'broke', stackTrace: [] });
    const conn = rawConnection();
    conn.socket.write(
      streamedHead(
        's2',
        'Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n',
      ) +
        '2\r\nab\r\n0\r\nLambda-Runtime-Function-Error-Type: Error\r\n' +
        `Lambda-Runtime-Function-Error-Body: ${Buffer.from(doc).toString('base64')}\r\n\r\n` +
        nextRequest(),
    );
    // The acknowledgement waits to go with the next event; the result is in once /next is.
    await until(() => seen.results.length === 1);
    conn.socket.destroy();
    assert.deepEqual(seen.streamed, [['s2', 'ab', 'application/octet-stream']]);
    assert.deepEqual(seen.results, [
      [
        's2',
        {
          kind: 'streamed',
          contentType: 'application/octet-stream',
          bytes: 2,
          error: { errorType: 'Error', body: Buffer.from(doc) },
        },
      ],
    ]);
  });

  it('does not stream a response for a request that is not the current one', async () => {
    server.dispatch(event('s3'));
    await call(address, 'GET', '/invocation/next');
    const conn = rawConnection();
    conn.socket.write(`${streamedHead('other')}2\r\nab\r\n0\r\n\r\n`);
    await conn.waitFor('HTTP/1.1 400 Bad Request');
    conn.socket.destroy();
    assert.deepEqual(seen.streamed, []);
    assert.deepEqual(seen.results, []);
  });

  it('holds the acknowledgement of a pipelined result until the next event goes with it', async () => {
    server.dispatch(event('first'));
    const conn = rawConnection();
    conn.socket.write(
      `GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: ${address}\r\n\r\n`,
    );
    await conn.waitFor('first');
    const before = conn.received().length;
    // The result and the next poll in one write, as the Flourish runtimes send them.
    conn.socket.write(
      `POST /2018-06-01/runtime/invocation/first/response HTTP/1.1\r\nHost: ${address}\r\nContent-Length: 2\r\n\r\n{}` +
        `GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: ${address}\r\n\r\n`,
    );
    await new Promise<void>((resolve) => {
      const check = (): void => (seen.results.length === 1 ? resolve() : void setImmediate(check));
      check();
    });
    server.dispatch(event('second'));
    await conn.waitFor('second');
    const after = conn.received().slice(before);
    assert.ok(
      after.indexOf('HTTP/1.1 202 Accepted') <
        after.indexOf('lambda-runtime-aws-request-id: second'),
      'in request order',
    );
    conn.socket.destroy();
  });

  it('answers a malformed request with 400 and closes the connection', async () => {
    const conn = rawConnection();
    const closed = new Promise<void>((resolve) => conn.socket.once('close', () => resolve()));
    conn.socket.write('NONSENSE\r\n\r\n');
    await closed;
    assert.match(conn.received(), /^HTTP\/1\.1 400 Bad Request\r\n/);
  });

  it('serves only processes of its own user when asked to', async function () {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) this.skip(); // needs root to act as another user
    const guarded = new RuntimeApiServer(
      {
        onFirstNext: () => undefined,
        onDelivered: () => undefined,
        onResult: () => undefined,
        onStreamData: () => undefined,
        onStreamEnd: () => undefined,
        onInitError: () => undefined,
      },
      true,
    );
    const guardedAddress = await guarded.listen();
    try {
      guarded.dispatch(event('secret'));
      const [host, port] = guardedAddress.split(':');
      const script = `const s = require('net').connect(${port}, '${host}'); let d = ''; const done = () => { console.log(JSON.stringify(d)); process.exit(0); }; s.on('data', (c) => { d += c; done(); }); s.on('close', done); s.on('error', () => {}); s.write('GET /2018-06-01/runtime/invocation/next HTTP/1.1\\r\\nHost: ${guardedAddress}\\r\\n\\r\\n');`;
      const child = spawn(process.execPath, ['-e', script], {
        uid: 65534,
        gid: 65534,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      await once(child, 'exit');
      assert.equal(JSON.parse(out), '', 'the other user got nothing and was disconnected');
      assert.equal(guarded.delivered, false);
      const mine = await call(guardedAddress, 'GET', '/invocation/next');
      assert.equal(mine.headers['lambda-runtime-aws-request-id'], 'secret');
    } finally {
      await guarded.close();
    }
  });

  it('answers unknown paths with 404', async () => {
    assert.equal((await call(address, 'GET', '/invocation/x/response')).status, 404);
  });
});
