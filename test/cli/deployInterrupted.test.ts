// A deploy stopped part-way leaves the stage alias on the last good version, and deploying
// again converges, wherever it stopped.
import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  GetAliasCommand,
  GetFunctionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { CloudError } from '../../src/core/cloud';
import {
  applyDeploy,
  invokeFunction,
  planDeploy,
  type DeployPlan,
  type DeployStep,
} from '../../src/core/deploy';
import {
  INITIAL,
  json,
  startTestCloud,
  TestProject,
  writeCalls,
  type TestCloud,
} from '../unit/deploy/localProject';

describe('an interrupted deploy', function () {
  this.timeout(60_000);
  let env: TestCloud;
  let project: TestProject;

  before(async () => {
    env = await startTestCloud();
    project = await TestProject.create();
    const result = await applyDeploy(await plan(), env.provider);
    assert.equal(result.ok, true);
  });
  after(async () => {
    await env?.stop();
    await project?.remove();
  });

  async function plan(): Promise<DeployPlan> {
    return planDeploy(await project.load(), env.provider, {
      cacheDir: project.cacheDir,
      functions: ['greet'],
    });
  }
  const alias = async () =>
    (await env.lambda.send(new GetAliasCommand({ FunctionName: 'shop-dev-greet', Name: 'dev' })))
      .FunctionVersion;
  // Let the update the deploy left running settle before invoking: the local cloud retires
  // every environment of the function when an update of $LATEST settles, and an invocation
  // of the alias that races with that can land on a worker being stopped.
  const settle = () => env.provider.waitUntilReady('shop-dev-greet');
  const served = async () =>
    json((await invokeFunction(await project.load(), env.provider, 'greet', '{}')).payload);

  /** Applies the plan and aborts as soon as `step` has finished. */
  async function applyUntil(p: DeployPlan, step: DeployStep) {
    const controller = new AbortController();
    const steps: string[] = [];
    const result = await applyDeploy(p, env.provider, {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type !== 'step-finished') return;
        steps.push(e.step);
        if (e.step === step) controller.abort();
      },
    });
    return { result, steps };
  }

  it('stopped after the code upload: the alias stays, and a rerun publishes and moves it', async () => {
    await project.apply({ ...INITIAL, marker: 'two', memory: 512 });
    const planned = await plan();
    assert.equal(planned.functions[0].action, 'update-code-and-configuration');

    const { result, steps } = await applyUntil(planned, 'upload-code');
    assert.deepEqual(steps, ['upload-code']);
    assert.equal(result.cancelled, true);
    assert.equal(result.ok, false);
    assert.equal(result.functions[0].status, 'cancelled');
    assert.equal(result.functions[0].version, '1');

    // The new code reached $LATEST, but the stage still serves version 1, old code and memory.
    const latest = await env.lambda.send(
      new GetFunctionCommand({ FunctionName: 'shop-dev-greet' }),
    );
    assert.equal(latest.Configuration?.CodeSha256, planned.functions[0].package.codeSha256);
    await settle();
    assert.equal(await alias(), '1');
    assert.deepEqual(await served(), { marker: 'one', greeting: 'Hello', memory: '256' });

    const rerun = await plan();
    assert.equal(rerun.functions[0].action, 'update-configuration');
    assert.equal(rerun.functions[0].drift, undefined, 'our own half deploy is not drift');
    env.calls.length = 0;
    const converged = await applyDeploy(rerun, env.provider);
    assert.equal(converged.ok, true);
    assert.deepEqual(writeCalls(env.calls), [
      'UpdateFunctionConfiguration',
      'PublishVersion',
      'UpdateAlias',
    ]);
    assert.equal(await alias(), '2');
    assert.deepEqual(await served(), { marker: 'two', greeting: 'Hello', memory: '512' });
    assert.equal((await plan()).functions[0].action, 'unchanged');
  });

  it('stopped after the configuration update: a rerun publishes without uploading', async () => {
    await project.apply({ ...INITIAL, marker: 'two', memory: 1024 });
    const { result } = await applyUntil(await plan(), 'update-configuration');
    assert.equal(result.functions[0].status, 'cancelled');
    await settle();
    assert.equal(await alias(), '2');
    assert.deepEqual(await served(), { marker: 'two', greeting: 'Hello', memory: '512' });

    const rerun = await plan();
    assert.equal(rerun.functions[0].action, 'publish');
    env.calls.length = 0;
    assert.equal((await applyDeploy(rerun, env.provider)).ok, true);
    assert.deepEqual(writeCalls(env.calls), ['PublishVersion', 'UpdateAlias']);
    assert.equal(await alias(), '3');
    assert.equal((await served()).memory, '1024');
  });

  it('stopped after publishing: the alias stays, and a rerun only moves it', async () => {
    await project.apply({ ...INITIAL, marker: 'three', memory: 1024 });
    const { result, steps } = await applyUntil(await plan(), 'publish');
    assert.deepEqual(steps, ['upload-code', 'wait', 'publish']);
    assert.equal(result.functions[0].status, 'cancelled');
    assert.equal(await alias(), '3');
    assert.equal((await served()).marker, 'two');

    const rerun = await plan();
    assert.equal(rerun.functions[0].action, 'move-alias');
    assert.equal(rerun.functions[0].aliasTarget, '4');
    env.calls.length = 0;
    assert.equal((await applyDeploy(rerun, env.provider)).ok, true);
    assert.deepEqual(writeCalls(env.calls), ['UpdateAlias']);
    assert.equal(await alias(), '4');
    assert.equal((await served()).marker, 'three');
  });

  it('refuses to publish over a change made between plan and apply', async () => {
    await project.apply({ ...INITIAL, marker: 'four', memory: 1024 });
    const stale = await plan();
    await project.apply({ ...INITIAL, marker: 'five', memory: 1024 });
    const fresh = await plan();
    assert.equal((await applyDeploy(fresh, env.provider)).ok, true);

    // The stale plan's package was replaced by the newer one.
    const result = await applyDeploy(stale, env.provider);
    assert.equal(result.functions[0].status, 'failed');
    assert.match(result.functions[0].error!.message, /changed after the plan was made/);
    assert.equal(await alias(), '5');
    assert.equal((await served()).marker, 'five');
  });

  it('a plan cancelled while packaging changes nothing and says it was cancelled', async () => {
    await project.apply({ ...INITIAL, marker: 'cancelled-plan', memory: 1024 });
    const controller = new AbortController();
    env.calls.length = 0;
    await assert.rejects(
      planDeploy(await project.load(), env.provider, {
        cacheDir: project.cacheDir,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.phase === 'package') controller.abort();
        },
      }),
      (e: unknown) => (e as Error).name === 'AbortError',
    );
    assert.deepEqual(writeCalls(env.calls), []);
    assert.equal(await alias(), '5');
  });

  it('stops with the cloud error when the function changed between plan and apply', async () => {
    await project.apply({ ...INITIAL, marker: 'six', memory: 1024 });
    const planned = await plan();
    await env.lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'shop-dev-greet', Timeout: 20 }),
    );
    await waitUntilFunctionUpdatedV2(
      { client: env.lambda, maxWaitTime: 30 },
      { FunctionName: 'shop-dev-greet' },
    );

    const result = await applyDeploy(planned, env.provider);
    const error = result.functions[0].error;
    assert.equal(result.functions[0].status, 'failed');
    assert.ok(error instanceof CloudError, String(error));
    assert.equal(error.code, 'PreconditionFailedException');
    assert.equal(error.httpStatus, 412);
    assert.ok(error.requestId, 'the request id is kept');
    assert.equal(error.operation, 'UpdateFunctionCode');
    assert.match(error.message, /UpdateFunctionCode on function shop-dev-greet failed/);
    assert.match(error.message, /run it again/);
    assert.equal(await alias(), '5');

    const replanned = await plan();
    assert.deepEqual(replanned.functions[0].drift?.differences, [
      { field: 'timeout', from: 10, to: 20 },
    ]);
    assert.equal((await applyDeploy(replanned, env.provider)).ok, true);
    assert.equal((await served()).marker, 'six');
  });
});

describe('a deploy that crashed while Lambda was still applying an update', function () {
  this.timeout(60_000);
  let env: TestCloud;
  let project: TestProject;
  // Long enough that the next plan surely finds the update still in progress.
  const TRANSITION_MS = 3000;

  before(async () => {
    env = await startTestCloud({ minTransitionMs: TRANSITION_MS });
    project = await TestProject.create();
  });
  after(async () => {
    await env?.stop();
    await project?.remove();
  });

  it('waits for the update to land before planning, then publishes it', async () => {
    const load = () => project.load();
    const first = await planDeploy(await load(), env.provider, {
      cacheDir: project.cacheDir,
      functions: ['greet'],
    });
    assert.equal((await applyDeploy(first, env.provider)).ok, true);

    // What a crashed deploy leaves behind: the new code sent, the update still running.
    await project.apply({ ...INITIAL, marker: 'two' });
    const next = await planDeploy(await load(), env.provider, {
      cacheDir: project.cacheDir,
      functions: ['greet'],
    });
    await env.lambda.send(
      new UpdateFunctionCodeCommand({
        FunctionName: 'shop-dev-greet',
        ZipFile: await readFile(next.functions[0].package.zipPath),
      }),
    );

    env.calls.length = 0;
    const rerun = await planDeploy(await load(), env.provider, {
      cacheDir: project.cacheDir,
      functions: ['greet'],
    });
    const polls = env.calls.filter((op) => op === 'GetFunctionConfiguration').length;
    assert.ok(polls > 1, `the plan waited for the update (${polls} polls)`);
    assert.equal(rerun.functions[0].action, 'publish');
    assert.equal(rerun.functions[0].drift, undefined);

    const result = await applyDeploy(rerun, env.provider);
    assert.equal(result.ok, true, result.functions[0].error?.message);
    assert.equal(result.functions[0].version, '2');
    const out = await invokeFunction(await load(), env.provider, 'greet', '{}');
    assert.equal(json(out.payload).marker, 'two');
  });
});

describe('a deploy that lost its connection to the cloud', function () {
  this.timeout(60_000);
  let env: TestCloud;
  let project: TestProject;

  before(async () => {
    env = await startTestCloud();
    project = await TestProject.create();
  });
  after(async () => {
    await env?.stop();
    await project?.remove();
  });

  const plan = async () =>
    planDeploy(await project.load(), env.provider, {
      cacheDir: project.cacheDir,
      functions: ['greet'],
    });

  it('fails fast with the connection error, and converges once the cloud is back', async () => {
    assert.equal((await applyDeploy(await plan(), env.provider)).ok, true);
    await project.apply({ ...INITIAL, marker: 'two' });
    const planned = await plan();

    // The cloud goes away right after the code upload, before the wait, publish and alias.
    let stopping: Promise<void> | undefined;
    const started = Date.now();
    const result = await applyDeploy(planned, env.provider, {
      onEvent: (e) => {
        if (e.type === 'step-finished' && e.step === 'upload-code') stopping = env.stopCloud();
      },
    });
    await stopping;
    const outcome = result.functions[0];
    assert.equal(outcome.status, 'failed');
    assert.ok(outcome.error instanceof CloudError, String(outcome.error));
    assert.equal(outcome.error.code, 'ECONNREFUSED');
    assert.match(outcome.error.message, /flourish local start/);
    assert.ok(Date.now() - started < 20_000, 'no long polling of a dead endpoint');

    // Back on a new port with its state: the stage still serves version 1.
    await env.startCloud();
    const alias = await env.lambda.send(
      new GetAliasCommand({ FunctionName: 'shop-dev-greet', Name: 'dev' }),
    );
    assert.equal(alias.FunctionVersion, '1');

    const rerun = await plan();
    assert.equal(rerun.functions[0].action, 'publish');
    const converged = await applyDeploy(rerun, env.provider);
    assert.equal(converged.ok, true);
    assert.equal(converged.functions[0].version, '2');
    const out = await invokeFunction(await project.load(), env.provider, 'greet', '{}');
    assert.equal(json(out.payload).marker, 'two');
  });
});
