// http and schedule events deployed to the local cloud through the real SDK clients: the URL
// answers real HTTP requests with Lambda's event and response mapping, the schedule fires, and
// a later deploy updates and deletes them to match the manifest.
import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  applyDeploy,
  formatPlan,
  planDeploy,
  type DeployResult,
  type StageInfo,
} from '../../src/core/deploy';
import { localCloudClientConfig } from '../../src/core/local';
import { loadManifest } from '../../src/core/manifest';
import { startTestCloud, writeCalls, type TestCloud } from '../unit/deploy/localProject';
import { cli } from './runCliHelper';

const API = `exports.handler = async (event) => {
  const http = event.requestContext.http;
  switch (event.rawPath) {
    case '/json':
      return { method: http.method, path: http.path, query: event.rawQueryString, q: event.queryStringParameters };
    case '/status':
      return {
        statusCode: 201,
        headers: { 'content-type': 'text/plain', 'x-flourish': 'yes' },
        cookies: ['session=abc; Path=/', 'theme=dark'],
        body: 'created',
      };
    case '/binary':
      return {
        statusCode: 200,
        headers: { 'content-type': 'application/octet-stream' },
        isBase64Encoded: true,
        body: Buffer.from([0, 1, 2, 255]).toString('base64'),
      };
    case '/echo':
      return {
        statusCode: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          method: http.method,
          isBase64Encoded: event.isBase64Encoded,
          body: event.body,
          cookies: event.cookies,
          custom: event.headers['x-custom'],
        }),
      };
    default:
      return { statusCode: 404, body: 'no route for ' + http.method + ' ' + event.rawPath };
  }
};
`;

const TICK = `exports.handler = async (event) => {
  console.log('tick ' + JSON.stringify(event));
  return 'ok';
};
`;

function manifest(options: { http: boolean; tickEnabled: boolean }): string {
  const http = options.http
    ? `    events:
      - http: GET /json
      - http:
          method: POST
          path: /echo
          cors: true
`
    : '';
  return `service: web
provider:
  name: local
  region: us-east-1
stage: dev
functions:
  api:
    handler: src/api.handler
    runtime: nodejs22.x
${http}    package:
      include:
        - src/**
  tick:
    handler: src/tick.handler
    runtime: nodejs22.x
    events:
      - schedule:
          expression: rate(1 minute)
          enabled: ${options.tickEnabled}
          input:
            job: cleanup
    package:
      include:
        - src/**
`;
}

describe('http and schedule events on the local cloud', function () {
  this.timeout(90_000);
  let env: TestCloud;
  let root: string;
  let scheduler: SchedulerClient;
  let url: string;

  const load = () => loadManifest(path.join(root, 'flourish.yaml'), { stage: 'dev' });
  const deploy = async (): Promise<{ text: string; result: DeployResult }> => {
    const plan = await planDeploy(await load(), env.provider, {
      cacheDir: path.join(root, '.cache'),
    });
    const result = await applyDeploy(plan, env.provider);
    assert.equal(result.ok, true, result.functions.map((f) => f.error?.message).join('\n'));
    return { text: formatPlan(plan), result };
  };

  before(async () => {
    env = await startTestCloud({ scheduleTimer: false });
    scheduler = new SchedulerClient(localCloudClientConfig(env.cloud));
    root = await mkdtemp(path.join(os.tmpdir(), 'flourish-events-'));
    await mkdir(path.join(root, 'src'));
    await writeFile(path.join(root, 'src', 'api.js'), API);
    await writeFile(path.join(root, 'src', 'tick.js'), TICK);
    await writeFile(path.join(root, 'flourish.yaml'), manifest({ http: true, tickEnabled: true }));
  });
  after(async () => {
    scheduler?.destroy();
    await env?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('deploys a URL and a schedule, shown in the plan, and `flourish info` lists them', async () => {
    const run = await cli(['deploy', '--state-dir', env.stateDir], root);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /\+ URL on alias dev \(auth NONE, CORS\) for GET \/json, POST \/echo/);
    assert.match(run.stdout, /\+ schedule web-dev-tick-1: rate\(1 minute\)/);
    assert.match(run.stdout, /\+ scheduler role web-dev-scheduler is created/);

    const info = await cli(['info', '--json', '--state-dir', env.stateDir], root);
    assert.equal(info.code, 0, info.stderr);
    const stage = JSON.parse(info.stdout) as StageInfo;
    const api = stage.functions.find((f) => f.key === 'api')!;
    assert.equal(api.version, '1');
    assert.equal(api.authType, 'NONE');
    assert.deepEqual(api.routes, ['GET /json', 'POST /echo']);
    assert.match(api.url ?? '', /^http:\/\/127\.0\.0\.1:\d+\/.+\/$/);
    url = api.url!;
    const tick = stage.functions.find((f) => f.key === 'tick')!;
    assert.deepEqual(tick.schedules, [
      { name: 'web-dev-tick-1', expression: 'rate(1 minute)', state: 'ENABLED' },
    ]);
    assert.equal(tick.url, undefined);

    const text = await cli(['info', '--state-dir', env.stateDir], root);
    assert.match(text.stdout, new RegExp(`url: ${url.replace(/[.]/g, '\\.')} \\(auth NONE\\)`));
    assert.match(text.stdout, /schedule: web-dev-tick-1 rate\(1 minute\)/);
  });

  it('answers a plain object as JSON with status 200, with the method, path and query', async () => {
    const res = await fetch(`${url}json?x=1&y=two`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(await res.json(), {
      method: 'GET',
      path: '/json',
      query: 'x=1&y=two',
      q: { x: '1', y: 'two' },
    });
  });

  it('honours statusCode, headers and cookies, and decodes a base64 body', async () => {
    const created = await fetch(`${url}status`);
    assert.equal(created.status, 201);
    assert.equal(created.headers.get('x-flourish'), 'yes');
    assert.deepEqual(created.headers.getSetCookie(), ['session=abc; Path=/', 'theme=dark']);
    assert.equal(await created.text(), 'created');

    const binary = await fetch(`${url}binary`);
    assert.equal(binary.status, 200);
    assert.deepEqual([...new Uint8Array(await binary.arrayBuffer())], [0, 1, 2, 255]);

    const missing = await fetch(`${url}nowhere`);
    assert.equal(missing.status, 404);
    assert.equal(await missing.text(), 'no route for GET /nowhere');
  });

  it('gives the function text bodies as text and binary ones in base64, with cookies', async () => {
    const text = await fetch(`${url}echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: 'a=1; b=2', 'x-custom': 'hi' },
      body: '{"n":1}',
    });
    assert.deepEqual(await text.json(), {
      method: 'POST',
      isBase64Encoded: false,
      body: '{"n":1}',
      cookies: ['a=1', 'b=2'],
      custom: 'hi',
    });
    const bytes = Buffer.from([0xff, 0x00, 0x10]);
    const binary = await fetch(`${url}echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    const seen = (await binary.json()) as { isBase64Encoded: boolean; body: string };
    assert.equal(seen.isBase64Encoded, true);
    assert.deepEqual(Buffer.from(seen.body, 'base64'), bytes);
  });

  it('answers a CORS preflight for the URL, since one event asks for CORS', async () => {
    const res = await fetch(`${url}echo`, {
      method: 'OPTIONS',
      headers: { origin: 'https://example.com', 'access-control-request-method': 'POST' },
    });
    assert.ok(res.status < 300, `preflight status ${res.status}`);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
  });

  it('fires the rate(1 minute) schedule on the stage alias with the manifest input', async () => {
    const schedule = await scheduler.send(new GetScheduleCommand({ Name: 'web-dev-tick-1' }));
    assert.match(schedule.Target?.Arn ?? '', /:function:web-dev-tick:dev$/);
    assert.match(schedule.Target?.RoleArn ?? '', /:role\/web-dev-scheduler$/);
    assert.equal(schedule.State, 'ENABLED');

    const early = await env.cloud.runDueSchedules(Date.now());
    assert.deepEqual(early, [], 'not due before a minute has passed');
    const fired = await env.cloud.runDueSchedules(Date.now() + 61_000);
    assert.equal(fired.length, 1);
    assert.match(fired[0].scheduleArn, /schedule\/default\/web-dev-tick-1$/);
    assert.ok(fired[0].requestId, fired[0].error);
    await env.cloud.drainAsync();
    const logs = await env.provider.filterLogs('/aws/lambda/web-dev-tick', {
      filterPattern: '"tick"',
    });
    assert.ok(
      logs.items.some((e) => e.message.includes('tick {"job":"cleanup"}')),
      logs.items.map((e) => e.message).join(''),
    );
  });

  it('changes nothing when nothing changed: no write calls at all', async () => {
    env.calls.length = 0;
    const { text, result } = await deploy();
    assert.deepEqual(writeCalls(env.calls), []);
    assert.match(text, /= URL http:\/\/.+ \(auth NONE, CORS\)/);
    assert.deepEqual(
      result.functions.map((f) => [f.functionKey, f.status]),
      [
        ['api', 'unchanged'],
        ['tick', 'unchanged'],
      ],
    );
    assert.equal(result.functions[0].url, url);
  });

  it('deletes the URL when the http events go, and disables the schedule', async () => {
    await writeFile(
      path.join(root, 'flourish.yaml'),
      manifest({ http: false, tickEnabled: false }),
    );
    const { text, result } = await deploy();
    assert.match(text, /- URL http:\/\/.+ is deleted/);
    assert.match(text, /~ schedule web-dev-tick-1: rate\(1 minute\), disabled \(state\)/);
    assert.equal(result.functions[0].url, undefined);
    const gone = await fetch(`${url}json`);
    assert.equal(gone.status, 404);
    const schedule = await scheduler.send(new GetScheduleCommand({ Name: 'web-dev-tick-1' }));
    assert.equal(schedule.State, 'DISABLED');
    assert.deepEqual(await env.cloud.runDueSchedules(Date.now() + 10 * 61_000), []);
  });
});
