// Invoke end to end through the SDK and the real execution engine: Node.js and Python
// functions, invocation types, log tails, function errors, limits, warm reuse and concurrency.
import assert from 'node:assert/strict';
import {
  CreateFunctionCommand,
  InvokeCommand,
  InvokeWithResponseStreamCommand,
  TooManyRequestsException,
  waitUntilFunctionActiveV2,
  type CreateFunctionCommandInput,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  expectAwsError,
  makeZip,
  nodeHandlerZip,
  ROLE,
  startFixture,
  watchLogs,
  type CloudFixture,
} from './cloud-support';
import { Gate, GATED_HANDLER } from './gate';

async function deploy(
  client: LambdaClient,
  name: string,
  code: Uint8Array,
  extra: Partial<CreateFunctionCommandInput> = {},
): Promise<void> {
  await client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Role: ROLE,
      Handler: 'index.handler',
      Code: { ZipFile: code },
      ...extra,
    }),
  );
  await waitUntilFunctionActiveV2({ client, maxWaitTime: 30, minDelay: 1 }, { FunctionName: name });
}

const text = (payload: Uint8Array | undefined): string =>
  Buffer.from(payload ?? []).toString('utf8');

describe('local cloud: invoke', function () {
  this.timeout(60_000);
  let f: CloudFixture;

  before(async () => {
    f = await startFixture();
    await deploy(
      f.lambda,
      'echo',
      nodeHandlerZip(`
let calls = 0;
export const handler = async (event, context) => {
  calls++;
  console.log('event', JSON.stringify(event));
  if (event.fail) throw new TypeError('asked to fail');
  if (event.noise) console.log('n'.repeat(event.noise));
  return { event, calls, name: context.functionName, version: context.functionVersion };
};`),
    );
  });
  after(async () => {
    await f.close();
  });

  it('runs a Node.js function synchronously and answers with its result', async () => {
    const out = await f.lambda.send(
      new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{"n":1}') }),
    );
    assert.equal(out.StatusCode, 200);
    assert.equal(out.ExecutedVersion, '$LATEST');
    assert.equal(out.FunctionError, undefined);
    const body = JSON.parse(text(out.Payload)) as { event: unknown; name: string; version: string };
    assert.deepEqual(body.event, { n: 1 });
    assert.equal(body.name, 'echo');
    assert.equal(body.version, '$LATEST');
  });

  it('reuses a warm environment for the next invocation', async () => {
    const first = JSON.parse(
      text((await f.lambda.send(new InvokeCommand({ FunctionName: 'echo' }))).Payload),
    ) as { calls: number };
    const second = await f.lambda.send(
      new InvokeCommand({ FunctionName: 'echo', LogType: 'Tail' }),
    );
    assert.equal((JSON.parse(text(second.Payload)) as { calls: number }).calls, first.calls + 1);
    const log = Buffer.from(second.LogResult!, 'base64').toString('utf8');
    assert.doesNotMatch(log, /Init Duration/, 'a warm start reports no Init Duration');
  });

  it('returns the request log with LogType Tail, cut to its last 4 KB', async () => {
    const short = await f.lambda.send(
      new InvokeCommand({
        FunctionName: 'echo',
        LogType: 'Tail',
        Payload: Buffer.from('{"tag":"t1"}'),
      }),
    );
    const log = Buffer.from(short.LogResult!, 'base64').toString('utf8');
    assert.match(log, /^START RequestId: \S+ Version: \$LATEST/);
    assert.match(log, /event \{"tag":"t1"\}/);
    assert.match(log, /END RequestId:/);
    assert.match(
      log,
      /REPORT RequestId: .*Duration: [\d.]+ ms.*Billed Duration: \d+ ms.*Memory Size: 128 MB.*Max Memory Used: \d+ MB/,
    );

    const noisy = await f.lambda.send(
      new InvokeCommand({
        FunctionName: 'echo',
        LogType: 'Tail',
        Payload: Buffer.from('{"noise":10000}'),
      }),
    );
    const tail = Buffer.from(noisy.LogResult!, 'base64');
    assert.equal(tail.length, 4096);
    assert.match(tail.toString('utf8'), /REPORT RequestId: /);
    const none = await f.lambda.send(new InvokeCommand({ FunctionName: 'echo' }));
    assert.equal(none.LogResult, undefined);
  });

  it("reports a function error with X-Amz-Function-Error and Lambda's error document", async () => {
    const out = await f.lambda.send(
      new InvokeCommand({ FunctionName: 'echo', Payload: Buffer.from('{"fail":true}') }),
    );
    assert.equal(out.StatusCode, 200);
    assert.equal(out.FunctionError, 'Unhandled');
    const error = JSON.parse(text(out.Payload)) as {
      errorType: string;
      errorMessage: string;
      trace: string[];
    };
    assert.equal(error.errorType, 'TypeError');
    assert.equal(error.errorMessage, 'asked to fail');
    // Node.js runtimes name the stack `trace` (Python's is `stackTrace`).
    assert.equal(error.trace[0], 'TypeError: asked to fail');
    const next = await f.lambda.send(new InvokeCommand({ FunctionName: 'echo' }));
    assert.equal(next.FunctionError, undefined);
  });

  it('queues an Event invocation (202) and runs it', async () => {
    const watch = watchLogs(f.cloud, '/aws/lambda/echo', (seen) =>
      seen.some((m) => m.includes('marker-42')),
    );
    await watch.ready;
    const out = await f.lambda.send(
      new InvokeCommand({
        FunctionName: 'echo',
        InvocationType: 'Event',
        Payload: Buffer.from('{"async":"marker-42"}'),
      }),
    );
    assert.equal(out.StatusCode, 202);
    assert.equal(text(out.Payload), '');
    await f.cloud.drainAsync();
    const found = await f.logs.send(
      new FilterLogEventsCommand({
        logGroupName: '/aws/lambda/echo',
        filterPattern: '"marker-42"',
      }),
    );
    assert.equal(found.events!.length, 1);
  });

  it('answers DryRun with 204 without running the function', async () => {
    const out = await f.lambda.send(
      new InvokeCommand({
        FunctionName: 'echo',
        InvocationType: 'DryRun',
        Payload: Buffer.from('{"dry":"marker-dry"}'),
      }),
    );
    assert.equal(out.StatusCode, 204);
    const found = await f.logs.send(
      new FilterLogEventsCommand({ logGroupName: '/aws/lambda/echo', filterPattern: 'marker-dry' }),
    );
    assert.equal(found.events!.length, 0);
  });

  it('answers InvokeWithResponseStream as an event stream of chunks and a completion', async () => {
    const out = await f.lambda.send(
      new InvokeWithResponseStreamCommand({
        FunctionName: 'echo',
        Payload: Buffer.from(JSON.stringify({ noise: 0, big: 'y'.repeat(100_000) })),
        LogType: 'Tail',
      }),
    );
    assert.equal(out.StatusCode, 200);
    assert.equal(out.ExecutedVersion, '$LATEST');
    const chunks: Buffer[] = [];
    let complete: { ErrorCode?: string; LogResult?: string } | undefined;
    for await (const event of out.EventStream!) {
      if (event.PayloadChunk?.Payload) chunks.push(Buffer.from(event.PayloadChunk.Payload));
      if (event.InvokeComplete) complete = event.InvokeComplete;
    }
    assert.ok(chunks.length >= 2, 'a 100 KB response arrives in more than one chunk');
    const body = JSON.parse(Buffer.concat(chunks).toString()) as { event: { big: string } };
    assert.equal(body.event.big.length, 100_000);
    assert.ok(complete);
    assert.equal(complete.ErrorCode, undefined);
    assert.match(Buffer.from(complete.LogResult!, 'base64').toString(), /REPORT RequestId:/);

    const failed = await f.lambda.send(
      new InvokeWithResponseStreamCommand({
        FunctionName: 'echo',
        Payload: Buffer.from('{"fail":true}'),
      }),
    );
    const events = [];
    for await (const event of failed.EventStream!) events.push(event);
    assert.deepEqual(
      events.map((e) => Object.keys(e).find((k) => k !== '$unknown')),
      ['InvokeComplete'],
    );
    assert.equal(events[0]!.InvokeComplete!.ErrorCode, 'TypeError');
    assert.equal(events[0]!.InvokeComplete!.ErrorDetails, 'asked to fail');
  });

  it('runs a Python function', async () => {
    const code = makeZip([
      {
        name: 'app.py',
        data: [
          'def handler(event, context):',
          '    print("python got", event["x"])',
          '    return {"double": event["x"] * 2, "name": context.function_name}',
          '',
        ].join('\n'),
      },
    ]);
    await deploy(f.lambda, 'py', code, { Runtime: 'python3.11', Handler: 'app.handler' });
    const out = await f.lambda.send(
      new InvokeCommand({ FunctionName: 'py', Payload: Buffer.from('{"x":21}'), LogType: 'Tail' }),
    );
    assert.equal(out.FunctionError, undefined, text(out.Payload));
    assert.deepEqual(JSON.parse(text(out.Payload)), { double: 42, name: 'py' });
    assert.match(Buffer.from(out.LogResult!, 'base64').toString(), /python got 21/);
  });

  it('kills an invocation at its timeout and the next one succeeds', async () => {
    await deploy(
      f.lambda,
      'hang',
      nodeHandlerZip(
        'export const handler = async (e) => e.hang ? new Promise(() => setInterval(() => {}, 1000)) : "ok";',
      ),
      { Timeout: 1 },
    );
    const out = await f.lambda.send(
      new InvokeCommand({ FunctionName: 'hang', Payload: Buffer.from('{"hang":true}') }),
    );
    assert.equal(out.FunctionError, 'Unhandled');
    assert.match(text(out.Payload), /Task timed out after 1\.\d\d seconds/);
    const next = await f.lambda.send(new InvokeCommand({ FunctionName: 'hang' }));
    assert.equal(text(next.Payload), '"ok"');
  });
});

describe('local cloud: limits through the API', function () {
  this.timeout(60_000);
  let f: CloudFixture;

  before(async () => {
    f = await startFixture();
    await deploy(
      f.lambda,
      'hungry',
      nodeHandlerZip(`
const held = [];
export const handler = async (event) => {
  if (event.eat) for (let i = 0; i < 64; i++) held.push(Buffer.alloc(16 * 1024 * 1024, 1));
  return 'fine';
};`),
      { MemorySize: 128 },
    );
  });
  after(async () => {
    await f.close();
  });

  it('stops a function that outgrows its memory size with Runtime.OutOfMemory; the next call runs', async () => {
    const out = await f.lambda.send(
      new InvokeCommand({
        FunctionName: 'hungry',
        Payload: Buffer.from('{"eat":true}'),
        LogType: 'Tail',
      }),
    );
    assert.equal(out.FunctionError, 'Unhandled');
    assert.equal(
      (JSON.parse(text(out.Payload)) as { errorType: string }).errorType,
      'Runtime.OutOfMemory',
    );
    const next = await f.lambda.send(new InvokeCommand({ FunctionName: 'hungry' }));
    assert.equal(text(next.Payload), '"fine"');
  });
});

describe('local cloud: concurrency', function () {
  this.timeout(60_000);
  let f: CloudFixture;
  const gate = new Gate();

  before(async () => {
    await gate.start();
    f = await startFixture({ maxConcurrency: 3 });
    await deploy(f.lambda, 'gated', nodeHandlerZip(GATED_HANDLER), {
      Environment: { Variables: { GATE_PORT: String(gate.port) } },
    });
  });
  after(async () => {
    await gate.stop();
    await f.close();
  });

  it('runs invocations in parallel up to the cap, then throttles with TooManyRequestsException', async () => {
    const running = [1, 2, 3].map(() =>
      f.lambda.send(new InvokeCommand({ FunctionName: 'gated' })),
    );
    await gate.held(3);
    const throttled = await expectAwsError(
      f.lambda.send(new InvokeCommand({ FunctionName: 'gated' })),
      {
        name: 'TooManyRequestsException',
        status: 429,
        type: TooManyRequestsException,
        message: 'Rate Exceeded.',
      },
    );
    assert.equal(
      (throttled as unknown as TooManyRequestsException).Reason,
      'ConcurrentInvocationLimitExceeded',
    );
    gate.open();
    const results = await Promise.all(running);
    assert.deepEqual(
      results.map((r) => text(r.Payload)),
      ['"passed"', '"passed"', '"passed"'],
    );
  });

  it('queues Event invocations beyond the cap and runs every one', async () => {
    const accepted = await Promise.all(
      [1, 2, 3, 4, 5].map(() =>
        f.lambda.send(new InvokeCommand({ FunctionName: 'gated', InvocationType: 'Event' })),
      ),
    );
    assert.deepEqual(
      accepted.map((a) => a.StatusCode),
      [202, 202, 202, 202, 202],
    );
    await gate.held(3);
    gate.open();
    await gate.held(2);
    gate.open();
    await f.cloud.drainAsync();
    const reports = await f.logs.send(
      new FilterLogEventsCommand({ logGroupName: '/aws/lambda/gated', filterPattern: 'REPORT' }),
    );
    assert.equal(reports.events!.length, 3 + 5);
  });
});

describe('local cloud: asynchronous retries', function () {
  this.timeout(60_000);
  let f: CloudFixture;

  before(async () => {
    // Lambda waits about one and two minutes; the same schedule, without the wait.
    f = await startFixture({ asyncRetryDelaysMs: [0, 0] });
    await deploy(
      f.lambda,
      'flaky',
      nodeHandlerZip('export const handler = async () => { throw new Error("always"); };'),
    );
  });
  after(async () => {
    await f.close();
  });

  it('retries a failed Event invocation twice with the same request id, then gives up', async () => {
    const reports = (seen: string[]): string[] => seen.filter((m) => m.startsWith('REPORT'));
    const watch = watchLogs(f.cloud, '/aws/lambda/flaky', (seen) => reports(seen).length >= 3);
    await watch.ready;
    const out = await f.lambda.send(
      new InvokeCommand({ FunctionName: 'flaky', InvocationType: 'Event' }),
    );
    assert.equal(out.StatusCode, 202);
    const seen = await watch.finished;
    await f.cloud.drainAsync();
    const ids = new Set(reports(seen).map((m) => /RequestId: (\S+)/.exec(m)![1]));
    assert.equal(ids.size, 1, 'every attempt carries the same request id');
    const all = await f.logs.send(
      new FilterLogEventsCommand({ logGroupName: '/aws/lambda/flaky', filterPattern: 'REPORT' }),
    );
    assert.equal(all.events!.length, 3);
  });
});
