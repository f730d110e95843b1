// Plain Invoke requests are served off Node's HTTP server (src/core/local/http/lean-invoke.ts):
// the answers are the same as Node's path gives, and a connection moves to Node's server, bytes
// and all, at its first request that is anything else.
import assert from 'node:assert/strict';
import net from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { CreateFunctionCommand, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import { NodeSha256 } from '../../src/core/local/http/sha256';
import { nodeHandlerZip, ROLE, startFixture, type CloudFixture } from './cloud-support';

interface Parsed {
  status: number;
  headers: Record<string, string>;
  /** Header names in the order sent. */
  names: string[];
  body: string;
}

/** Reads `count` Content-Length responses off one socket. */
function readResponses(socket: net.Socket, count: number): Promise<Parsed[]> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const out: Parsed[] = [];
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const lines = buf.toString('latin1', 0, end).split('\r\n');
        const headers: Record<string, string> = {};
        const names: string[] = [];
        for (const line of lines.slice(1)) {
          const colon = line.indexOf(':');
          names.push(line.slice(0, colon));
          headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
        }
        const length = Number(headers['content-length'] ?? 0);
        if (buf.length < end + 4 + length) return;
        out.push({
          status: Number(lines[0]!.split(' ')[1]),
          headers,
          names,
          body: buf.toString('utf8', end + 4, end + 4 + length),
        });
        buf = buf.subarray(end + 4 + length);
        if (out.length === count) {
          socket.off('data', onData);
          resolve(out);
          return;
        }
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

describe('local cloud: the lean Invoke path', function () {
  this.timeout(60_000);
  let f: CloudFixture;
  let port: number;
  let signer: SignatureV4;

  /** One signed request as raw bytes. */
  async function request(
    method: string,
    path: string,
    body = '',
    extra: Record<string, string> = {},
  ): Promise<string> {
    const signed = await signer.sign({
      method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      port,
      path,
      headers: {
        host: `127.0.0.1:${port}`,
        'content-type': 'application/json',
        ...(method === 'GET' ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
        ...extra,
      },
      body,
    });
    const head = Object.entries(signed.headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    return `${method} ${path} HTTP/1.1\r\n${head}\r\n${body}`;
  }

  const invokePath = (name: string): string => `/2015-03-31/functions/${name}/invocations`;

  async function exchange(raw: string[], count: number): Promise<Parsed[]> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const responses = readResponses(socket, count);
    socket.write(raw.join(''));
    try {
      return await responses;
    } finally {
      socket.destroy();
    }
  }

  before(async () => {
    f = await startFixture();
    port = Number(new URL(f.cloud.endpoint).port);
    signer = new SignatureV4({
      credentials: f.cloud.credentials,
      region: f.cloud.region,
      service: 'lambda',
      sha256: NodeSha256,
    });
    await f.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'lean',
        Runtime: 'nodejs20.x',
        Role: ROLE,
        Handler: 'index.handler',
        Code: {
          ZipFile: nodeHandlerZip(`export const handler = async (event) => {
  if (event.fail) throw new Error('asked to fail');
  return { got: event };
};`),
        },
      }),
    );
    await waitUntilFunctionActiveV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'lean' },
    );
  });
  after(async () => {
    await f.close();
  });

  it('answers pipelined invokes in order, with the headers Node gives the same answer', async () => {
    const lean = await exchange(
      [
        await request('POST', invokePath('lean'), '{"n":1}'),
        await request('POST', invokePath('lean'), '{"fail":true}', { 'x-amz-log-type': 'Tail' }),
      ],
      2,
    );
    assert.equal(lean[0]!.status, 200);
    assert.deepEqual(JSON.parse(lean[0]!.body), { got: { n: 1 } });
    assert.equal(lean[0]!.headers['x-amz-executed-version'], '$LATEST');
    assert.equal(lean[1]!.status, 200);
    assert.equal(lean[1]!.headers['x-amz-function-error'], 'Unhandled');
    assert.match(Buffer.from(lean[1]!.headers['x-amz-log-result']!, 'base64').toString(), /REPORT/);
    assert.notEqual(lean[0]!.headers['x-amzn-requestid'], lean[1]!.headers['x-amzn-requestid']);

    // `Expect: 100-continue` takes Node's path: the same headers in the same order.
    const [viaNode] = await exchange(
      [await request('POST', invokePath('lean'), '{"n":1}', { expect: '100-continue' })],
      2,
    ).then((r) => r.slice(1));
    assert.equal(viaNode!.status, 200);
    assert.deepEqual(viaNode!.names, lean[0]!.names);
    assert.equal(viaNode!.body, lean[0]!.body);
    assert.equal(lean[0]!.headers.connection, 'keep-alive');
    assert.equal(lean[0]!.headers['keep-alive'], 'timeout=65');
  });

  it('gives the connection to Node at the first other request, bytes and all', async () => {
    const responses = await exchange(
      [
        await request('POST', invokePath('lean'), '{"n":1}'),
        await request('GET', '/2015-03-31/functions/lean'),
        await request('POST', invokePath('lean'), '{"n":3}'),
      ],
      3,
    );
    assert.deepEqual(
      responses.map((r) => r.status),
      [200, 200, 200],
    );
    assert.equal(JSON.parse(responses[1]!.body).Configuration.FunctionName, 'lean');
    assert.deepEqual(JSON.parse(responses[2]!.body), { got: { n: 3 } });
  });

  it('keeps serving a connection handed to Node, one request after the other', async () => {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    try {
      const statuses: number[] = [];
      for (const raw of [
        await request('POST', invokePath('lean'), '{"n":1}'),
        await request('GET', '/2015-03-31/functions/lean'),
        await request('POST', invokePath('lean'), '{"n":3}'),
        await request('POST', invokePath('lean'), '{"n":4}'),
      ]) {
        const answer = readResponses(socket, 1);
        socket.write(raw);
        statuses.push((await answer)[0]!.status);
      }
      assert.deepEqual(statuses, [200, 200, 200, 200]);
    } finally {
      socket.destroy();
    }
  });

  it('reads a body of megabytes in many packets, and leaves one over 6 MB to Node (413)', async () => {
    const big = JSON.stringify({ x: 'y'.repeat(5 * 1024 * 1024) });
    const tooBig = JSON.stringify({ x: 'y'.repeat(6 * 1024 * 1024) });
    const responses = await exchange(
      [
        await request('POST', invokePath('lean'), big),
        await request('POST', invokePath('lean'), tooBig),
      ],
      2,
    );
    assert.equal(responses[0]!.status, 200);
    assert.equal(JSON.parse(responses[0]!.body).got.x.length, 5 * 1024 * 1024);
    assert.equal(responses[1]!.status, 413);
    assert.equal(responses[1]!.headers['x-amzn-errortype'], 'RequestEntityTooLargeException');
  });

  it('keeps the error shapes: signature, unknown function, bad payload, Event size', async () => {
    const tampered = (await request('POST', invokePath('lean'), '{"a":1}')).replace(
      '{"a":1}',
      '{"a":2}',
    );
    const big = JSON.stringify({ x: 'y'.repeat(1024 * 1024) });
    const responses = await exchange(
      [
        tampered,
        await request('POST', invokePath('missing'), '{}'),
        await request('POST', invokePath('lean'), '{not json'),
        await request('POST', invokePath('lean'), big, { 'x-amz-invocation-type': 'Event' }),
        await request('POST', invokePath('lean'), '{}', { 'x-amz-invocation-type': 'DryRun' }),
      ],
      5,
    );
    const types = responses.map((r) => [r.status, r.headers['x-amzn-errortype']]);
    assert.deepEqual(types, [
      [403, 'InvalidSignatureException'],
      [404, 'ResourceNotFoundException'],
      [400, 'InvalidRequestContentException'],
      [413, 'RequestEntityTooLargeException'],
      [204, undefined],
    ]);
    assert.equal(JSON.parse(responses[1]!.body).Type, 'User');
  });

  it('leaves a foreign Host to the guard on Node’s path', async () => {
    const raw = (await request('POST', invokePath('lean'), '{}')).replace(
      `host: 127.0.0.1:${port}`,
      `host: evil.example:${port}`,
    );
    const [res] = await exchange([raw], 1);
    assert.equal(res!.status, 403);
    assert.equal(res!.headers['x-amzn-errortype'], 'AccessDeniedException');
  });
});
