// The Lambda control plane through the unmodified SDK client: functions, versions, aliases,
// tags, qualifiers, paging and the state waiters.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteAliasCommand,
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListTagsCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  paginateListFunctions,
  paginateListVersionsByFunction,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  waitUntilPublishedVersionActive,
} from '@aws-sdk/client-lambda';
import { makeZip, nodeHandlerZip, ROLE, startFixture, type CloudFixture } from './cloud-support';

const handlerReturning = (value: string): Uint8Array =>
  nodeHandlerZip(`export const handler = async () => ${JSON.stringify(value)};`);

describe('local cloud: Lambda API', function () {
  this.timeout(60_000);
  let f: CloudFixture;

  before(async () => {
    f = await startFixture();
  });
  after(async () => {
    await f.close();
  });

  async function create(
    name: string,
    value = name,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    await f.lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Role: ROLE,
        Handler: 'index.handler',
        Code: { ZipFile: handlerReturning(value) },
        ...extra,
      }),
    );
    await waitUntilFunctionActiveV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: name },
    );
  }

  async function invokeText(
    name: string,
    qualifier?: string,
  ): Promise<{ body: string; version?: string }> {
    const out = await f.lambda.send(
      new InvokeCommand({ FunctionName: name, Qualifier: qualifier }),
    );
    return {
      body: JSON.parse(Buffer.from(out.Payload!).toString()) as string,
      version: out.ExecutedVersion,
    };
  }

  it('creates a function Pending, then the waiter sees it Active with Lambda fields', async () => {
    const zip = handlerReturning('one');
    const created = await f.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'life',
        Runtime: 'nodejs20.x',
        Role: ROLE,
        Handler: 'index.handler',
        Code: { ZipFile: zip },
        MemorySize: 256,
        Timeout: 10,
        Environment: { Variables: { STAGE: 'dev' } },
        Tags: { team: 'core' },
      }),
    );
    assert.equal(created.$metadata.httpStatusCode, 201);
    assert.equal(created.State, 'Pending');
    assert.equal(created.StateReasonCode, 'Creating');
    assert.equal(created.CodeSha256, createHash('sha256').update(zip).digest('base64'));
    assert.equal(created.CodeSize, zip.length);
    assert.equal(created.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:life');
    assert.match(created.LastModified!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    assert.equal(created.Version, '$LATEST');
    assert.ok(created.$metadata.requestId);

    const waited = await waitUntilFunctionActiveV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'life' },
    );
    assert.equal(waited.state, 'SUCCESS');
    const config = await f.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'life' }),
    );
    assert.equal(config.State, 'Active');
    assert.equal(config.LastUpdateStatus, 'Successful');
    assert.equal(config.MemorySize, 256);
    assert.equal(config.Timeout, 10);
    assert.deepEqual(config.Environment?.Variables, { STAGE: 'dev' });
    assert.deepEqual(config.Architectures, ['x86_64']);
    assert.equal(config.EphemeralStorage?.Size, 512);
    assert.equal(config.LoggingConfig?.LogGroup, '/aws/lambda/life');
    assert.notEqual(config.RevisionId, created.RevisionId);
  });

  it('GetFunction gives a Code.Location that downloads the exact package, and the tags', async () => {
    const got = await f.lambda.send(new GetFunctionCommand({ FunctionName: 'life' }));
    assert.deepEqual(got.Tags, { team: 'core' });
    const response = await fetch(got.Code!.Location!);
    assert.equal(response.status, 200);
    const zip = Buffer.from(await response.arrayBuffer());
    assert.equal(createHash('sha256').update(zip).digest('base64'), got.Configuration!.CodeSha256);
    const tampered = got.Code!.Location!.replace(/token=[0-9a-f]/, (m) =>
      m.endsWith('0') ? m.slice(0, -1) + '1' : m.slice(0, -1) + '0',
    );
    assert.equal((await fetch(tampered)).status, 403);
  });

  it('updates code and configuration; LastUpdateStatus goes InProgress then Successful', async () => {
    const updated = await f.lambda.send(
      new UpdateFunctionCodeCommand({ FunctionName: 'life', ZipFile: handlerReturning('two') }),
    );
    assert.equal(updated.LastUpdateStatus, 'InProgress');
    await waitUntilFunctionUpdatedV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'life' },
    );
    assert.equal((await invokeText('life')).body, 'two');

    const reconfigured = await f.lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'life',
        MemorySize: 512,
        Description: 'second',
      }),
    );
    assert.equal(reconfigured.LastUpdateStatus, 'InProgress');
    await waitUntilFunctionUpdatedV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'life' },
    );
    const config = await f.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'life' }),
    );
    assert.equal(config.MemorySize, 512);
    assert.equal(config.Description, 'second');
    assert.equal(config.LastUpdateStatus, 'Successful');
  });

  it('publishes versions, skips a publish with nothing changed, and checks CodeSha256', async () => {
    const v1 = await f.lambda.send(
      new PublishVersionCommand({ FunctionName: 'life', Description: 'first' }),
    );
    assert.equal(v1.$metadata.httpStatusCode, 201);
    assert.equal(v1.Version, '1');
    assert.equal(v1.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:life:1');
    await waitUntilPublishedVersionActive(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'life', Qualifier: '1' },
    );
    const again = await f.lambda.send(new PublishVersionCommand({ FunctionName: 'life' }));
    assert.equal(again.Version, '1', 'no new version when nothing changed');

    await f.lambda.send(
      new UpdateFunctionCodeCommand({ FunctionName: 'life', ZipFile: handlerReturning('three') }),
    );
    await waitUntilFunctionUpdatedV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'life' },
    );
    const latest = await f.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'life' }),
    );
    const v2 = await f.lambda.send(
      new PublishVersionCommand({ FunctionName: 'life', CodeSha256: latest.CodeSha256 }),
    );
    assert.equal(v2.Version, '2');

    const published = await f.lambda.send(
      new UpdateFunctionCodeCommand({
        FunctionName: 'life',
        ZipFile: handlerReturning('four'),
        Publish: true,
      }),
    );
    assert.equal(published.Version, '3');
    await waitUntilFunctionUpdatedV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'life' },
    );

    const versions = await f.lambda.send(
      new ListVersionsByFunctionCommand({ FunctionName: 'life' }),
    );
    assert.deepEqual(
      versions.Versions!.map((v) => v.Version),
      ['$LATEST', '1', '2', '3'],
    );
    assert.equal(
      versions.Versions![0]!.FunctionArn,
      'arn:aws:lambda:us-east-1:000000000000:function:life:$LATEST',
    );
  });

  it('resolves every form of qualifier as Lambda does', async () => {
    const arn = 'arn:aws:lambda:us-east-1:000000000000:function:life';
    assert.equal((await invokeText('life', '1')).body, 'two');
    assert.equal((await invokeText('life:2')).body, 'three');
    assert.equal((await invokeText(`${arn}:3`)).body, 'four');
    assert.equal((await invokeText('000000000000:function:life:1')).body, 'two');
    const latest = await invokeText('life', '$LATEST');
    assert.deepEqual(latest, { body: 'four', version: '$LATEST' });
    assert.equal((await invokeText(arn)).version, '$LATEST');
    const viaVersion = await f.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'life', Qualifier: '2' }),
    );
    assert.equal(viaVersion.FunctionArn, `${arn}:2`);
    assert.equal(viaVersion.Description, 'second');
  });

  it('manages aliases, routes invocations through them, and pages them', async () => {
    const alias = await f.lambda.send(
      new CreateAliasCommand({ FunctionName: 'life', Name: 'live', FunctionVersion: '1' }),
    );
    assert.equal(alias.$metadata.httpStatusCode, 201);
    assert.equal(alias.AliasArn, 'arn:aws:lambda:us-east-1:000000000000:function:life:live');
    assert.deepEqual(await invokeText('life', 'live'), { body: 'two', version: '1' });

    const moved = await f.lambda.send(
      new UpdateAliasCommand({
        FunctionName: 'life',
        Name: 'live',
        FunctionVersion: '3',
        RevisionId: alias.RevisionId,
      }),
    );
    assert.equal(moved.FunctionVersion, '3');
    assert.deepEqual(await invokeText('life:live'), { body: 'four', version: '3' });
    const got = await f.lambda.send(new GetAliasCommand({ FunctionName: 'life', Name: 'live' }));
    assert.equal(got.RevisionId, moved.RevisionId);
    const viaAlias = await f.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'life', Qualifier: 'live' }),
    );
    assert.equal(viaAlias.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:life:live');
    assert.equal(viaAlias.Version, '3');

    const weighted = await f.lambda.send(
      new UpdateAliasCommand({
        FunctionName: 'life',
        Name: 'live',
        RoutingConfig: { AdditionalVersionWeights: { '2': 1 } },
      }),
    );
    assert.deepEqual(weighted.RoutingConfig?.AdditionalVersionWeights, { '2': 1 });
    assert.deepEqual(await invokeText('life', 'live'), { body: 'three', version: '2' });
    // Weights not sent are kept, so the new primary must still make sense with them.
    for (const FunctionVersion of ['2', '$LATEST']) {
      await assert.rejects(
        f.lambda.send(
          new UpdateAliasCommand({ FunctionName: 'life', Name: 'live', FunctionVersion }),
        ),
        (err: Error) => err.name === 'InvalidParameterValueException',
      );
    }
    const kept = await f.lambda.send(new GetAliasCommand({ FunctionName: 'life', Name: 'live' }));
    assert.equal(kept.FunctionVersion, '3');
    assert.deepEqual(kept.RoutingConfig?.AdditionalVersionWeights, { '2': 1 });

    for (const name of ['a1', 'a2', 'a3']) {
      await f.lambda.send(
        new CreateAliasCommand({ FunctionName: 'life', Name: name, FunctionVersion: '$LATEST' }),
      );
    }
    const first = await f.lambda.send(
      new ListAliasesCommand({ FunctionName: 'life', MaxItems: 2 }),
    );
    assert.deepEqual(
      first.Aliases!.map((a) => a.Name),
      ['a1', 'a2'],
    );
    const second = await f.lambda.send(
      new ListAliasesCommand({ FunctionName: 'life', MaxItems: 2, Marker: first.NextMarker }),
    );
    assert.deepEqual(
      second.Aliases!.map((a) => a.Name),
      ['a3', 'live'],
    );
    assert.equal(second.NextMarker, undefined);
    const onLatest = await f.lambda.send(
      new ListAliasesCommand({ FunctionName: 'life', FunctionVersion: '$LATEST' }),
    );
    assert.equal(onLatest.Aliases!.length, 3);

    const deleted = await f.lambda.send(
      new DeleteAliasCommand({ FunctionName: 'life', Name: 'a3' }),
    );
    assert.equal(deleted.$metadata.httpStatusCode, 204);
  });

  it('tags and untags the function by ARN', async () => {
    const arn = 'arn:aws:lambda:us-east-1:000000000000:function:life';
    await f.lambda.send(
      new TagResourceCommand({ Resource: arn, Tags: { env: 'test', owner: 'me' } }),
    );
    assert.deepEqual((await f.lambda.send(new ListTagsCommand({ Resource: arn }))).Tags, {
      team: 'core',
      env: 'test',
      owner: 'me',
    });
    await f.lambda.send(new UntagResourceCommand({ Resource: arn, TagKeys: ['team', 'owner'] }));
    assert.deepEqual((await f.lambda.send(new ListTagsCommand({ Resource: arn }))).Tags, {
      env: 'test',
    });
  });

  it('lists functions with Marker/MaxItems paging and FunctionVersion=ALL', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) await create(name);
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateListFunctions({ client: f.lambda, pageSize: 2 }, {})) {
      pages++;
      names.push(...page.Functions!.map((fn) => fn.FunctionName!));
    }
    assert.deepEqual(names, ['life', 'page-a', 'page-b', 'page-c']);
    assert.equal(pages, 2);
    const unqualified = await f.lambda.send(new ListFunctionsCommand({}));
    assert.equal(
      unqualified.Functions![0]!.FunctionArn,
      'arn:aws:lambda:us-east-1:000000000000:function:life',
    );
    const all = await f.lambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL' }));
    assert.deepEqual(
      all.Functions!.filter((fn) => fn.FunctionName === 'life').map((fn) => fn.Version),
      ['$LATEST', '1', '2', '3'],
    );
    const versions: string[] = [];
    for await (const page of paginateListVersionsByFunction(
      { client: f.lambda, pageSize: 3 },
      { FunctionName: 'life' },
    )) {
      versions.push(...page.Versions!.map((v) => v.Version!));
    }
    assert.deepEqual(versions, ['$LATEST', '1', '2', '3']);
  });

  it('keeps tracing and SnapStart, and freezes them in each version', async () => {
    await f.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'traced',
        Runtime: 'python3.12',
        Role: ROLE,
        Handler: 'app.handler',
        Code: { ZipFile: makeZip([{ name: 'app.py', data: 'def handler(e, c):\n  return e\n' }]) },
        TracingConfig: { Mode: 'Active' },
        SnapStart: { ApplyOn: 'PublishedVersions' },
        // What these settings look like when they ask for nothing: accepted.
        VpcConfig: { SubnetIds: [], SecurityGroupIds: [] },
        Layers: [],
        LoggingConfig: { LogFormat: 'Text', LogGroup: '/aws/lambda/traced' },
      }),
    );
    try {
      await waitUntilFunctionActiveV2(
        { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
        { FunctionName: 'traced' },
      );
      const latest = await f.lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: 'traced' }),
      );
      assert.deepEqual(latest.TracingConfig, { Mode: 'Active' });
      assert.deepEqual(latest.SnapStart, {
        ApplyOn: 'PublishedVersions',
        OptimizationStatus: 'Off',
      });
      const v1 = await f.lambda.send(new PublishVersionCommand({ FunctionName: 'traced' }));
      assert.deepEqual(v1.SnapStart, { ApplyOn: 'PublishedVersions', OptimizationStatus: 'On' });

      const updated = await f.lambda.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: 'traced',
          TracingConfig: { Mode: 'PassThrough' },
          SnapStart: { ApplyOn: 'None' },
        }),
      );
      assert.deepEqual(updated.TracingConfig, { Mode: 'PassThrough' });
      await waitUntilFunctionUpdatedV2(
        { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
        { FunctionName: 'traced' },
      );
      const v2 = await f.lambda.send(new PublishVersionCommand({ FunctionName: 'traced' }));
      assert.equal(v2.Version, '2', 'a changed setting is a new version');
      assert.deepEqual(v2.SnapStart, { ApplyOn: 'None', OptimizationStatus: 'Off' });
      const first = await f.lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: 'traced', Qualifier: '1' }),
      );
      assert.deepEqual(first.TracingConfig, { Mode: 'Active' });
    } finally {
      await f.lambda.send(new DeleteFunctionCommand({ FunctionName: 'traced' }));
    }
  });

  it('returns at most 50 functions a page, however many MaxItems asks for', async () => {
    const extra = Array.from({ length: 50 }, (_, i) => `cap-${String(i).padStart(2, '0')}`);
    const zip = handlerReturning('cap');
    for (const name of extra) {
      await f.lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: 'nodejs20.x',
          Role: ROLE,
          Handler: 'index.handler',
          Code: { ZipFile: zip },
        }),
      );
    }
    try {
      const first = await f.lambda.send(new ListFunctionsCommand({ MaxItems: 1000 }));
      assert.equal(first.Functions!.length, 50);
      assert.ok(first.NextMarker, 'a caller asking for 1000 must still follow NextMarker');
      const rest = await f.lambda.send(
        new ListFunctionsCommand({ MaxItems: 1000, Marker: first.NextMarker }),
      );
      assert.equal(first.Functions!.length + rest.Functions!.length, 50 + 4);
      assert.equal(rest.NextMarker, undefined);
    } finally {
      for (const name of extra) {
        await waitUntilFunctionActiveV2(
          { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
          { FunctionName: name },
        );
        await f.lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
      }
    }
  });

  it('deletes one version, then the whole function', async () => {
    await f.lambda.send(new DeleteFunctionCommand({ FunctionName: 'life', Qualifier: '1' }));
    const versions = await f.lambda.send(
      new ListVersionsByFunctionCommand({ FunctionName: 'life' }),
    );
    assert.deepEqual(
      versions.Versions!.map((v) => v.Version),
      ['$LATEST', '2', '3'],
    );
    const gone = await f.lambda.send(new DeleteFunctionCommand({ FunctionName: 'page-a' }));
    assert.equal(gone.$metadata.httpStatusCode, 204);
    const names = (await f.lambda.send(new ListFunctionsCommand({}))).Functions!.map(
      (fn) => fn.FunctionName,
    );
    assert.ok(!names.includes('page-a'));
    // A new version number is never reused.
    await f.lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: 'life', Timeout: 30 }),
    );
    await waitUntilFunctionUpdatedV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'life' },
    );
    assert.equal(
      (await f.lambda.send(new PublishVersionCommand({ FunctionName: 'life' }))).Version,
      '4',
    );
  });
});
