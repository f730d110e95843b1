// `flourish remove` against the local cloud: the plan first, a confirmation (--yes in a pipe),
// then exactly what Flourish created for the stage is deleted: functions with their aliases
// and URLs, schedules, roles. A function made outside Flourish and another stage survive.
import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, GetFunctionCommand } from '@aws-sdk/client-lambda';
import { ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  applyRemove,
  planDeploy,
  planRemove,
  type RemovePlan,
  type StageInfo,
} from '../../src/core/deploy';
import { localCloudClientConfig } from '../../src/core/local';
import { loadManifest } from '../../src/core/manifest';
import { startTestCloud, type TestCloud } from '../unit/deploy/localProject';
import { cli } from './runCliHelper';

const MANIFEST = `service: web
provider:
  name: local
  region: us-east-1
stage: dev
functions:
  api:
    handler: src/api.handler
    runtime: nodejs22.x
    events:
      - http: GET /
    package:
      include:
        - src/**
  tick:
    handler: src/api.handler
    runtime: nodejs22.x
    events:
      - schedule: rate(5 minutes)
    package:
      include:
        - src/**
`;

describe('remove a stage from the local cloud', function () {
  this.timeout(90_000);
  let env: TestCloud;
  let root: string;
  let iam: IAMClient;
  let scheduler: SchedulerClient;
  let devUrl: string;

  const run = (args: string[]) => cli([...args, '--state-dir', env.stateDir], root);
  const exists = async (name: string) =>
    env.lambda.send(new GetFunctionCommand({ FunctionName: name })).then(
      () => true,
      (e: Error) => (e.name === 'ResourceNotFoundException' ? false : Promise.reject(e)),
    );
  const roleExists = async (name: string) =>
    iam.send(new GetRoleCommand({ RoleName: name })).then(
      () => true,
      (e: Error) => (e.name === 'NoSuchEntityException' ? false : Promise.reject(e)),
    );
  const schedules = async (prefix: string) =>
    ((await scheduler.send(new ListSchedulesCommand({ NamePrefix: prefix }))).Schedules ?? [])
      .map((s) => s.Name)
      .sort();

  before(async () => {
    env = await startTestCloud({ scheduleTimer: false });
    iam = new IAMClient(localCloudClientConfig(env.cloud));
    scheduler = new SchedulerClient(localCloudClientConfig(env.cloud));
    root = await mkdtemp(path.join(os.tmpdir(), 'flourish-remove-'));
    await mkdir(path.join(root, 'src'));
    await writeFile(
      path.join(root, 'src', 'api.js'),
      'exports.handler = async () => ({ ok: true });\n',
    );
    await writeFile(path.join(root, 'flourish.yaml'), MANIFEST);
    for (const stage of ['dev', 'prod']) {
      const deployed = await run(['deploy', '--stage', stage]);
      assert.equal(deployed.code, 0, deployed.stderr);
    }
    // Made outside Flourish, with a name in the stage's range: not Flourish's to delete.
    const plan = await planDeploy(
      await loadManifest(path.join(root, 'flourish.yaml'), { stage: 'dev' }),
      env.provider,
      { functions: ['api'], cacheDir: path.join(root, '.cache') },
    );
    await env.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'web-dev-outsider',
        Runtime: 'nodejs22.x',
        Handler: 'src/api.handler',
        Role: 'arn:aws:iam::000000000000:role/outsider',
        Code: { ZipFile: await readFile(plan.functions[0].package.zipPath) },
      }),
    );
    const info = JSON.parse((await run(['info', '--json'])).stdout) as StageInfo;
    devUrl = info.functions.find((f) => f.key === 'api')!.url!;
    assert.equal((await fetch(devUrl)).status, 200);
  });
  after(async () => {
    iam?.destroy();
    scheduler?.destroy();
    await env?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('asks for --yes in a pipe and deletes nothing without it', async () => {
    const refused = await run(['remove', '--stage', 'dev']);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /pass --yes/);
    assert.match(refused.stdout, /- function web-dev-api with alias dev/);
    assert.ok(await exists('web-dev-api'));
    const unnamed = await run(['remove', '--yes']);
    assert.equal(unnamed.code, 2);
    assert.match(unnamed.stderr, /--stage/);
  });

  it('plans exactly the stage: functions with aliases and URLs, schedules, roles', async () => {
    const shown = await run(['remove', '--stage', 'dev', '--plan']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /Remove web \(stage dev\) from the local cloud/);
    assert.match(
      shown.stdout,
      new RegExp(`- URL ${devUrl.replace(/[.]/g, '\\.')} \\(alias dev\\)`),
    );
    assert.match(shown.stdout, /- schedule web-dev-tick-1 \(rate\(5 minutes\)\)/);
    assert.match(shown.stdout, /- role web-dev-lambda \(execution\)/);
    assert.match(shown.stdout, /- role web-dev-scheduler \(scheduler\)/);
    assert.match(shown.stdout, /= function web-dev-outsider is kept: not created by Flourish/);
    assert.doesNotMatch(shown.stdout, /prod/);
    assert.match(shown.stdout, /2 functions, 1 schedule and 2 roles to delete\./);
  });

  it('deletes all of it and nothing else', async () => {
    const removed = await run(['remove', '--stage', 'dev', '--yes', '--json']);
    assert.equal(removed.code, 0, removed.stderr);
    const result = JSON.parse(removed.stdout) as {
      ok: boolean;
      removed: { kind: string; name: string }[];
    };
    assert.equal(result.ok, true);
    assert.deepEqual(result.removed, [
      { kind: 'schedule', name: 'web-dev-tick-1' },
      { kind: 'function', name: 'web-dev-api' },
      { kind: 'function', name: 'web-dev-tick' },
      { kind: 'role', name: 'web-dev-lambda' },
      { kind: 'role', name: 'web-dev-scheduler' },
    ]);
    assert.equal(await exists('web-dev-api'), false);
    assert.equal(await exists('web-dev-tick'), false);
    assert.deepEqual(await schedules('web-dev-'), []);
    assert.equal(await roleExists('web-dev-lambda'), false);
    assert.equal(await roleExists('web-dev-scheduler'), false);
    assert.notEqual((await fetch(devUrl)).status, 200, 'the URL is gone with its function');

    assert.ok(await exists('web-dev-outsider'), 'made outside Flourish');
    assert.ok(await exists('web-prod-api'));
    assert.ok(await exists('web-prod-tick'));
    assert.deepEqual(await schedules('web-prod-'), ['web-prod-tick-1']);
    assert.ok(await roleExists('web-prod-lambda'));
    const prod = JSON.parse((await run(['info', '--stage', 'prod', '--json'])).stdout) as StageInfo;
    assert.equal((await fetch(prod.functions[0].url!)).status, 200);

    const again = await run(['remove', '--stage', 'dev', '--yes']);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /Nothing to remove\./);
  });

  it('skips what changed hands between the plan and the deletion', async () => {
    const manifest = await loadManifest(path.join(root, 'flourish.yaml'), { stage: 'prod' });
    const plan: RemovePlan = await planRemove(manifest, env.provider);
    assert.deepEqual(
      plan.functions.map((f) => f.name),
      ['web-prod-api', 'web-prod-tick'],
    );
    // Someone retags a function for another stage after the plan was shown.
    const api = (await env.provider.getFunction('web-prod-api'))!;
    await env.provider.tagFunction(api.arn, { 'flourish:stage': 'staging' });
    const result = await applyRemove(plan, env.provider);
    const kept = 'kept for function web-prod-api, which is still there';
    assert.deepEqual(result.skipped, [
      {
        kind: 'function',
        name: 'web-prod-api',
        reason: 'created by Flourish for web stage staging',
      },
      { kind: 'role', name: 'web-prod-lambda', reason: kept },
      { kind: 'role', name: 'web-prod-scheduler', reason: kept },
    ]);
    assert.ok(await exists('web-prod-api'));
    assert.equal(await exists('web-prod-tick'), false);
    assert.ok(await roleExists('web-prod-lambda'), 'the kept function still runs as it');
    assert.deepEqual(await schedules('web-prod-'), []);
  });
});
