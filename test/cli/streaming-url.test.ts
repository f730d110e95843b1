// `stream: true` on an http event, deployed to the local cloud through the real SDK clients:
// the function URL is created in RESPONSE_STREAM mode and streams what the handler writes; a
// later deploy without it turns the URL back to BUFFERED. And `flourish invoke --stream`.
import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GetFunctionUrlConfigCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { applyDeploy, formatPlan, planDeploy } from '../../src/core/deploy';
import { localCloudClientConfig } from '../../src/core/local';
import { loadManifest } from '../../src/core/manifest';
import { startTestCloud, type TestCloud } from '../unit/deploy/localProject';
import { cli } from './runCliHelper';

const FEED = `exports.handler = awslambda.streamifyResponse(async (event, responseStream) => {
  const stream = awslambda.HttpResponseStream.from(responseStream, {
    statusCode: 200,
    headers: { 'content-type': 'text/event-stream' },
  });
  for (let i = 1; i <= 3; i++) stream.write('data: ' + i + '\\n\\n');
  stream.end();
});
`;

const TICKER = `exports.handler = awslambda.streamifyResponse(async (event, responseStream) => {
  responseStream.setContentType('text/plain');
  for (let i = 1; i <= 3; i++) responseStream.write('tick ' + i + (i < 3 ? '\\n' : ''));
  if (event.fail) throw new Error('ran out of ticks');
  responseStream.end();
});
`;

const manifest = (stream: boolean): string => `service: feed
provider:
  name: local
  region: us-east-1
stage: dev
functions:
  feed:
    handler: src/feed.handler
    runtime: nodejs22.x
    events:
      - http: { method: GET, path: /events, stream: ${stream} }
    package:
      include:
        - src/**
  ticker:
    handler: src/ticker.handler
    runtime: nodejs22.x
    package:
      include:
        - src/**
`;

describe('streamed http events on the local cloud', function () {
  this.timeout(90_000);
  let env: TestCloud;
  let root: string;
  let lambda: LambdaClient;

  const deploy = async (): Promise<string> => {
    const loaded = await loadManifest(path.join(root, 'flourish.yaml'), { stage: 'dev' });
    const plan = await planDeploy(loaded, env.provider, { cacheDir: path.join(root, '.cache') });
    const result = await applyDeploy(plan, env.provider);
    assert.equal(result.ok, true, result.functions.map((f) => f.error?.message).join('\n'));
    return formatPlan(plan);
  };
  const invokeMode = async (): Promise<string | undefined> =>
    (
      await lambda.send(
        new GetFunctionUrlConfigCommand({ FunctionName: 'feed-dev-feed', Qualifier: 'dev' }),
      )
    ).InvokeMode;

  before(async () => {
    env = await startTestCloud({ scheduleTimer: false });
    lambda = new LambdaClient(localCloudClientConfig(env.cloud));
    root = await mkdtemp(path.join(os.tmpdir(), 'flourish-stream-'));
    await mkdir(path.join(root, 'src'));
    await writeFile(path.join(root, 'src', 'feed.js'), FEED);
    await writeFile(path.join(root, 'src', 'ticker.js'), TICKER);
    await writeFile(path.join(root, 'flourish.yaml'), manifest(true));
  });
  after(async () => {
    lambda?.destroy();
    await env?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('creates the URL in RESPONSE_STREAM mode, and it streams the handler output', async () => {
    const plan = await deploy();
    assert.match(plan, /\+ URL on alias dev \(auth NONE, streamed\) for GET \/events/);
    assert.equal(await invokeMode(), 'RESPONSE_STREAM');
    const { FunctionUrl } = await lambda.send(
      new GetFunctionUrlConfigCommand({ FunctionName: 'feed-dev-feed', Qualifier: 'dev' }),
    );
    const res = await fetch(`${FunctionUrl!}events`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/event-stream');
    assert.equal(res.headers.get('transfer-encoding'), 'chunked');
    assert.equal(await res.text(), 'data: 1\n\ndata: 2\n\ndata: 3\n\n');
  });

  it('turns the URL back to BUFFERED when the event no longer streams', async () => {
    await writeFile(path.join(root, 'flourish.yaml'), manifest(false));
    const plan = await deploy();
    assert.match(plan, /~ URL \S+ becomes auth NONE for GET \/events\n/);
    assert.equal(await invokeMode(), 'BUFFERED');
    // Unchanged after that: nothing to do.
    assert.doesNotMatch(await deploy(), /[~+] URL/);
  });

  it('prints a streamed response as it comes with `flourish invoke --stream`', async () => {
    const run = await cli(['invoke', 'ticker', '--stream', '--state-dir', env.stateDir], root);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'tick 1\ntick 2\ntick 3\n');
    assert.match(run.stderr, /REPORT RequestId: /);

    const failed = await cli(
      ['invoke', 'ticker', '--stream', '--data', '{"fail":true}', '--state-dir', env.stateDir],
      root,
    );
    assert.equal(failed.code, 1);
    assert.match(
      failed.stdout,
      /^tick 1\ntick 2\ntick 3\n\{\n {2}"errorType": "Error",\n {2}"errorMessage": "ran out of ticks"\n\}\n$/,
    );
    assert.match(failed.stderr, /ticker failed \(Unhandled\)/);

    const json = await cli(
      ['invoke', 'ticker', '--stream', '--json', '--state-dir', env.stateDir],
      root,
    );
    assert.equal(json.code, 0, json.stderr);
    assert.equal(
      (JSON.parse(json.stdout) as { response: string }).response,
      'tick 1\ntick 2\ntick 3',
    );

    const both = await cli(
      ['invoke', 'ticker', '--stream', '--async', '--state-dir', env.stateDir],
      root,
    );
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--async and --stream do not go together/);
  });
});
