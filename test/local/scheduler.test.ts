// EventBridge Scheduler on the local cloud through the unmodified SchedulerClient: schedules'
// life cycle and errors, and due runs driven by explicit times (no timer, no sleeping) that
// invoke the target asynchronously, as the function's log shows.
import assert from 'node:assert/strict';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateFunctionCommand, waitUntilFunctionActiveV2 } from '@aws-sdk/client-lambda';
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { localCloudClientConfig } from '../../src/core/local';
import {
  expectAwsError,
  nodeHandlerZip,
  ROLE,
  startFixture,
  watchLogs,
  type CloudFixture,
} from './cloud-support';

const FN_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:tick';
const MINUTE = 60_000;

describe('local cloud: EventBridge Scheduler', function () {
  this.timeout(60_000);
  let f: CloudFixture;
  let scheduler: SchedulerClient;
  // Close to real time, so SigV4 freshness holds; due runs take explicit times instead.
  const t0 = Math.floor(Date.now() / MINUTE) * MINUTE + 17_000;

  const connect = (): SchedulerClient =>
    new SchedulerClient({ ...localCloudClientConfig(f.cloud), maxAttempts: 1 });

  const target = (input?: string) => ({ Arn: FN_ARN, RoleArn: ROLE, Input: input });

  async function loggedEvents(): Promise<Record<string, unknown>[]> {
    await f.cloud.drainAsync();
    const out = await f.logs.send(
      new FilterLogEventsCommand({ logGroupName: '/aws/lambda/tick', filterPattern: '"EVENT"' }),
    );
    return (out.events ?? []).map(
      (e) =>
        JSON.parse(e.message!.slice(e.message!.indexOf('EVENT ') + 6)) as Record<string, unknown>,
    );
  }

  before(async () => {
    f = await startFixture({ clock: () => t0, scheduleTimer: false });
    scheduler = connect();
    await f.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'tick',
        Runtime: 'nodejs20.x',
        Role: ROLE,
        Handler: 'index.handler',
        Code: {
          ZipFile: nodeHandlerZip(
            'export const handler = async (event) => { console.log("EVENT " + JSON.stringify(event)); };',
          ),
        },
      }),
    );
    await waitUntilFunctionActiveV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'tick' },
    );
  });
  after(async () => {
    scheduler.destroy();
    await f.close();
  });

  it('creates, gets, lists and refuses duplicates and bad expressions', async () => {
    const created = await scheduler.send(
      new CreateScheduleCommand({
        Name: 'every-minute',
        ScheduleExpression: 'rate(1 minute)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: target(),
      }),
    );
    assert.equal(
      created.ScheduleArn,
      'arn:aws:scheduler:us-east-1:000000000000:schedule/default/every-minute',
    );
    const got = await scheduler.send(new GetScheduleCommand({ Name: 'every-minute' }));
    assert.equal(got.GroupName, 'default');
    assert.equal(got.State, 'ENABLED');
    assert.equal(got.ScheduleExpression, 'rate(1 minute)');
    assert.equal(got.Target?.Arn, FN_ARN);
    assert.deepEqual(got.FlexibleTimeWindow, { Mode: 'OFF' });
    assert.equal(got.CreationDate?.getTime(), t0);

    await expectAwsError(
      scheduler.send(
        new CreateScheduleCommand({
          Name: 'every-minute',
          ScheduleExpression: 'rate(5 minutes)',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: target(),
        }),
      ),
      { name: 'ConflictException', status: 409, type: ConflictException },
    );
    const retried = new CreateScheduleCommand({
      Name: 'retried',
      ScheduleExpression: 'rate(1 hour)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: target(),
      State: 'DISABLED',
      ClientToken: 'same-token',
    });
    const firstTry = await scheduler.send(retried);
    const secondTry = await scheduler.send(retried);
    assert.equal(secondTry.ScheduleArn, firstTry.ScheduleArn, 'a retry with its token succeeds');
    await scheduler.send(new DeleteScheduleCommand({ Name: 'retried' }));
    for (const bad of [
      'rate(1 minutes)',
      'rate(0 minutes)',
      'cron(0 12 * * * *)',
      'cron(0 12 * *)',
      'every day',
    ]) {
      await expectAwsError(
        scheduler.send(
          new CreateScheduleCommand({
            Name: 'bad',
            ScheduleExpression: bad,
            FlexibleTimeWindow: { Mode: 'OFF' },
            Target: target(),
          }),
        ),
        { name: 'ValidationException', status: 400, type: ValidationException },
      );
    }
    await expectAwsError(scheduler.send(new GetScheduleCommand({ Name: 'absent' })), {
      name: 'ResourceNotFoundException',
      status: 404,
      type: ResourceNotFoundException,
      message: 'Schedule absent does not exist.',
    });
    await expectAwsError(
      scheduler.send(new GetScheduleCommand({ Name: 'every-minute', GroupName: 'other' })),
      { name: 'ResourceNotFoundException', status: 404, message: /Schedule group other/ },
    );
    const listed = await scheduler.send(new ListSchedulesCommand({}));
    assert.deepEqual(
      listed.Schedules?.map((s) => [s.Name, s.State, s.Target?.Arn]),
      [['every-minute', 'ENABLED', FN_ARN]],
    );
  });

  it('fires rate(1 minute) once a minute with the default scheduled event', async () => {
    assert.deepEqual(await f.cloud.runDueSchedules(t0 + MINUTE - 1), [], 'not due yet');
    const fired = await f.cloud.runDueSchedules(t0 + MINUTE);
    assert.equal(fired.length, 1);
    assert.ok(fired[0]!.requestId);
    assert.deepEqual(await f.cloud.runDueSchedules(t0 + MINUTE + 30_000), [], 'fires once per run');
    assert.equal((await f.cloud.runDueSchedules(t0 + 2 * MINUTE)).length, 1);

    const events = await loggedEvents();
    assert.equal(events.length, 2);
    const first = events.find(
      (e) => e.time === new Date(t0 + MINUTE).toISOString().replace('.000', ''),
    );
    assert.ok(first, `an event for the first minute among ${JSON.stringify(events)}`);
    assert.equal(first['detail-type'], 'Scheduled Event');
    assert.equal(first.source, 'aws.scheduler');
    assert.equal(first.account, '000000000000');
    assert.deepEqual(first.resources, [
      'arn:aws:scheduler:us-east-1:000000000000:schedule/default/every-minute',
    ]);
  });

  it('does not fire a DISABLED schedule, and fires again once ENABLED', async () => {
    await scheduler.send(
      new UpdateScheduleCommand({
        Name: 'every-minute',
        ScheduleExpression: 'rate(1 minute)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: target(),
        State: 'DISABLED',
      }),
    );
    assert.deepEqual(await f.cloud.runDueSchedules(t0 + 10 * MINUTE), []);
    const listed = await scheduler.send(new ListSchedulesCommand({ State: 'DISABLED' }));
    assert.deepEqual(
      listed.Schedules?.map((s) => s.Name),
      ['every-minute'],
    );
    await scheduler.send(
      new UpdateScheduleCommand({
        Name: 'every-minute',
        ScheduleExpression: 'rate(1 minute)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: target(),
      }),
    );
    assert.equal((await f.cloud.runDueSchedules(t0 + 11 * MINUTE)).length, 1);
  });

  it('fires a cron schedule at its next matching minute with the Input, attributes filled', async () => {
    await scheduler.send(new DeleteScheduleCommand({ Name: 'every-minute' }));
    await expectAwsError(scheduler.send(new DeleteScheduleCommand({ Name: 'every-minute' })), {
      name: 'ResourceNotFoundException',
      status: 404,
    });
    await scheduler.send(
      new CreateScheduleCommand({
        Name: 'noon-weekdays',
        ScheduleExpression: 'cron(30 12 ? * MON-FRI *)',
        FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 5 },
        Target: target('{"job":"report","at":"<aws.scheduler.scheduled-time>"}'),
      }),
    );
    // The next weekday 12:30 UTC after t0.
    let next = new Date(t0);
    next.setUTCHours(12, 30, 0, 0);
    while (next.getTime() <= t0 || next.getUTCDay() === 0 || next.getUTCDay() === 6) {
      next = new Date(next.getTime() + 24 * 60 * MINUTE);
    }
    const due = next.getTime();
    assert.deepEqual(await f.cloud.runDueSchedules(due - 1), []);
    const fired = await f.cloud.runDueSchedules(due);
    assert.equal(fired.length, 1);
    const stamp = new Date(due).toISOString().replace('.000', '');
    assert.equal(fired[0]!.scheduledTime, stamp);
    const events = await loggedEvents();
    assert.ok(
      events.some((e) => e.job === 'report' && e.at === stamp),
      `the Input with its scheduled time among ${JSON.stringify(events)}`,
    );
  });

  it('keeps schedules across a restart and stops firing a deleted one', async () => {
    await f.restart({ clock: () => t0, scheduleTimer: false });
    scheduler.destroy();
    scheduler = connect();
    const got = await scheduler.send(new GetScheduleCommand({ Name: 'noon-weekdays' }));
    assert.equal(got.ScheduleExpression, 'cron(30 12 ? * MON-FRI *)');
    assert.equal(got.Target?.Input, '{"job":"report","at":"<aws.scheduler.scheduled-time>"}');
    await scheduler.send(new DeleteScheduleCommand({ Name: 'noon-weekdays' }));
    assert.deepEqual(await f.cloud.runDueSchedules(t0 + 30 * 24 * 60 * MINUTE), []);
    assert.deepEqual((await scheduler.send(new ListSchedulesCommand({}))).Schedules, []);
  });
});

describe('local cloud: the scheduler timer', function () {
  this.timeout(60_000);
  let f: CloudFixture;
  let scheduler: SchedulerClient;
  let now = Date.now();

  before(async () => {
    f = await startFixture({ clock: () => now });
    scheduler = new SchedulerClient({ ...localCloudClientConfig(f.cloud), maxAttempts: 1 });
    await f.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'timed',
        Runtime: 'nodejs20.x',
        Role: ROLE,
        Handler: 'index.handler',
        Code: {
          ZipFile: nodeHandlerZip(
            'export const handler = async (event) => { console.log("TIMED " + event.n); };',
          ),
        },
      }),
    );
    await waitUntilFunctionActiveV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'timed' },
    );
  });
  after(async () => {
    scheduler.destroy();
    await f.close();
  });

  it('fires a due schedule by itself once the clock reaches it', async () => {
    await scheduler.send(
      new CreateScheduleCommand({
        Name: 'timed-every-minute',
        ScheduleExpression: 'rate(1 minute)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: 'arn:aws:lambda:us-east-1:000000000000:function:timed',
          RoleArn: ROLE,
          Input: '{"n":7}',
        },
      }),
    );
    const watch = watchLogs(f.cloud, '/aws/lambda/timed', (lines) =>
      lines.some((line) => line.includes('TIMED 7')),
    );
    await watch.ready;
    // Nothing is due until the cloud's clock passes the minute; the timer then fires it.
    now += MINUTE;
    const lines = await watch.finished;
    assert.ok(lines.some((line) => line.includes('TIMED 7')));
  });
});
