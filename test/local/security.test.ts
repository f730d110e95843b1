// The local cloud refuses what AWS refuses: a wrong key, a wrong or missing signature, a stale
// date, a tampered body; and, beyond AWS, any Host that is not its own loopback address.
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { DescribeLogGroupsCommand, CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../src/core/local/http/sha256';
import { expectAwsError, startFixture, type CloudFixture } from './cloud-support';

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function raw(
  endpoint: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
        setHost: !options.headers?.host,
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('local cloud: request authentication and host guard', function () {
  this.timeout(30_000);
  let f: CloudFixture;

  before(async () => {
    f = await startFixture();
  });
  after(async () => {
    await f.close();
  });

  const clientWith = (
    credentials: { accessKeyId: string; secretAccessKey: string },
    extra = {},
  ): LambdaClient =>
    new LambdaClient({
      endpoint: f.cloud.endpoint,
      region: f.cloud.region,
      credentials,
      maxAttempts: 1,
      ...extra,
    });

  it('accepts requests signed with its own credentials', async () => {
    const out = await f.lambda.send(new ListFunctionsCommand({}));
    assert.deepEqual(out.Functions, []);
  });

  it('refuses an unknown access key with UnrecognizedClientException', async () => {
    const client = clientWith({
      accessKeyId: 'AKIAOTHER',
      secretAccessKey: f.cloud.credentials.secretAccessKey,
    });
    await expectAwsError(client.send(new ListFunctionsCommand({})), {
      name: 'UnrecognizedClientException',
      status: 403,
      message: /^The security token included in the request is invalid/,
    });
    client.destroy();
  });

  it('refuses a wrong secret with InvalidSignatureException, for Lambda and for Logs', async () => {
    const wrong = {
      accessKeyId: f.cloud.credentials.accessKeyId,
      secretAccessKey: 'not-the-secret',
    };
    const client = clientWith(wrong);
    await expectAwsError(client.send(new ListFunctionsCommand({})), {
      name: 'InvalidSignatureException',
      status: 403,
      message: /^The request signature we calculated does not match the signature you provided/,
    });
    client.destroy();
    const logs = new CloudWatchLogsClient({
      endpoint: f.cloud.endpoint,
      region: f.cloud.region,
      credentials: wrong,
      maxAttempts: 1,
    });
    await expectAwsError(logs.send(new DescribeLogGroupsCommand({})), {
      name: 'InvalidSignatureException',
      status: 403,
    });
    logs.destroy();
  });

  it('refuses a signature dated more than 15 minutes away', async () => {
    const client = clientWith({ ...f.cloud.credentials }, { systemClockOffset: -20 * 60 * 1000 });
    await expectAwsError(client.send(new ListFunctionsCommand({})), {
      name: 'InvalidSignatureException',
      status: 403,
      message: /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z/,
    });
    client.destroy();
  });

  it('refuses a request with no signature', async () => {
    const res = await raw(f.cloud.endpoint, { path: '/2015-03-31/functions/' });
    assert.equal(res.status, 403);
    assert.equal(res.headers['x-amzn-errortype'], 'MissingAuthenticationTokenException');
    assert.ok(res.headers['x-amzn-requestid']);
  });

  it('refuses a signed request whose body was changed after signing', async () => {
    const url = new URL(f.cloud.endpoint);
    const signer = new SignatureV4({
      credentials: f.cloud.credentials,
      region: f.cloud.region,
      service: 'lambda',
      sha256: NodeSha256,
    });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: '/2015-03-31/functions/x/invocations',
      headers: { host: url.host, 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    const res = await raw(f.cloud.endpoint, {
      method: 'POST',
      path: '/2015-03-31/functions/x/invocations',
      headers: signed.headers as Record<string, string>,
      body: '{"a":2}',
    });
    assert.equal(res.status, 403);
    assert.equal(res.headers['x-amzn-errortype'], 'InvalidSignatureException');
  });

  it('refuses a foreign or wrong-port Host header before anything else (DNS rebinding)', async () => {
    const port = new URL(f.cloud.endpoint).port;
    for (const host of [
      'evil.example',
      `evil.example:${port}`,
      `localhost:${Number(port) + 1}`,
      `10.0.0.1:${port}`,
    ]) {
      const res = await raw(f.cloud.endpoint, {
        path: '/2015-03-31/functions/',
        headers: { host },
      });
      assert.equal(res.status, 403, host);
      assert.equal(res.headers['x-amzn-errortype'], 'AccessDeniedException', host);
      assert.match(JSON.parse(res.body).message as string, /DNS rebinding/);
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      const res = await raw(f.cloud.endpoint, {
        path: '/2015-03-31/functions/',
        headers: { host },
      });
      assert.equal(res.headers['x-amzn-errortype'], 'MissingAuthenticationTokenException', host);
    }
  });

  it('listens on loopback only', async () => {
    assert.equal(new URL(f.cloud.endpoint).hostname, '127.0.0.1');
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (!external) return;
    const port = Number(new URL(f.cloud.endpoint).port);
    const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      const socket = net.connect(port, external.address);
      socket.on('connect', () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.on('error', resolve);
    });
    assert.equal(error?.code, 'ECONNREFUSED');
  });

  it('keeps its credentials and endpoint file readable by the owner only', async () => {
    if (process.platform === 'win32') return;
    for (const file of ['credentials.json', 'endpoint.json']) {
      const mode = (await stat(path.join(f.stateDir, file))).mode & 0o777;
      assert.equal(mode, 0o600, file);
    }
  });
});
