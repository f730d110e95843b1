// CloudWatch Logs through the unmodified SDK client, and the live tail through tailLocalLogs.
import assert from 'node:assert/strict';
import {
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  InvalidParameterException,
  ResourceNotFoundException,
  paginateFilterLogEvents,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateFunctionCommand,
  InvokeCommand,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import {
  localCloudClientConfig,
  tailLocalLogs,
  LocalTailError,
  type TailEvent,
} from '../../src/core/local';
import {
  expectAwsError,
  nodeHandlerZip,
  ROLE,
  startFixture,
  type CloudFixture,
} from './cloud-support';

const GROUP = '/aws/lambda/talker';

describe('local cloud: logs', function () {
  this.timeout(60_000);
  let f: CloudFixture;

  before(async () => {
    f = await startFixture();
    await f.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'talker',
        Runtime: 'nodejs20.x',
        Role: ROLE,
        Handler: 'index.handler',
        Code: {
          ZipFile: nodeHandlerZip(`
export const handler = async (event) => {
  for (const line of event.lines ?? []) console.log(typeof line === 'string' ? line : JSON.stringify(line));
  return 'ok';
};`),
        },
      }),
    );
    await waitUntilFunctionActiveV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'talker' },
    );
  });
  after(async () => {
    await f.close();
  });

  /**
   * Invokes the function and resolves once its log lines and REPORT have reached the log store
   * (watched through the live tail, so no polling): the engine may write a function's own
   * output a moment after it answers.
   */
  const say = async (...lines: unknown[]): Promise<void> => {
    const expected = new Set(lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))));
    let sawReport = false;
    const stop = new AbortController();
    let onReady!: () => void;
    const ready = new Promise<void>((resolve) => (onReady = resolve));
    const watching = (async () => {
      for await (const event of tailLocalLogs(localCloudClientConfig(f.cloud), {
        logGroupName: GROUP,
        signal: stop.signal,
        onReady,
      })) {
        if (event.message.startsWith('REPORT')) sawReport = true;
        expected.delete(event.message.split('\t').at(-1)!.trim());
        if (sawReport && expected.size === 0) stop.abort();
      }
    })();
    await ready;
    await f.lambda.send(
      new InvokeCommand({
        FunctionName: 'talker',
        Payload: Buffer.from(JSON.stringify({ lines })),
      }),
    );
    await watching;
  };

  it('writes each function to /aws/lambda/<name> in Lambda-named streams', async () => {
    await say('hello world');
    const groups = await f.logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: '/aws/lambda/' }),
    );
    assert.deepEqual(
      groups.logGroups!.map((g) => g.logGroupName),
      [GROUP],
    );
    assert.equal(
      groups.logGroups![0]!.arn,
      `arn:aws:logs:us-east-1:000000000000:log-group:${GROUP}:*`,
    );
    const streams = await f.logs.send(new DescribeLogStreamsCommand({ logGroupName: GROUP }));
    assert.equal(streams.logStreams!.length, 1);
    assert.match(
      streams.logStreams![0]!.logStreamName!,
      /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/,
    );
    const byTime = await f.logs.send(
      new DescribeLogStreamsCommand({
        logGroupName: GROUP,
        orderBy: 'LastEventTime',
        descending: true,
      }),
    );
    assert.ok(
      byTime.logStreams![0]!.lastEventTimestamp! >= byTime.logStreams![0]!.firstEventTimestamp!,
    );
  });

  it('reads a stream with GetLogEvents, from the head or the tail, following the tokens', async () => {
    await say('line-1', 'line-2', 'line-3');
    const streams = await f.logs.send(
      new DescribeLogStreamsCommand({
        logGroupName: GROUP,
        orderBy: 'LastEventTime',
        descending: true,
      }),
    );
    const stream = streams.logStreams![0]!.logStreamName!;
    const all = await f.logs.send(
      new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, startFromHead: true }),
    );
    const messages = all.events!.map((e) => e.message!);
    assert.ok(messages.filter((m) => m.startsWith('START RequestId:')).length >= 1);
    assert.ok(messages.some((m) => m.trimEnd().endsWith('line-3')));
    assert.ok(messages.length >= 6);

    const pages: string[] = [];
    let token: string | undefined;
    for (;;) {
      const page = await f.logs.send(
        new GetLogEventsCommand({
          logGroupName: GROUP,
          logStreamName: stream,
          startFromHead: true,
          limit: 3,
          nextToken: token,
        }),
      );
      pages.push(...page.events!.map((e) => e.message!));
      if (page.nextForwardToken === token) break;
      token = page.nextForwardToken;
    }
    assert.deepEqual(pages, messages, 'forward paging returns every event once, in order');

    const last = await f.logs.send(
      new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, limit: 2 }),
    );
    assert.deepEqual(
      last.events!.map((e) => e.message),
      messages.slice(-2),
    );
    const before = await f.logs.send(
      new GetLogEventsCommand({
        logGroupName: GROUP,
        logStreamName: stream,
        limit: 2,
        nextToken: last.nextBackwardToken,
      }),
    );
    assert.deepEqual(
      before.events!.map((e) => e.message),
      messages.slice(-4, -2),
    );
  });

  it('filters with terms, phrases, exclusions, alternatives and JSON selectors', async () => {
    await say(
      'ERROR disk full',
      'WARN disk nearly full',
      'INFO all good',
      { level: 'ERROR', ms: 250, user: { id: 7 } },
      { level: 'INFO', ms: 20 },
    );
    const match = async (filterPattern: string): Promise<string[]> => {
      const out = await f.logs.send(
        new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern }),
      );
      return out.events!.map((e) => e.message!.split('\t').at(-1)!.trim());
    };
    assert.deepEqual(await match('ERROR disk'), ['ERROR disk full']);
    assert.deepEqual(await match('"nearly full"'), ['WARN disk nearly full']);
    assert.deepEqual(await match('disk -WARN'), ['ERROR disk full']);
    assert.deepEqual(await match('?WARN ?good'), ['WARN disk nearly full', 'INFO all good']);
    assert.deepEqual(await match('{ $.level = "ERROR" }'), [
      '{"level":"ERROR","ms":250,"user":{"id":7}}',
    ]);
    assert.deepEqual(await match('{ $.ms > 100 || $.user.id = 9 }'), [
      '{"level":"ERROR","ms":250,"user":{"id":7}}',
    ]);
    assert.deepEqual(await match('{ $.level = "IN*" && $.ms < 100 }'), [
      '{"level":"INFO","ms":20}',
    ]);
    await expectAwsError(
      f.logs.send(
        new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern: '{ $.level = }' }),
      ),
      {
        name: 'InvalidParameterException',
        status: 400,
        type: InvalidParameterException,
      },
    );
  });

  it('filters with ?term groups, regex and space-delimited patterns', async () => {
    await say('GET /a 200 12', 'GET /b 500 250', 'POST /c 404 80', 'POST /d 500 30');
    const match = async (filterPattern: string): Promise<string[]> => {
      const out = await f.logs.send(
        new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern }),
      );
      return out.events!.map((e) => e.message!.split('\t').at(-1)!.trim());
    };
    assert.deepEqual(await match('?"GET" "500" ?"POST" "404"'), [
      'GET /b 500 250',
      'POST /c 404 80',
    ]);
    assert.deepEqual(await match('%[45]0\\d\\s\\d+$%'), [
      'GET /b 500 250',
      'POST /c 404 80',
      'POST /d 500 30',
    ]);
    assert.deepEqual(await match('{ $.level = %^ERR% }'), [
      '{"level":"ERROR","ms":250,"user":{"id":7}}',
    ]);
    assert.deepEqual(await match('[..., method, path, status = 5* || status = 4*, ms > 50]'), [
      'GET /b 500 250',
      'POST /c 404 80',
    ]);
    assert.deepEqual(await match('[..., method = POST, path = %^/[cd]$%, status, ms <= 30]'), [
      'POST /d 500 30',
    ]);
    for (const [filterPattern, message] of [
      ['%GET /b%', /contains a space \(use \\s\)/],
      ['%ERR(OR)?%', /does not support parentheses/],
      ['{ $.a = %x% || $.b = %y% || $.c = %z% }', /at most 2/],
      ['[method, path', /does not end with \]/],
    ] as const) {
      await expectAwsError(
        f.logs.send(new FilterLogEventsCommand({ logGroupName: GROUP, filterPattern })),
        {
          name: 'InvalidParameterException',
          status: 400,
          type: InvalidParameterException,
          message,
        },
      );
    }
  });

  it('filters by stream and time range, and pages with nextToken', async () => {
    const stream = (
      await f.logs.send(
        new DescribeLogStreamsCommand({
          logGroupName: GROUP,
          orderBy: 'LastEventTime',
          descending: true,
        }),
      )
    ).logStreams![0]!;
    const inStream = await f.logs.send(
      new FilterLogEventsCommand({ logGroupName: GROUP, logStreamNames: [stream.logStreamName!] }),
    );
    assert.ok(inStream.events!.length > 0);
    assert.ok(inStream.events!.every((e) => e.logStreamName === stream.logStreamName));
    const total = (await f.logs.send(new FilterLogEventsCommand({ logGroupName: GROUP }))).events!
      .length;
    assert.ok(total > 10);
    let paged = 0;
    let pages = 0;
    for await (const page of paginateFilterLogEvents(
      { client: f.logs, pageSize: 4 },
      { logGroupName: GROUP },
    )) {
      paged += page.events!.length;
      pages++;
    }
    assert.equal(paged, total);
    assert.equal(pages, Math.ceil(total / 4));
    const future = await f.logs.send(
      new FilterLogEventsCommand({ logGroupName: GROUP, startTime: Date.now() + 60_000 }),
    );
    assert.equal(future.events!.length, 0);
    const window = await f.logs.send(
      new FilterLogEventsCommand({
        logGroupName: GROUP,
        startTime: stream.firstEventTimestamp,
        endTime: stream.firstEventTimestamp,
      }),
    );
    assert.ok(window.events!.length >= 1);
    assert.ok(window.events!.every((e) => e.timestamp === stream.firstEventTimestamp));
    const none = await f.logs.send(
      new FilterLogEventsCommand({ logGroupName: GROUP, logStreamNames: ['no-such-stream'] }),
    );
    assert.equal(none.events!.length, 0);
  });

  it('excludes endTime in GetLogEvents and includes it in FilterLogEvents', async () => {
    const stream = (
      await f.logs.send(
        new DescribeLogStreamsCommand({
          logGroupName: GROUP,
          orderBy: 'LastEventTime',
          descending: true,
        }),
      )
    ).logStreams![0]!;
    const t = stream.firstEventTimestamp!;
    const read = async (endTime: number): Promise<number[]> =>
      (
        await f.logs.send(
          new GetLogEventsCommand({
            logGroupName: GROUP,
            logStreamName: stream.logStreamName,
            startFromHead: true,
            startTime: t,
            endTime,
          }),
        )
      ).events!.map((e) => e.timestamp!);
    assert.deepEqual(await read(t), [], 'an event at endTime is not included');
    const upToT = await read(t + 1);
    assert.ok(upToT.length >= 1);
    assert.ok(upToT.every((ts) => ts === t));
    const filtered = await f.logs.send(
      new FilterLogEventsCommand({
        logGroupName: GROUP,
        logStreamNames: [stream.logStreamName!],
        startTime: t,
        endTime: t,
      }),
    );
    assert.equal(filtered.events!.length, upToT.length);
  });

  it('refuses logGroupName together with logGroupIdentifier', async () => {
    const both = { logGroupName: GROUP, logGroupIdentifier: GROUP };
    const expected = {
      name: 'InvalidParameterException',
      status: 400,
      type: InvalidParameterException,
      message: 'LogGroup name and LogGroup ARN are mutually exclusive parameters.',
    };
    await expectAwsError(f.logs.send(new DescribeLogStreamsCommand(both)), expected);
    await expectAwsError(
      f.logs.send(new GetLogEventsCommand({ ...both, logStreamName: 'x' })),
      expected,
    );
    await expectAwsError(f.logs.send(new FilterLogEventsCommand(both)), expected);
    const byArn = await f.logs.send(
      new DescribeLogStreamsCommand({
        logGroupIdentifier: `arn:aws:logs:us-east-1:000000000000:log-group:${GROUP}`,
      }),
    );
    assert.ok(byArn.logStreams!.length >= 1, 'the identifier alone still finds the group');
  });

  it('returns the latest events first with FilterLogEvents startFromHead false', async () => {
    await say('order-1', 'order-2', 'order-3', 'order-4', 'order-5');
    const key = (e: { timestamp?: number; logStreamName?: string; eventId?: string }): string =>
      `${e.timestamp} ${e.logStreamName} ${e.eventId}`;
    const oldestFirst = (
      await f.logs.send(new FilterLogEventsCommand({ logGroupName: GROUP }))
    ).events!.map(key);
    assert.ok(oldestFirst.length > 6);
    const startTime = Date.UTC(2024, 0, 1);
    const latestFirst = (
      await f.logs.send(
        new FilterLogEventsCommand({ logGroupName: GROUP, startFromHead: false, startTime }),
      )
    ).events!.map(key);
    assert.deepEqual(latestFirst, [...oldestFirst].reverse());

    const paged: string[] = [];
    for await (const page of paginateFilterLogEvents(
      { client: f.logs, pageSize: 3 },
      { logGroupName: GROUP, startFromHead: false, startTime },
    )) {
      paged.push(...page.events!.map(key));
    }
    assert.deepEqual(paged, latestFirst, 'the token keeps the direction');

    const first = await f.logs.send(
      new FilterLogEventsCommand({ logGroupName: GROUP, limit: 3, startFromHead: true }),
    );
    const second = await f.logs.send(
      new FilterLogEventsCommand({
        logGroupName: GROUP,
        limit: 3,
        startFromHead: false,
        startTime,
        nextToken: first.nextToken,
      }),
    );
    assert.deepEqual(
      second.events!.map(key),
      oldestFirst.slice(3, 6),
      "a token's direction wins over startFromHead",
    );

    await expectAwsError(
      f.logs.send(
        new FilterLogEventsCommand({
          logGroupName: GROUP,
          startFromHead: false,
          startTime: Date.UTC(2023, 11, 31),
        }),
      ),
      {
        name: 'InvalidParameterException',
        status: 400,
        type: InvalidParameterException,
        message: /startTime is on or after Jan 1, 2024/,
      },
    );
  });

  it('answers a missing group or stream with ResourceNotFoundException', async () => {
    await expectAwsError(
      f.logs.send(
        new GetLogEventsCommand({ logGroupName: '/aws/lambda/none', logStreamName: 'x' }),
      ),
      {
        name: 'ResourceNotFoundException',
        status: 400,
        type: ResourceNotFoundException,
        message: 'The specified log group does not exist.',
      },
    );
    await expectAwsError(
      f.logs.send(new GetLogEventsCommand({ logGroupName: GROUP, logStreamName: 'x' })),
      {
        name: 'ResourceNotFoundException',
        status: 400,
        message: 'The specified log stream does not exist.',
      },
    );
  });

  it('tails new events live, filtered by pattern, and stops on abort', async () => {
    const stop = new AbortController();
    let onReady!: () => void;
    const ready = new Promise<void>((resolve) => (onReady = resolve));
    const received: TailEvent[] = [];
    const tail = (async () => {
      for await (const event of tailLocalLogs(localCloudClientConfig(f.cloud), {
        logGroupName: GROUP,
        filterPattern: '?tail-a ?REPORT',
        signal: stop.signal,
        onReady,
      })) {
        received.push(event);
        const seen = received.map((e) => e.message);
        if (seen.some((m) => m.startsWith('REPORT')) && seen.some((m) => m.includes('tail-a')))
          stop.abort();
      }
    })();
    await ready;
    await f.lambda.send(
      new InvokeCommand({
        FunctionName: 'talker',
        Payload: Buffer.from(JSON.stringify({ lines: ['tail-a first', 'tail-b skipped'] })),
      }),
    );
    await tail;
    assert.deepEqual(
      received
        .map((e) =>
          e.message.startsWith('REPORT') ? 'REPORT' : e.message.split('\t').at(-1)!.trim(),
        )
        .sort(),
      ['REPORT', 'tail-a first'],
    );
    assert.equal(received[0]!.logGroupName, GROUP);
    assert.match(received[0]!.message, /tail-a first/);
  });

  it('refuses a tail signed with the wrong secret', async () => {
    const config = localCloudClientConfig(f.cloud);
    const wrong = { ...config, credentials: { ...config.credentials, secretAccessKey: 'wrong' } };
    await assert.rejects(
      (async () => {
        for await (const _ of tailLocalLogs(wrong, { logGroupName: GROUP })) break;
      })(),
      (error: unknown) =>
        error instanceof LocalTailError &&
        error.status === 403 &&
        error.errorType === 'InvalidSignatureException',
    );
  });
});
