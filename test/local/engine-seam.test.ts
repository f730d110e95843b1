// The seam to the execution engine, seen from the API: what ExecutionConfig the cloud hands
// over, when it retires environments, and how an engine failure reaches the caller. A
// recording engine stands in for the real one here; the SDK side is real.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  InvokeCommand,
  PublishVersionCommand,
  ServiceException,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import type {
  ExecutionConfig,
  InvocationOutcome,
  InvocationRequest,
  LogSink,
} from '../../src/core/local/execution/contract';
import type { InvocationEngine } from '../../src/core/local';
import {
  expectAwsError,
  nodeHandlerZip,
  ROLE,
  startFixture,
  type CloudFixture,
} from './cloud-support';

class RecordingEngine implements InvocationEngine {
  readonly configs: ExecutionConfig[] = [];
  readonly retired: string[] = [];
  shutdowns = 0;
  failWith: Error | undefined;

  constructor(private readonly sink: LogSink) {}

  async invoke(config: ExecutionConfig, request: InvocationRequest): Promise<InvocationOutcome> {
    if (this.failWith) throw this.failWith;
    this.configs.push(config);
    const stream = `2026/01/01/[${config.version}]${'0'.repeat(32)}`;
    const log = `START RequestId: ${request.requestId} Version: ${config.version}\nEND RequestId: ${request.requestId}\n`;
    this.sink.write(config.logGroupName, stream, [{ timestamp: Date.now(), message: log }]);
    const report = {
      durationMs: 1,
      billedDurationMs: 1,
      memorySizeMB: config.memorySizeMB,
      maxMemoryUsedMB: 1,
    };
    return {
      requestId: request.requestId,
      payload: request.payload,
      log,
      report,
      coldStart: false,
      logStreamName: stream,
    };
  }

  async retire(functionName: string): Promise<void> {
    this.retired.push(functionName);
  }

  async shutdown(): Promise<void> {
    this.shutdowns++;
  }
}

describe('local cloud: the engine seam', function () {
  this.timeout(30_000);
  let f: CloudFixture;
  let engine: RecordingEngine;
  const internalErrors: unknown[] = [];

  before(async () => {
    f = await startFixture({
      createEngine: (sink) => (engine = new RecordingEngine(sink)),
      onError: (error) => internalErrors.push(error),
    });
    await f.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'seam',
        Runtime: 'nodejs22.x',
        Role: ROLE,
        Handler: 'index.handler',
        MemorySize: 1024,
        Timeout: 42,
        Architectures: ['arm64'],
        Environment: { Variables: { GREETING: 'hi' } },
        Code: { ZipFile: nodeHandlerZip('export const handler = async () => 1;') },
      }),
    );
    await waitUntilFunctionActiveV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'seam' },
    );
  });
  after(async () => {
    await f.close();
    assert.equal(engine.shutdowns, 1, 'stop() shuts the engine down');
  });

  it('hands the engine one complete, immutable configuration with the unpacked code', async () => {
    const out = await f.lambda.send(
      new InvokeCommand({ FunctionName: 'seam', Payload: Buffer.from('{"x":1}') }),
    );
    assert.equal(Buffer.from(out.Payload!).toString(), '{"x":1}');
    const config = engine.configs.at(-1)!;
    assert.deepEqual(
      { ...config, codeDir: undefined, environmentKey: undefined },
      {
        functionName: 'seam',
        version: '$LATEST',
        functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:seam:$LATEST',
        codeDir: undefined,
        handler: 'index.handler',
        runtime: 'nodejs22.x',
        memorySizeMB: 1024,
        timeoutSec: 42,
        ephemeralStorageMB: 512,
        architecture: 'arm64',
        environment: { GREETING: 'hi' },
        region: 'us-east-1',
        accountId: '000000000000',
        logGroupName: '/aws/lambda/seam',
        environmentKey: undefined,
      },
    );
    assert.ok(path.isAbsolute(config.codeDir));
    assert.match(
      await readFile(path.join(config.codeDir, 'index.mjs'), 'utf8'),
      /export const handler/,
    );
  });

  it('keeps the environment key for the same configuration and changes it on an update', async () => {
    await f.lambda.send(new InvokeCommand({ FunctionName: 'seam' }));
    const [a, b] = engine.configs.slice(-2);
    assert.equal(a!.environmentKey, b!.environmentKey);
    const v1 = await f.lambda.send(new PublishVersionCommand({ FunctionName: 'seam' }));
    await f.lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'seam', MemorySize: 2048 }),
    );
    await waitUntilFunctionUpdatedV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'seam' },
    );
    assert.ok(engine.retired.includes('seam'), 'the old environments are retired after an update');
    await f.lambda.send(new InvokeCommand({ FunctionName: 'seam' }));
    const updated = engine.configs.at(-1)!;
    assert.equal(updated.memorySizeMB, 2048);
    assert.notEqual(updated.environmentKey, b!.environmentKey);
    await f.lambda.send(new InvokeCommand({ FunctionName: 'seam', Qualifier: v1.Version }));
    const versioned = engine.configs.at(-1)!;
    assert.equal(versioned.version, '1');
    assert.equal(versioned.memorySizeMB, 1024);
    assert.notEqual(versioned.environmentKey, updated.environmentKey);
  });

  it('turns an engine failure into ServiceException (500) and keeps serving', async () => {
    engine.failWith = new Error('worker pool broke');
    await expectAwsError(f.lambda.send(new InvokeCommand({ FunctionName: 'seam' })), {
      name: 'ServiceException',
      status: 500,
      type: ServiceException,
      message: /worker pool broke/,
    });
    engine.failWith = undefined;
    assert.deepEqual(
      internalErrors.map((e) => (e as Error).message),
      ['worker pool broke'],
      'the cause reaches the error hook',
    );
    const out = await f.lambda.send(new InvokeCommand({ FunctionName: 'seam' }));
    assert.equal(out.StatusCode, 200);
  });

  it('retires the environments of a deleted function', async () => {
    engine.retired.length = 0;
    await f.lambda.send(new DeleteFunctionCommand({ FunctionName: 'seam' }));
    assert.deepEqual(engine.retired, ['seam']);
  });
});
