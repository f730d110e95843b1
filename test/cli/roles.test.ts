// The stage's execution role through the local cloud's IAM: the first deploy with no role in
// the manifest creates it (waiting while IAM propagates it), later deploys reuse it, and a role
// that never becomes assumable ends the deploy with a clear error.
import * as assert from 'node:assert/strict';
import { GetRoleCommand, IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import {
  applyDeploy,
  DeployError,
  formatPlan,
  planDeploy,
  type DeployEvent,
} from '../../src/core/deploy';
import { localCloudClientConfig } from '../../src/core/local';
import { INITIAL, startTestCloud, TestProject, type TestCloud } from '../unit/deploy/localProject';

describe('execution roles on the local cloud', function () {
  this.timeout(90_000);
  let env: TestCloud;
  let project: TestProject;
  let iam: IAMClient;

  before(async () => {
    // A new role cannot be assumed for 300 ms, as on AWS right after CreateRole.
    env = await startTestCloud({ iamPropagationDelayMs: 300 });
    iam = new IAMClient(localCloudClientConfig(env.cloud));
    project = await TestProject.create();
  });
  after(async () => {
    iam?.destroy();
    await env?.stop();
    await project?.remove();
  });

  const role = () => iam.send(new GetRoleCommand({ RoleName: 'shop-dev-lambda' }));
  const functionRole = async (name: string) =>
    (await env.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }))).Role;

  it('creates the stage role once, tagged, with basic logging, and waits until Lambda can assume it', async () => {
    const plan = await planDeploy(await project.load(), env.provider, {
      cacheDir: project.cacheDir,
    });
    assert.deepEqual(plan.roles, [
      { purpose: 'execution', name: 'shop-dev-lambda', action: 'create', owned: true },
    ]);
    assert.match(formatPlan(plan), /\+ execution role shop-dev-lambda is created/);

    env.calls.length = 0;
    const events: DeployEvent[] = [];
    const result = await applyDeploy(plan, env.provider, {
      roleRetryDelaysMs: [100, 200, 400, 800, 1600],
      onEvent: (e) => events.push(e),
    });
    assert.equal(result.ok, true, result.functions.map((f) => f.error?.message).join('\n'));
    assert.equal(env.calls.filter((op) => op === 'CreateRole').length, 1);
    assert.ok(
      events.some(
        (e) =>
          e.type === 'step-started' && /cannot assume role .*shop-dev-lambda yet/.test(e.message),
      ),
      'deploy waited for the role to propagate',
    );

    const { Role } = await role();
    assert.deepEqual(Object.fromEntries((Role?.Tags ?? []).map((t) => [t.Key, t.Value])), {
      'flourish:managed': 'true',
      'flourish:service': 'shop',
      'flourish:stage': 'dev',
    });
    const trust = JSON.parse(decodeURIComponent(Role?.AssumeRolePolicyDocument ?? '{}')) as {
      Statement: { Principal: { Service: string } }[];
    };
    assert.equal(trust.Statement[0].Principal.Service, 'lambda.amazonaws.com');
    const attached = await iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName: 'shop-dev-lambda' }),
    );
    assert.deepEqual(
      attached.AttachedPolicies?.map((p) => p.PolicyArn),
      ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
    );
    assert.equal(await functionRole('shop-dev-greet'), Role?.Arn);
    assert.equal(await functionRole('shop-dev-stats'), Role?.Arn);
    const tags = (await env.provider.getFunction('shop-dev-greet'))?.tags;
    assert.equal(tags?.['flourish:managed'], 'true');
    assert.equal(tags?.['flourish:stage'], 'dev');
  });

  it('reuses the role on the next deploy without writing to IAM', async () => {
    const before = (await role()).Role?.Arn;
    await project.apply({ ...INITIAL, marker: 'two' });
    const plan = await planDeploy(await project.load(), env.provider, {
      cacheDir: project.cacheDir,
    });
    assert.deepEqual(plan.roles, [
      { purpose: 'execution', name: 'shop-dev-lambda', action: 'reuse', arn: before, owned: true },
    ]);
    assert.match(formatPlan(plan), /= execution role shop-dev-lambda \(reused\)/);
    env.calls.length = 0;
    const result = await applyDeploy(plan, env.provider);
    assert.equal(result.ok, true, result.functions.map((f) => f.error?.message).join('\n'));
    const iamWrites = env.calls.filter((op) => /Role|Policy/.test(op) && !/^(Get|List)/.test(op));
    assert.deepEqual(iamWrites, []);
    assert.equal((await role()).Role?.Arn, before);
    assert.equal(await functionRole('shop-dev-greet'), before);
  });

  it('stops with a clear error when the role never becomes assumable', async () => {
    const slow = await startTestCloud({ iamPropagationDelayMs: 600_000 });
    const other = await TestProject.create();
    try {
      const plan = await planDeploy(await other.load(), slow.provider, {
        cacheDir: other.cacheDir,
        functions: ['greet'],
      });
      const result = await applyDeploy(plan, slow.provider, { roleRetryDelaysMs: [10, 10] });
      assert.equal(result.ok, false);
      const error = result.functions[0].error;
      assert.ok(error instanceof DeployError, String(error));
      assert.equal(error.code, 'role-not-assumable');
      assert.match(error.message, /cannot assume the role .*shop-dev-lambda after 3 attempts/);
      assert.match(
        String((error.cause as Error).message),
        /InvalidParameterValue.*HTTP 400.*request id/,
      );
      assert.equal(await slow.provider.getFunction('shop-dev-greet'), undefined);
    } finally {
      await slow.stop();
      await other.remove();
    }
  });
});
