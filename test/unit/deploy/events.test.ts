// The pure side of http and schedule events, roles and ownership: what is wanted, what changes,
// how a plan reads, and how deploy waits for IAM.
import * as assert from 'node:assert/strict';
import { CloudError } from '../../../src/core/cloud/errors';
import type { FunctionUrlInfo, ScheduleInfo } from '../../../src/core/cloud/provider';
import { describeEvents } from '../../../src/core/deploy/format';
import { planEvents } from '../../../src/core/deploy/events';
import {
  managedTags,
  ownedBy,
  scheduleMarker,
  scheduleOwner,
} from '../../../src/core/deploy/ownership';
import {
  executionRoleSpec,
  pendingRoleArn,
  retryWhileRoleNotAssumable,
  schedulerRoleSpec,
} from '../../../src/core/deploy/roles';
import {
  decideSchedules,
  desiredSchedules,
  scheduleName,
} from '../../../src/core/deploy/schedules';
import { decideUrl, desiredUrl } from '../../../src/core/deploy/urls';
import { DeployError } from '../../../src/core/deploy/errors';
import type { FunctionEvent, FunctionSpec } from '../../../src/core/manifest/types';

const STAGE = { service: 'shop', stage: 'dev' };
const TARGET = 'arn:aws:lambda:us-east-1:123456789012:function:shop-dev-api:dev';
const ROLE = 'arn:aws:iam::123456789012:role/shop-dev-scheduler';

function fn(events: FunctionEvent[], key = 'api'): FunctionSpec {
  return {
    key,
    name: `shop-dev-${key}`,
    handler: 'index.handler',
    runtime: 'nodejs22.x',
    memory: 128,
    timeout: 3,
    architecture: 'x86_64',
    environment: {},
    ephemeralStorage: 512,
    logFormat: 'Text',
    tags: {},
    package: { include: [], exclude: [] },
    events,
  };
}

const url = (over: Partial<FunctionUrlInfo> = {}): FunctionUrlInfo => ({
  url: 'https://abc.lambda-url.us-east-1.on.aws/',
  functionArn: TARGET,
  qualifier: 'dev',
  authType: 'NONE',
  ...over,
});

describe('http events to a function URL', () => {
  it('gives no URL to a function without http events, and deletes one it has', () => {
    const none = fn([{ type: 'schedule', expression: 'rate(1 minute)', enabled: true }]);
    assert.equal(desiredUrl(none), undefined);
    assert.deepEqual(decideUrl(undefined, undefined), { action: 'none', authChanged: false });
    assert.deepEqual(decideUrl(undefined, url()), { action: 'delete', authChanged: true });
  });

  it('shares one URL among routes; mixed auth becomes AWS_IAM with a warning', () => {
    const desired = desiredUrl(
      fn([
        { type: 'http', method: 'GET', path: '/items', auth: 'NONE' },
        { type: 'http', method: 'POST', path: '/items', auth: 'AWS_IAM' },
      ]),
    )!;
    assert.equal(desired.authType, 'AWS_IAM');
    assert.deepEqual(desired.routes, ['GET /items', 'POST /items']);
    assert.equal(desired.cors, undefined);
    assert.match(desired.warnings[0], /mix auth NONE and AWS_IAM/);
  });

  it('allows the events methods in CORS, or any method for ANY', () => {
    const two = desiredUrl(
      fn([
        { type: 'http', method: 'POST', path: '/a', auth: 'NONE', cors: true },
        { type: 'http', method: 'GET', path: '/b', auth: 'NONE' },
      ]),
    )!;
    assert.deepEqual(two.cors?.allowMethods, ['GET', 'POST']);
    assert.deepEqual(two.cors?.allowOrigins, ['*']);
    const any = desiredUrl(
      fn([{ type: 'http', method: 'ANY', path: '/', auth: 'NONE', cors: true }]),
    )!;
    assert.deepEqual(any.cors?.allowMethods, ['*']);
  });

  it('streams every route of the URL when one of its events streams, with a warning if not all do', () => {
    const plain = desiredUrl(fn([{ type: 'http', method: 'GET', path: '/', auth: 'NONE' }]))!;
    assert.equal(plain.invokeMode, undefined);
    const mixed = desiredUrl(
      fn([
        { type: 'http', method: 'GET', path: '/feed', auth: 'NONE', stream: true },
        { type: 'http', method: 'GET', path: '/ping', auth: 'NONE' },
      ]),
    )!;
    assert.equal(mixed.invokeMode, 'RESPONSE_STREAM');
    assert.match(mixed.warnings[0], /some http events of .* stream and some do not/);
    const all = desiredUrl(
      fn([{ type: 'http', method: 'GET', path: '/feed', auth: 'NONE', stream: true }]),
    )!;
    assert.deepEqual(all.warnings, []);
    // The invoke mode is part of what makes a URL up to date.
    assert.equal(decideUrl(all, url()).action, 'update');
    assert.equal(decideUrl(all, url({ invokeMode: 'RESPONSE_STREAM' })).action, 'unchanged');
    assert.equal(decideUrl(plain, url({ invokeMode: 'RESPONSE_STREAM' })).action, 'update');
    assert.equal(decideUrl(plain, url({ invokeMode: 'BUFFERED' })).action, 'unchanged');
  });

  it('creates, keeps, or updates when the auth type or CORS changes', () => {
    const open = desiredUrl(fn([{ type: 'http', method: 'GET', path: '/', auth: 'NONE' }]))!;
    assert.deepEqual(decideUrl(open, undefined), { action: 'create', authChanged: true });
    assert.deepEqual(decideUrl(open, url()), { action: 'unchanged', authChanged: false });
    const signed = { ...open, authType: 'AWS_IAM' as const };
    assert.deepEqual(decideUrl(signed, undefined), { action: 'create', authChanged: false });
    assert.deepEqual(decideUrl(open, url({ authType: 'AWS_IAM' })), {
      action: 'update',
      authChanged: true,
    });
    const cors = desiredUrl(
      fn([{ type: 'http', method: 'GET', path: '/', auth: 'NONE', cors: true }]),
    )!;
    assert.equal(decideUrl(cors, url()).action, 'update');
    // Lambda may answer the same CORS in another case and order.
    const back = url({
      cors: { ...cors.cors!, allowMethods: ['get'], allowOrigins: ['*'] },
    });
    assert.equal(decideUrl(cors, back).action, 'unchanged');
  });
});

describe('schedule events to Scheduler schedules', () => {
  const every = fn([
    { type: 'schedule', expression: 'rate(1 minute)', enabled: true },
    { type: 'schedule', expression: 'cron(0 12 * * ? *)', enabled: false, input: { a: 1 } },
  ]);

  it('names them <service>-<stage>-<function>-<n> and marks them as this stage', () => {
    const specs = desiredSchedules(STAGE, every, TARGET, ROLE);
    assert.deepEqual(
      specs.map((s) => [s.name, s.expression, s.state, s.input, s.group]),
      [
        ['shop-dev-api-1', 'rate(1 minute)', 'ENABLED', undefined, 'default'],
        ['shop-dev-api-2', 'cron(0 12 * * ? *)', 'DISABLED', '{"a":1}', 'default'],
      ],
    );
    assert.equal(scheduleOwner(specs[0].description, 'shop', 'dev'), 'api');
    assert.equal(scheduleOwner(specs[0].description, 'shop', 'prod'), undefined);
    assert.equal(scheduleOwner('made by hand', 'shop', 'dev'), undefined);
  });

  it('keeps long names within the 64 characters Scheduler allows, distinct per function', () => {
    const long = (key: string) => scheduleName({ name: `shop-dev-${key}` }, 0);
    const a = long('a'.repeat(60));
    const b = long(`${'a'.repeat(59)}b`);
    assert.equal(a.length, 64);
    assert.notEqual(a, b);
    assert.ok(a.endsWith('-1'));
    assert.equal(long('short'), 'shop-dev-short-1');
  });

  it('creates what is missing, updates what differs, deletes what is no longer wanted', () => {
    const [first, second] = desiredSchedules(STAGE, every, TARGET, ROLE);
    const found = (over: Partial<ScheduleInfo>): ScheduleInfo => ({
      ...first,
      arn: 'arn:s',
      ...over,
    });
    const changes = decideSchedules(
      [first, second],
      [
        found({ expression: 'rate(5 minutes)' }),
        found({ name: 'shop-dev-api-3', description: scheduleMarker('shop', 'dev', 'api') }),
      ],
    );
    assert.deepEqual(
      changes.map((c) => [c.name, c.action, c.fields]),
      [
        ['shop-dev-api-1', 'update', ['expression']],
        ['shop-dev-api-2', 'create', []],
        ['shop-dev-api-3', 'delete', []],
      ],
    );
    const same = decideSchedules([second], [{ ...second, arn: 'x', input: '{ "a": 1 }' }]);
    assert.equal(same[0].action, 'unchanged', 'the same JSON input with other spacing');
  });

  it('plans a new function against a pending target, shown without the placeholder', () => {
    const events = planEvents(STAGE, every, {
      schedules: [],
      schedulerRoleArn: pendingRoleArn('shop-dev-scheduler'),
    });
    assert.match(
      events.schedules[0].desired!.targetArn,
      /^flourish:pending-function\/shop-dev-api:dev$/,
    );
    assert.deepEqual(describeEvents(events, 'dev'), [
      '      + schedule shop-dev-api-1: rate(1 minute)',
      '      + schedule shop-dev-api-2: cron(0 12 * * ? *), disabled',
    ]);
    const web = planEvents(
      STAGE,
      fn([{ type: 'http', method: 'GET', path: '/', auth: 'NONE', cors: true }]),
      {
        schedules: [],
        schedulerRoleArn: ROLE,
      },
    );
    assert.deepEqual(describeEvents(web, 'dev'), [
      '      + URL on alias dev (auth NONE, CORS) for GET /',
    ]);
  });
});

describe('roles and ownership', () => {
  it('tags what Flourish makes and owns only what carries this service and stage', () => {
    const tags = managedTags('shop', 'dev');
    assert.equal(ownedBy(tags, 'shop', 'dev'), true);
    assert.equal(ownedBy(tags, 'shop', 'prod'), false);
    assert.equal(ownedBy({ ...tags, 'flourish:managed': 'false' }, 'shop', 'dev'), false);
    assert.equal(ownedBy({}, 'shop', 'dev'), false);
  });

  it('gives the execution role only basic logging, and the scheduler role only this stage', () => {
    const exec = executionRoleSpec(STAGE, 'eu-west-1');
    assert.equal(exec.name, 'shop-dev-lambda');
    assert.equal(exec.trustedService, 'lambda.amazonaws.com');
    assert.deepEqual(exec.managedPolicyArns, [
      'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
    ]);
    assert.equal(
      executionRoleSpec(STAGE, 'cn-north-1').managedPolicyArns[0].split(':')[1],
      'aws-cn',
    );
    const sched = schedulerRoleSpec(STAGE, 'eu-west-1', '123456789012');
    assert.equal(sched.trustedService, 'scheduler.amazonaws.com');
    const policy = JSON.parse(sched.inlinePolicies['flourish-invoke-stage']) as {
      Statement: { Action: string; Resource: string[] }[];
    };
    assert.deepEqual(policy.Statement[0].Resource, [
      'arn:aws:lambda:eu-west-1:123456789012:function:shop-dev-*',
      'arn:aws:lambda:eu-west-1:123456789012:function:shop-dev-*:*',
    ]);
    assert.equal(policy.Statement[0].Action, 'lambda:InvokeFunction');
  });
});

describe('waiting for IAM to propagate a new role', () => {
  const notYet = () =>
    new CloudError('The role defined for the function cannot be assumed by Lambda', {
      code: 'InvalidParameterValueException',
      operation: 'CreateFunction',
      httpStatus: 400,
      requestId: 'req-1',
    });

  it('tries again while Lambda cannot assume the role, then succeeds', async () => {
    let calls = 0;
    const retries: number[] = [];
    const result = await retryWhileRoleNotAssumable(
      async () => {
        calls++;
        if (calls < 3) throw notYet();
        return 'created';
      },
      'arn:aws:iam::1:role/r',
      { delaysMs: [1, 1, 1], onRetry: (attempt) => retries.push(attempt) },
    );
    assert.equal(result, 'created');
    assert.equal(calls, 3);
    assert.deepEqual(retries, [1, 2]);
  });

  it('gives up after its bound with an error that says what to check and keeps the cause', async () => {
    let calls = 0;
    const error = await retryWhileRoleNotAssumable(
      async () => {
        calls++;
        throw notYet();
      },
      'arn:aws:iam::1:role/r',
      { delaysMs: [1, 1] },
    ).catch((e: unknown) => e);
    assert.equal(calls, 3);
    assert.ok(error instanceof DeployError);
    assert.equal(error.code, 'role-not-assumable');
    assert.match(error.message, /after 3 attempts.*trust policy allows lambda\.amazonaws\.com/);
    assert.equal((error.cause as CloudError).requestId, 'req-1');
  });

  it('waits for the scheduler too, and names it when giving up', async () => {
    const scheduler = new CloudError(
      'The execution role you provide must allow AWS EventBridge Scheduler to assume the role',
      { code: 'ValidationException', operation: 'CreateSchedule', httpStatus: 400 },
    );
    let calls = 0;
    const error = await retryWhileRoleNotAssumable(
      async () => {
        calls++;
        throw scheduler;
      },
      'arn:aws:iam::1:role/s',
      {
        delaysMs: [1],
        service: { name: 'EventBridge Scheduler', principal: 'scheduler.amazonaws.com' },
      },
    ).catch((e: unknown) => e as Error);
    assert.equal(calls, 2);
    assert.match(
      error.message,
      /^EventBridge Scheduler still cannot assume .*scheduler\.amazonaws\.com/,
    );
  });

  it('does not retry other errors, and stops waiting when aborted', async () => {
    let calls = 0;
    const other = new CloudError('bad', {
      code: 'AccessDeniedException',
      operation: 'CreateFunction',
    });
    await assert.rejects(
      retryWhileRoleNotAssumable(async () => {
        calls++;
        throw other;
      }, 'r'),
      (e) => e === other,
    );
    assert.equal(calls, 1);
    const controller = new AbortController();
    const waiting = retryWhileRoleNotAssumable(
      async () => {
        throw notYet();
      },
      'r',
      { delaysMs: [60_000], signal: controller.signal, onRetry: () => controller.abort() },
    );
    await assert.rejects(waiting, { name: 'AbortError' });
  });
});
