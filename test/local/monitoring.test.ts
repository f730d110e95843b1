// CloudWatch GetMetricData on the local cloud, through the real SDK: a function made to throttle
// (a small concurrency cap, a handler held at a gate) shows its throttles per function, per
// Resource and for the account; they survive a restart; paging and errors are CloudWatch's.
import assert from 'node:assert/strict';
import {
  CloudWatchClient,
  GetMetricDataCommand,
  InvalidNextToken,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  ListMetricsCommand,
  MissingRequiredParameterException,
  type GetMetricDataCommandInput,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  InvokeCommand,
  PublishVersionCommand,
  TooManyRequestsException,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { localCloudClientConfig } from '../../src/core/local';
import {
  expectAwsError,
  nodeHandlerZip,
  ROLE,
  startFixture,
  type CloudFixture,
} from './cloud-support';
import { Gate, GATED_HANDLER } from './gate';

function throttles(id: string, dimensions: Record<string, string>, stat = 'Sum'): MetricDataQuery {
  return {
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/Lambda',
        MetricName: 'Throttles',
        Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: 60,
      Stat: stat,
    },
  };
}

const total = (result: MetricDataResult | undefined): number =>
  (result?.Values ?? []).reduce((a, b) => a + b, 0);

describe('local cloud: CloudWatch GetMetricData', function () {
  this.timeout(60_000);
  let f: CloudFixture;
  let cw: CloudWatchClient;
  const gate = new Gate();
  const connect = () =>
    (cw = new CloudWatchClient({ ...localCloudClientConfig(f.cloud), maxAttempts: 1 }));
  // A window around now: the throttles below all land in it.
  const window = () => ({
    StartTime: new Date(Date.now() - 10 * 60_000),
    EndTime: new Date(Date.now() + 60_000),
  });
  const query = (input: Partial<GetMetricDataCommandInput>) =>
    cw.send(new GetMetricDataCommand({ ...window(), MetricDataQueries: [], ...input }));
  const figures = async () => {
    const out = await query({
      MetricDataQueries: [
        throttles('fn', { FunctionName: 'gated' }),
        throttles('unqualified', { FunctionName: 'gated', Resource: 'gated' }),
        throttles('live', { FunctionName: 'gated', Resource: 'gated:live' }),
        throttles('account', {}),
        throttles('count', { FunctionName: 'gated' }, 'SampleCount'),
        throttles('other', { FunctionName: 'never-throttled' }),
        {
          Id: 'invocations',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/Lambda',
              MetricName: 'Invocations',
              Dimensions: [{ Name: 'FunctionName', Value: 'gated' }],
            },
            Period: 300,
            Stat: 'Sum',
          },
        },
      ],
    });
    return Object.fromEntries(
      (out.MetricDataResults ?? []).map((r) => [r.Id!, total(r)]),
    ) as Record<string, number>;
  };

  before(async () => {
    await gate.start();
    f = await startFixture({ maxConcurrency: 2 });
    connect();
    await f.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'gated',
        Runtime: 'nodejs20.x',
        Role: ROLE,
        Handler: 'index.handler',
        Code: { ZipFile: nodeHandlerZip(GATED_HANDLER) },
        Environment: { Variables: { GATE_PORT: String(gate.port) } },
      }),
    );
    await waitUntilFunctionActiveV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'gated' },
    );
    await f.lambda.send(new PublishVersionCommand({ FunctionName: 'gated' }));
    await f.lambda.send(
      new CreateAliasCommand({ FunctionName: 'gated', Name: 'live', FunctionVersion: '1' }),
    );
  });
  after(async () => {
    cw?.destroy();
    await gate.stop();
    await f.close();
  });

  it('counts every request refused for concurrency: Invoke, a function URL and an Event', async () => {
    const { FunctionUrl } = await f.lambda.send(
      new CreateFunctionUrlConfigCommand({
        FunctionName: 'gated',
        Qualifier: 'live',
        AuthType: 'NONE',
      }),
    );
    const running = [1, 2].map(() => f.lambda.send(new InvokeCommand({ FunctionName: 'gated' })));
    await gate.held(2);
    const refused = {
      name: 'TooManyRequestsException',
      status: 429,
      type: TooManyRequestsException,
    };
    await expectAwsError(f.lambda.send(new InvokeCommand({ FunctionName: 'gated' })), refused);
    await expectAwsError(f.lambda.send(new InvokeCommand({ FunctionName: 'gated' })), refused);
    await expectAwsError(
      f.lambda.send(new InvokeCommand({ FunctionName: 'gated', Qualifier: 'live' })),
      refused,
    );
    const viaUrl = await fetch(FunctionUrl!);
    assert.equal(viaUrl.status, 429);
    await viaUrl.arrayBuffer();

    // An Event is queued, then refused by the busy environments: counted once while it waits.
    const event = await f.lambda.send(
      new InvokeCommand({ FunctionName: 'gated', InvocationType: 'Event' }),
    );
    assert.equal(event.StatusCode, 202);
    while ((await figures()).fn < 5) {
      // Each round trip is a chance for the queued event to be tried; no sleeping.
    }
    gate.open();
    await Promise.all(running);
    await gate.held(1);
    gate.open();
    await f.cloud.drainAsync();

    assert.deepEqual(await figures(), {
      fn: 5,
      unqualified: 3,
      live: 2,
      account: 5,
      count: 5,
      other: 0,
      invocations: 0,
    });
  });

  it('keeps the counts across a restart', async () => {
    cw.destroy();
    await f.restart();
    connect();
    const after = await figures();
    assert.equal(after.fn, 5);
    assert.equal(after.live, 2);
  });

  it('pages with MaxDatapoints and NextToken, and labels results by metric name', async () => {
    const queries = [
      throttles('fn', { FunctionName: 'gated' }),
      throttles('unqualified', { FunctionName: 'gated', Resource: 'gated' }),
      { ...throttles('live', { FunctionName: 'gated', Resource: 'gated:live' }), Label: 'alias' },
    ];
    const whole = await query({ MetricDataQueries: queries, ScanBy: 'TimestampAscending' });
    const points = (whole.MetricDataResults ?? []).reduce((n, r) => n + r.Values!.length, 0);
    assert.equal(whole.NextToken, undefined);
    assert.deepEqual(
      whole.MetricDataResults!.map((r) => [r.Id, r.Label, r.StatusCode]),
      [
        ['fn', 'Throttles', 'Complete'],
        ['unqualified', 'Throttles', 'Complete'],
        ['live', 'alias', 'Complete'],
      ],
    );

    const sums: Record<string, number> = {};
    let pages = 0;
    let token: string | undefined;
    const { StartTime, EndTime } = window();
    do {
      const page = await cw.send(
        new GetMetricDataCommand({
          StartTime,
          EndTime,
          MetricDataQueries: queries,
          MaxDatapoints: 1,
          NextToken: token,
        }),
      );
      pages++;
      for (const r of page.MetricDataResults ?? []) {
        assert.ok(r.Values!.length <= 1);
        sums[r.Id!] = (sums[r.Id!] ?? 0) + total(r);
      }
      token = page.NextToken;
    } while (token);
    assert.equal(pages, points);
    assert.deepEqual(sums, { fn: 5, unqualified: 3, live: 2 });
  });

  it("refuses bad requests with CloudWatch's errors and the SDK's exception classes", async () => {
    const fn = throttles('fn', { FunctionName: 'gated' });
    await expectAwsError(
      query({
        StartTime: new Date(),
        EndTime: new Date(Date.now() - 60_000),
        MetricDataQueries: [fn],
      }),
      { name: 'InvalidParameterValueException', status: 400, type: InvalidParameterValueException },
    );
    await expectAwsError(query({ MetricDataQueries: [{ ...fn, Expression: 'fn * 2' }] }), {
      name: 'InvalidParameterCombinationException',
      status: 400,
      type: InvalidParameterCombinationException,
    });
    await expectAwsError(
      query({ MetricDataQueries: [{ Id: 'm', Expression: 'SUM(METRICS())' }] }),
      {
        name: 'InvalidParameterValueException',
        status: 400,
        message: /does not evaluate metric math/,
      },
    );
    await expectAwsError(query({ MetricDataQueries: [fn, { ...fn }] }), {
      name: 'InvalidParameterValueException',
      status: 400,
      message: /not unique/,
    });
    await expectAwsError(
      query({ MetricDataQueries: [{ ...fn, MetricStat: { ...fn.MetricStat!, Period: 90 } }] }),
      { name: 'InvalidParameterValueException', status: 400, message: /multiple of 60/ },
    );
    await expectAwsError(
      query({
        MetricDataQueries: [{ Id: 'm', MetricStat: { ...fn.MetricStat!, Period: undefined } }],
      }),
      {
        name: 'MissingRequiredParameterException',
        status: 400,
        type: MissingRequiredParameterException,
      },
    );
    await expectAwsError(query({ MetricDataQueries: [fn], NextToken: 'bogus' }), {
      name: 'InvalidNextToken',
      status: 400,
      type: InvalidNextToken,
    });
    await expectAwsError(cw.send(new ListMetricsCommand({})), {
      name: 'UnknownOperationException',
      status: 400,
      message: /does not implement 'GraniteServiceVersion20100801.ListMetrics'/,
    });
  });

  it('checks the signature against the monitoring signing name', async () => {
    const wrong = new CloudWatchClient({
      ...localCloudClientConfig(f.cloud),
      maxAttempts: 1,
      credentials: { accessKeyId: f.cloud.credentials.accessKeyId, secretAccessKey: 'wrong' },
    });
    try {
      await expectAwsError(
        wrong.send(
          new GetMetricDataCommand({
            ...window(),
            MetricDataQueries: [throttles('fn', { FunctionName: 'gated' })],
          }),
        ),
        { name: 'InvalidSignatureException', status: 403 },
      );
    } finally {
      wrong.destroy();
    }
  });
});
