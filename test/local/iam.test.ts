// IAM roles on the local cloud through the unmodified IAMClient (query protocol, XML): the
// life cycle deploy needs, IAM's errors, persistence, and the simulated propagation delay.
import assert from 'node:assert/strict';
import { CreateFunctionCommand, InvalidParameterValueException } from '@aws-sdk/client-lambda';
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteConflictException,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  EntityAlreadyExistsException,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
  PutRolePolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
} from '@aws-sdk/client-iam';
import { localCloudClientConfig } from '../../src/core/local';
import { expectAwsError, nodeHandlerZip, startFixture, type CloudFixture } from './cloud-support';

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});
const LOGGING = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
const INLINE = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'logs:CreateLogGroup', Resource: '*' }],
});

describe('local cloud: IAM roles', function () {
  this.timeout(60_000);
  let f: CloudFixture;
  let iam: IAMClient;
  let now = Date.now();

  const connect = (): IAMClient =>
    new IAMClient({ ...localCloudClientConfig(f.cloud), maxAttempts: 1 });

  before(async () => {
    f = await startFixture({ clock: () => now, iamPropagationDelayMs: 8_000 });
    iam = connect();
  });
  after(async () => {
    iam.destroy();
    await f.close();
  });

  it('creates a role with its trust policy and tags, and refuses the same name again', async () => {
    const created = await iam.send(
      new CreateRoleCommand({
        RoleName: 'svc-dev-exec',
        AssumeRolePolicyDocument: TRUST,
        Description: 'execution role',
        Tags: [{ Key: 'flourish:service', Value: 'svc' }],
      }),
    );
    const role = created.Role!;
    assert.equal(role.Arn, 'arn:aws:iam::000000000000:role/svc-dev-exec');
    assert.equal(role.Path, '/');
    assert.match(role.RoleId!, /^AROA[0-9A-Z]{17}$/);
    assert.equal(decodeURIComponent(role.AssumeRolePolicyDocument!), TRUST);
    assert.equal(role.CreateDate?.getTime(), Math.floor(now / 1000) * 1000);
    assert.deepEqual(role.Tags, [{ Key: 'flourish:service', Value: 'svc' }]);

    const got = await iam.send(new GetRoleCommand({ RoleName: 'svc-dev-exec' }));
    assert.equal(got.Role?.RoleId, role.RoleId);
    assert.equal(got.Role?.Description, 'execution role');
    assert.equal(got.Role?.MaxSessionDuration, 3600);

    await expectAwsError(
      iam.send(
        new CreateRoleCommand({ RoleName: 'SVC-dev-exec', AssumeRolePolicyDocument: TRUST }),
      ),
      {
        name: 'EntityAlreadyExistsException',
        status: 409,
        type: EntityAlreadyExistsException,
        message: 'Role with name SVC-dev-exec already exists.',
      },
    );
    await expectAwsError(
      iam.send(new CreateRoleCommand({ RoleName: 'broken', AssumeRolePolicyDocument: '{nope' })),
      {
        name: 'MalformedPolicyDocumentException',
        status: 400,
        type: MalformedPolicyDocumentException,
      },
    );
    await expectAwsError(iam.send(new GetRoleCommand({ RoleName: 'absent' })), {
      name: 'NoSuchEntityException',
      status: 404,
      type: NoSuchEntityException,
      message: 'The role with name absent cannot be found.',
    });
    const listed = await iam.send(new ListRolesCommand({}));
    assert.deepEqual(
      listed.Roles?.map((r) => r.RoleName),
      ['svc-dev-exec'],
    );
  });

  it('attaches, lists and detaches managed policies; puts, gets and deletes inline ones', async () => {
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'svc-dev-exec', PolicyArn: LOGGING }));
    const attached = await iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName: 'svc-dev-exec' }),
    );
    assert.deepEqual(attached.AttachedPolicies, [
      { PolicyName: 'AWSLambdaBasicExecutionRole', PolicyArn: LOGGING },
    ]);
    assert.equal(attached.IsTruncated, false);
    await expectAwsError(
      iam.send(
        new AttachRolePolicyCommand({
          RoleName: 'svc-dev-exec',
          PolicyArn: 'arn:aws:iam::000000000000:policy/mine',
        }),
      ),
      {
        name: 'NoSuchEntityException',
        status: 404,
        message: /does not exist or is not attachable/,
      },
    );

    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'svc-dev-exec',
        PolicyName: 'logs',
        PolicyDocument: INLINE,
      }),
    );
    const names = await iam.send(new ListRolePoliciesCommand({ RoleName: 'svc-dev-exec' }));
    assert.deepEqual(names.PolicyNames, ['logs']);
    const inline = await iam.send(
      new GetRolePolicyCommand({ RoleName: 'svc-dev-exec', PolicyName: 'logs' }),
    );
    assert.equal(decodeURIComponent(inline.PolicyDocument!), INLINE);

    await expectAwsError(iam.send(new DeleteRoleCommand({ RoleName: 'svc-dev-exec' })), {
      name: 'DeleteConflictException',
      status: 409,
      type: DeleteConflictException,
      message: 'Cannot delete entity, must detach all policies first.',
    });
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'svc-dev-exec', PolicyArn: LOGGING }));
    await expectAwsError(
      iam.send(new DetachRolePolicyCommand({ RoleName: 'svc-dev-exec', PolicyArn: LOGGING })),
      { name: 'NoSuchEntityException', status: 404 },
    );
    await expectAwsError(iam.send(new DeleteRoleCommand({ RoleName: 'svc-dev-exec' })), {
      name: 'DeleteConflictException',
      status: 409,
      message: 'Cannot delete entity, must delete policies first.',
    });
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'svc-dev-exec', PolicyName: 'logs' }));
    await expectAwsError(
      iam.send(new DeleteRolePolicyCommand({ RoleName: 'svc-dev-exec', PolicyName: 'logs' })),
      { name: 'NoSuchEntityException', status: 404, message: /role policy with name logs/ },
    );
  });

  it('tags and untags a role', async () => {
    await iam.send(
      new TagRoleCommand({
        RoleName: 'svc-dev-exec',
        Tags: [
          { Key: 'flourish:stage', Value: 'dev' },
          { Key: 'flourish:service', Value: 'svc2' },
        ],
      }),
    );
    const tags = await iam.send(new ListRoleTagsCommand({ RoleName: 'svc-dev-exec' }));
    assert.deepEqual(tags.Tags, [
      { Key: 'flourish:service', Value: 'svc2' },
      { Key: 'flourish:stage', Value: 'dev' },
    ]);
    await iam.send(new UntagRoleCommand({ RoleName: 'svc-dev-exec', TagKeys: ['flourish:stage'] }));
    const after = await iam.send(new ListRoleTagsCommand({ RoleName: 'svc-dev-exec' }));
    assert.deepEqual(after.Tags, [{ Key: 'flourish:service', Value: 'svc2' }]);
  });

  it('keeps roles across a restart, then deletes one', async () => {
    await f.restart({ clock: () => now, iamPropagationDelayMs: 8_000 });
    iam.destroy();
    iam = connect();
    const got = await iam.send(new GetRoleCommand({ RoleName: 'svc-dev-exec' }));
    assert.deepEqual(got.Role?.Tags, [{ Key: 'flourish:service', Value: 'svc2' }]);
    await iam.send(new DeleteRoleCommand({ RoleName: 'svc-dev-exec' }));
    await expectAwsError(iam.send(new DeleteRoleCommand({ RoleName: 'svc-dev-exec' })), {
      name: 'NoSuchEntityException',
      status: 404,
    });
  });

  it('refuses CreateFunction with a role younger than the propagation delay', async () => {
    const created = await iam.send(
      new CreateRoleCommand({ RoleName: 'fresh', AssumeRolePolicyDocument: TRUST }),
    );
    const create = () =>
      f.lambda.send(
        new CreateFunctionCommand({
          FunctionName: 'early',
          Runtime: 'nodejs20.x',
          Role: created.Role!.Arn,
          Handler: 'index.handler',
          Code: { ZipFile: nodeHandlerZip('export const handler = async () => 1;') },
        }),
      );
    await expectAwsError(create(), {
      name: 'InvalidParameterValueException',
      status: 400,
      type: InvalidParameterValueException,
      message: 'The role defined for the function cannot be assumed by Lambda.',
    });
    now += 8_000;
    const made = await create();
    assert.equal(made.Role, created.Role!.Arn);
  });
});
