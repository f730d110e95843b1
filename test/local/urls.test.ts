// Lambda function URLs through the unmodified SDK client, and real HTTP requests to them: the
// payload 2.0 event, Lambda's response mapping, auth types, CORS and persistence.
import assert from 'node:assert/strict';
import http from 'node:http';
import {
  AddPermissionCommand,
  CreateAliasCommand,
  DeleteAliasCommand,
  GetPolicyCommand,
  RemovePermissionCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  InvalidParameterValueException,
  ListFunctionUrlConfigsCommand,
  PublishVersionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  UpdateFunctionUrlConfigCommand,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../src/core/local/http/sha256';
import {
  expectAwsError,
  nodeHandlerZip,
  ROLE,
  startFixture,
  type CloudFixture,
} from './cloud-support';

const HANDLER = `
export const handler = async (event) => {
  switch (event.rawPath) {
    case '/shaped':
      return {
        statusCode: 201,
        headers: { 'X-Custom': 'yes', 'Content-Type': 'text/plain' },
        cookies: ['session=abc; Path=/; HttpOnly', 'theme=dark'],
        body: 'created',
      };
    case '/binary': {
      const bytes = Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8').reverse();
      return {
        statusCode: 200,
        headers: { 'content-type': 'application/octet-stream' },
        body: bytes.toString('base64'),
        isBase64Encoded: true,
      };
    }
    case '/plain':
      return 'just a string';
    case '/fail':
      throw new Error('boom');
    default:
      return event;
  }
};`;

interface UrlEvent {
  version: string;
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  requestContext: {
    accountId: string;
    apiId: string;
    domainName: string;
    domainPrefix: string;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    requestId: string;
    routeKey: string;
    stage: string;
    time: string;
    timeEpoch: number;
  };
  body?: string;
  isBase64Encoded: boolean;
}

describe('local cloud: function URLs', function () {
  this.timeout(60_000);
  let f: CloudFixture;
  let url: string;

  before(async () => {
    f = await startFixture();
    await f.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'web',
        Runtime: 'nodejs20.x',
        Role: ROLE,
        Handler: 'index.handler',
        Code: { ZipFile: nodeHandlerZip(HANDLER) },
      }),
    );
    await waitUntilFunctionActiveV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'web' },
    );
  });
  after(async () => {
    await f.close();
  });

  it('creates a URL, refuses a second one, and gets, updates and lists it', async () => {
    const created = await f.lambda.send(
      new CreateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'NONE' }),
    );
    assert.equal(created.$metadata.httpStatusCode, 201);
    assert.match(
      created.FunctionUrl!,
      new RegExp(`^${f.cloud.endpoint}/lambda-url/[a-z0-9]{32}/$`),
    );
    assert.equal(created.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:web');
    assert.equal(created.AuthType, 'NONE');
    assert.equal(created.InvokeMode, 'BUFFERED');
    assert.ok(!Number.isNaN(Date.parse(created.CreationTime!)));
    url = created.FunctionUrl!;

    await expectAwsError(
      f.lambda.send(new CreateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'NONE' })),
      {
        name: 'ResourceConflictException',
        status: 409,
        type: ResourceConflictException,
        message: /FunctionUrlConfig exists for this Lambda function/,
      },
    );
    const got = await f.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'web' }));
    assert.equal(got.FunctionUrl, url);

    const updated = await f.lambda.send(
      new UpdateFunctionUrlConfigCommand({
        FunctionName: 'web',
        Cors: { AllowOrigins: ['https://app.example'], AllowMethods: ['GET', 'POST'], MaxAge: 60 },
      }),
    );
    assert.equal(updated.FunctionUrl, url, 'the URL never changes');
    assert.deepEqual(updated.Cors, {
      AllowOrigins: ['https://app.example'],
      AllowMethods: ['GET', 'POST'],
      MaxAge: 60,
    });
    const listed = await f.lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'web' }));
    assert.deepEqual(
      listed.FunctionUrlConfigs?.map((c) => c.FunctionUrl),
      [url],
    );
  });

  it('gives an alias its own URL, refuses a version, and names missing things', async () => {
    await f.lambda.send(new PublishVersionCommand({ FunctionName: 'web' }));
    await f.lambda.send(
      new CreateAliasCommand({ FunctionName: 'web', Name: 'live', FunctionVersion: '1' }),
    );
    const alias = await f.lambda.send(
      new CreateFunctionUrlConfigCommand({
        FunctionName: 'web',
        Qualifier: 'live',
        AuthType: 'NONE',
      }),
    );
    assert.equal(alias.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:web:live');
    assert.notEqual(alias.FunctionUrl, url);
    const response = await fetch(`${alias.FunctionUrl!}plain`);
    assert.equal(await response.text(), '"just a string"');

    await expectAwsError(
      f.lambda.send(
        new CreateFunctionUrlConfigCommand({
          FunctionName: 'web',
          Qualifier: '1',
          AuthType: 'NONE',
        }),
      ),
      { name: 'InvalidParameterValueException', status: 400, type: InvalidParameterValueException },
    );
    await expectAwsError(
      f.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'web', Qualifier: 'nope' })),
      { name: 'ResourceNotFoundException', status: 404, type: ResourceNotFoundException },
    );
    await expectAwsError(
      f.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'missing' })),
      { name: 'ResourceNotFoundException', status: 404, message: /Function not found/ },
    );
    await f.lambda.send(
      new DeleteFunctionUrlConfigCommand({ FunctionName: 'web', Qualifier: 'live' }),
    );
    await expectAwsError(
      f.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'web', Qualifier: 'live' })),
      {
        name: 'ResourceNotFoundException',
        status: 404,
        message: 'The resource you requested does not exist.',
      },
    );
    assert.equal((await fetch(`${alias.FunctionUrl!}plain`)).status, 404);
  });

  it('turns a request into the payload 2.0 event and a plain result into JSON', async () => {
    const response = await fetch(`${url}items/42?a=1&a=2&b=x%20y`, {
      headers: { 'X-Trace': 'one', Cookie: 'k1=v1; k2=v2', 'User-Agent': 'flourish-test' },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/json');
    assert.ok(response.headers.get('x-amzn-requestid'));
    const event = (await response.json()) as UrlEvent;
    assert.equal(event.version, '2.0');
    assert.equal(event.routeKey, '$default');
    assert.equal(event.rawPath, '/items/42');
    assert.equal(event.rawQueryString, 'a=1&a=2&b=x%20y');
    assert.deepEqual(event.queryStringParameters, { a: '1,2', b: 'x y' });
    assert.deepEqual(event.cookies, ['k1=v1', 'k2=v2']);
    assert.equal(event.headers['x-trace'], 'one');
    assert.equal(event.headers.cookie, undefined, 'cookies travel in their own list');
    assert.equal(event.isBase64Encoded, false);
    assert.equal(event.body, undefined);
    const context = event.requestContext;
    assert.equal(context.accountId, 'anonymous');
    assert.equal(context.apiId, url.split('/').at(-2));
    assert.equal(context.domainPrefix, context.apiId);
    assert.deepEqual(context.http, {
      method: 'GET',
      path: '/items/42',
      protocol: 'HTTP/1.1',
      sourceIp: '127.0.0.1',
      userAgent: 'flourish-test',
    });
    assert.equal(context.stage, '$default');
    assert.equal(context.routeKey, '$default');
    assert.equal(context.requestId, response.headers.get('x-amzn-requestid'));
    assert.match(context.time, /^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    assert.ok(Math.abs(context.timeEpoch - Date.now()) < 60_000);
  });

  it('passes text bodies as they are and binary bodies in base64, both ways', async () => {
    const json = await fetch(`${url}echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"hello":"world"}',
    });
    const event = (await json.json()) as UrlEvent;
    assert.equal(event.body, '{"hello":"world"}');
    assert.equal(event.isBase64Encoded, false);
    assert.equal(event.requestContext.http.method, 'POST');

    const bytes = Buffer.from([0, 1, 2, 254, 255]);
    const binary = await fetch(`${url}binary`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    assert.equal(binary.status, 200);
    assert.equal(binary.headers.get('content-type'), 'application/octet-stream');
    assert.deepEqual(Buffer.from(await binary.arrayBuffer()), Buffer.from([255, 254, 2, 1, 0]));
  });

  it('honours statusCode, headers and cookies, and answers a function error with 502', async () => {
    const shaped = await fetch(`${url}shaped`);
    assert.equal(shaped.status, 201);
    assert.equal(shaped.headers.get('x-custom'), 'yes');
    assert.equal(shaped.headers.get('content-type'), 'text/plain');
    assert.deepEqual(shaped.headers.getSetCookie(), [
      'session=abc; Path=/; HttpOnly',
      'theme=dark',
    ]);
    assert.equal(await shaped.text(), 'created');

    const failed = await fetch(`${url}fail`);
    assert.equal(failed.status, 502);
    assert.equal(await failed.text(), 'Internal Server Error');
  });

  it('answers CORS preflights itself and adds the allow headers for allowed origins', async () => {
    const preflight = await fetch(`${url}echo`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST' },
    });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://app.example');
    assert.equal(preflight.headers.get('access-control-allow-methods'), 'GET,POST');
    assert.equal(preflight.headers.get('access-control-max-age'), '60');

    const allowed = await fetch(`${url}plain`, { headers: { Origin: 'https://app.example' } });
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://app.example');
    const other = await fetch(`${url}plain`, { headers: { Origin: 'https://evil.example' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
  });

  it('requires a SigV4 signature for service lambda when the auth type is AWS_IAM', async () => {
    await f.lambda.send(
      new UpdateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'AWS_IAM' }),
    );
    const unsigned = await fetch(`${url}plain`);
    assert.equal(unsigned.status, 403);
    assert.deepEqual(await unsigned.json(), { Message: 'Forbidden' });

    const sign = async (service: string): Promise<Response> => {
      const target = new URL(`${url}echo?q=1`);
      const signer = new SignatureV4({
        credentials: f.cloud.credentials,
        region: f.cloud.region,
        service,
        sha256: NodeSha256,
      });
      const signed = await signer.sign({
        method: 'POST',
        protocol: 'http:',
        hostname: target.hostname,
        port: Number(target.port),
        path: target.pathname,
        query: { q: '1' },
        headers: { host: target.host, 'content-type': 'application/json' },
        body: '{"signed":true}',
      });
      return fetch(target, {
        method: 'POST',
        headers: signed.headers,
        body: '{"signed":true}',
      });
    };
    const wrongService = await sign('s3');
    assert.equal(wrongService.status, 403);
    const ok = await sign('lambda');
    assert.equal(ok.status, 200);
    const event = (await ok.json()) as UrlEvent & {
      requestContext: { authorizer?: { iam?: { accessKey: string } } };
    };
    assert.equal(event.body, '{"signed":true}');
    assert.equal(event.requestContext.accountId, '000000000000');
    assert.equal(event.requestContext.authorizer?.iam?.accessKey, f.cloud.credentials.accessKeyId);
  });

  it('keeps the resource policy a public URL needs, and drops an alias URL with its alias', async () => {
    const added = await f.lambda.send(
      new AddPermissionCommand({
        FunctionName: 'web',
        StatementId: 'FunctionURLAllowPublicAccess',
        Action: 'lambda:InvokeFunctionUrl',
        Principal: '*',
        FunctionUrlAuthType: 'NONE',
      }),
    );
    assert.deepEqual(JSON.parse(added.Statement!), {
      Sid: 'FunctionURLAllowPublicAccess',
      Effect: 'Allow',
      Principal: '*',
      Action: 'lambda:InvokeFunctionUrl',
      Resource: 'arn:aws:lambda:us-east-1:000000000000:function:web',
      Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } },
    });
    await expectAwsError(
      f.lambda.send(
        new AddPermissionCommand({
          FunctionName: 'web',
          StatementId: 'FunctionURLAllowPublicAccess',
          Action: 'lambda:InvokeFunctionUrl',
          Principal: '*',
        }),
      ),
      { name: 'ResourceConflictException', status: 409, message: /statement id/ },
    );
    const policy = await f.lambda.send(new GetPolicyCommand({ FunctionName: 'web' }));
    const parsed = JSON.parse(policy.Policy!) as { Statement: { Sid: string }[] };
    assert.deepEqual(
      parsed.Statement.map((s) => s.Sid),
      ['FunctionURLAllowPublicAccess'],
    );
    assert.ok(policy.RevisionId);
    await f.lambda.send(
      new RemovePermissionCommand({
        FunctionName: 'web',
        StatementId: 'FunctionURLAllowPublicAccess',
      }),
    );
    await expectAwsError(f.lambda.send(new GetPolicyCommand({ FunctionName: 'web' })), {
      name: 'ResourceNotFoundException',
      status: 404,
    });
    await expectAwsError(
      f.lambda.send(new RemovePermissionCommand({ FunctionName: 'web', StatementId: 'gone' })),
      { name: 'ResourceNotFoundException', status: 404, message: /Statement gone is not found/ },
    );

    await f.lambda.send(
      new CreateAliasCommand({ FunctionName: 'web', Name: 'temp', FunctionVersion: '1' }),
    );
    await f.lambda.send(
      new CreateFunctionUrlConfigCommand({
        FunctionName: 'web',
        Qualifier: 'temp',
        AuthType: 'NONE',
      }),
    );
    await f.lambda.send(new DeleteAliasCommand({ FunctionName: 'web', Name: 'temp' }));
    const listed = await f.lambda.send(new ListFunctionUrlConfigsCommand({ FunctionName: 'web' }));
    assert.deepEqual(
      listed.FunctionUrlConfigs?.map((c) => c.FunctionArn),
      ['arn:aws:lambda:us-east-1:000000000000:function:web'],
    );
  });

  it("answers on Lambda's host naming under .localhost, and guards other hosts", async () => {
    await f.lambda.send(
      new UpdateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'NONE' }),
    );
    const id = url.split('/').at(-2)!;
    const port = Number(new URL(f.cloud.endpoint).port);
    const get = (host: string, path: string): Promise<{ status: number; body: string }> =>
      new Promise((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        req.end();
      });
    const named = await get(`${id}.lambda-url.us-east-1.localhost:${port}`, '/echo?x=1');
    assert.equal(named.status, 200);
    const event = JSON.parse(named.body) as UrlEvent;
    assert.equal(event.rawPath, '/echo');
    assert.equal(event.requestContext.domainName, `${id}.lambda-url.us-east-1.localhost:${port}`);
    const foreign = await get(`evil.example:${port}`, `/lambda-url/${id}/echo`);
    assert.equal(foreign.status, 403, 'the path form still needs a loopback Host');
    const wrongRegion = await get(`${id}.lambda-url.eu-west-1.localhost:${port}`, '/echo');
    assert.equal(wrongRegion.status, 403);
  });

  it('keeps URL configs across a restart, served on the new port', async () => {
    await f.lambda.send(
      new UpdateFunctionUrlConfigCommand({ FunctionName: 'web', AuthType: 'NONE' }),
    );
    const id = url.split('/').at(-2);
    await f.restart();
    const got = await f.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'web' }));
    assert.equal(got.FunctionUrl, `${f.cloud.endpoint}/lambda-url/${id}/`);
    const response = await fetch(`${got.FunctionUrl!}plain`);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), '"just a string"');
  });
});
