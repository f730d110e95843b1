// State survives: a restart keeps functions, versions, aliases, tags, code and logs; a crash in
// the middle of a write leaves the previous file whole.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GetLogEventsCommand, DescribeLogStreamsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  InvokeCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import {
  localCloudClientConfig,
  readLocalCloudInfo,
  startLocalCloud,
  tailLocalLogs,
} from '../../src/core/local';
import { nodeHandlerZip, ROLE, startFixture, type CloudFixture } from './cloud-support';

describe('local cloud: state on disk', function () {
  this.timeout(60_000);
  let f: CloudFixture;

  before(async () => {
    f = await startFixture();
  });
  after(async () => {
    await f.close();
  });

  it('announces itself in endpoint.json while running, and removes it on stop', async () => {
    const info = await readLocalCloudInfo(f.stateDir);
    assert.ok(info);
    assert.equal(info.endpoint, f.cloud.endpoint);
    assert.equal(info.pid, process.pid);
    assert.deepEqual(localCloudClientConfig(info), {
      endpoint: f.cloud.endpoint,
      region: 'us-east-1',
      credentials: f.cloud.credentials,
    });
  });

  it('keeps functions, versions, aliases, tags, code and logs across a restart', async () => {
    await f.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'keep',
        Runtime: 'nodejs20.x',
        Role: ROLE,
        Handler: 'index.handler',
        Code: {
          ZipFile: nodeHandlerZip(
            'export const handler = async () => { console.log("kept-line"); return "kept"; };',
          ),
        },
        Tags: { keep: 'yes' },
      }),
    );
    await waitUntilFunctionActiveV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'keep' },
    );
    await f.lambda.send(new PublishVersionCommand({ FunctionName: 'keep' }));
    await f.lambda.send(
      new CreateAliasCommand({ FunctionName: 'keep', Name: 'prod', FunctionVersion: '1' }),
    );
    await f.lambda.send(new InvokeCommand({ FunctionName: 'keep' }));
    const before = await f.lambda.send(new GetFunctionCommand({ FunctionName: 'keep' }));
    const credentials = f.cloud.credentials;

    await f.restart();
    assert.equal((await readLocalCloudInfo(f.stateDir))?.endpoint, f.cloud.endpoint);
    assert.deepEqual(f.cloud.credentials, credentials, 'the same credentials after a restart');
    const after = await f.lambda.send(new GetFunctionCommand({ FunctionName: 'keep' }));
    assert.deepEqual(after.Configuration, before.Configuration);
    assert.deepEqual(after.Tags, { keep: 'yes' });
    const versions = await f.lambda.send(
      new ListVersionsByFunctionCommand({ FunctionName: 'keep' }),
    );
    assert.deepEqual(
      versions.Versions!.map((v) => v.Version),
      ['$LATEST', '1'],
    );
    assert.equal(
      (await f.lambda.send(new GetAliasCommand({ FunctionName: 'keep', Name: 'prod' })))
        .FunctionVersion,
      '1',
    );
    const out = await f.lambda.send(new InvokeCommand({ FunctionName: 'keep', Qualifier: 'prod' }));
    assert.equal(Buffer.from(out.Payload!).toString(), '"kept"');

    const streams = await f.logs.send(
      new DescribeLogStreamsCommand({ logGroupName: '/aws/lambda/keep' }),
    );
    assert.ok(streams.logStreams!.length >= 1);
    const first = await f.logs.send(
      new GetLogEventsCommand({
        logGroupName: '/aws/lambda/keep',
        logStreamName: streams.logStreams![0]!.logStreamName!,
        startFromHead: true,
      }),
    );
    assert.match(first.events![0]!.message!, /^START RequestId: /);
  });

  it('finishes a change that was in progress when it stopped', async () => {
    await f.restart({ minTransitionMs: 60_000 });
    const created = await f.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'interrupted',
        Runtime: 'nodejs20.x',
        Role: ROLE,
        Handler: 'index.handler',
        Code: { ZipFile: nodeHandlerZip('export const handler = async () => "resumed";') },
      }),
    );
    assert.equal(created.State, 'Pending');
    await f.restart({ minTransitionMs: 0 });
    await waitUntilFunctionActiveV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'interrupted' },
    );
    const out = await f.lambda.send(new InvokeCommand({ FunctionName: 'interrupted' }));
    assert.equal(Buffer.from(out.Payload!).toString(), '"resumed"');
  });

  it('refuses to start a second cloud on the same state directory', async () => {
    await assert.rejects(startLocalCloud({ stateDir: f.stateDir, port: 0 }), (error: Error) =>
      error.message.startsWith(`A local cloud already runs on ${f.stateDir} (pid ${process.pid}`),
    );
  });

  it('ends a live tail with an error when the cloud stops', async () => {
    let onReady!: () => void;
    const ready = new Promise<void>((resolve) => (onReady = resolve));
    const tail = tailLocalLogs(localCloudClientConfig(f.cloud), {
      logGroupName: '/aws/lambda/keep',
      onReady,
    });
    const drained = (async () => {
      for await (const _ of tail) {
        // No events are written; the loop only ends when the stream does.
      }
    })();
    await ready;
    await f.restart();
    await assert.rejects(
      drained,
      /ended the log tail of \/aws\/lambda\/keep; it has probably stopped/,
    );
  });

  it('reports no running cloud once stopped', async () => {
    const dir = f.stateDir;
    await f.cloud.stop();
    assert.equal(await readLocalCloudInfo(dir), undefined);
    await f.restart();
  });
});

describe('local cloud: atomic writes', function () {
  this.timeout(60_000);

  it('leaves a whole file when the writer is killed mid-write', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'flourish-atomic-'));
    try {
      const file = path.join(dir, 'state.json');
      for (let round = 0; round < 3; round++) {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', path.join(__dirname, 'atomic-writer-child.ts'), file],
          {
            stdio: ['ignore', 'pipe', 'inherit'],
          },
        );
        const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
        assert.equal(chunk.toString().trim(), 'ready');
        child.kill('SIGKILL');
        await once(child, 'exit');
        const saved = JSON.parse(await readFile(file, 'utf8')) as { n: number; pad: string };
        assert.ok(saved.n >= 1);
        assert.equal(saved.pad.length, 2 * 1024 * 1024);
      }
      // Temporary files a crash may leave behind are never mistaken for the state.
      const names = await readdir(dir);
      assert.ok(names.includes('state.json'));
      assert.ok(
        names.every(
          (n) => n === 'state.json' || (n.startsWith('.state.json.') && n.endsWith('.tmp')),
        ),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
