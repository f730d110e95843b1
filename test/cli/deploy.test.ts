// Deploy against a local cloud through the real AWS SDK: first deploy, a no-op deploy, a code
// change, a configuration-only change, and drift made outside Flourish.
import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import {
  applyDeploy,
  formatPlan,
  invokeFunction,
  listVersions,
  parseVersionDescription,
  planDeploy,
  type DeployPlan,
} from '../../src/core/deploy';
import {
  INITIAL,
  json,
  startTestCloud,
  TestProject,
  writeCalls,
  type TestCloud,
} from '../unit/deploy/localProject';

describe('deploy to the local cloud', function () {
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

  const plan = async (): Promise<DeployPlan> =>
    planDeploy(await project.load(), env.provider, { cacheDir: project.cacheDir });
  const fn = (p: DeployPlan, key: string) => p.functions.find((f) => f.key === key)!;
  const aliasVersion = async (name: string) =>
    (await env.lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'dev' })))
      .FunctionVersion;

  it('creates each function, publishes version 1 and points the stage alias at it', async () => {
    const first = await plan();
    assert.deepEqual(
      first.functions.map((f) => [f.key, f.action]),
      [
        ['greet', 'create'],
        ['stats', 'create'],
      ],
    );
    assert.match(formatPlan(first), /\+ greet +create shop-dev-greet/);

    const steps: string[] = [];
    const result = await applyDeploy(first, env.provider, {
      onEvent: (e) => {
        if (e.type === 'step-finished' && e.functionKey === 'greet') steps.push(e.step);
      },
    });
    assert.equal(result.ok, true, result.functions.map((f) => f.error?.message).join('\n'));
    assert.deepEqual(steps, ['create', 'wait', 'publish', 'alias']);
    for (const outcome of result.functions) {
      assert.equal(outcome.status, 'deployed');
      assert.equal(outcome.publishedVersion, '1');
      assert.ok(outcome.uploadedBytes > 0);
    }
    assert.equal(await aliasVersion('shop-dev-greet'), '1');
    assert.equal(await aliasVersion('shop-dev-stats'), '1');

    const manifest = await project.load();
    const greet = await invokeFunction(manifest, env.provider, 'greet', '{"name":"Ada"}');
    assert.equal(greet.statusCode, 200);
    assert.equal(greet.functionError, undefined);
    assert.equal(greet.executedVersion, '1');
    assert.deepEqual(json(greet.payload), {
      marker: 'one',
      greeting: 'Hello',
      memory: '256',
      name: 'Ada',
    });
    assert.ok(greet.logComplete);
    assert.match(greet.log, new RegExp(`^START RequestId: ${greet.requestId}`));

    const stats = await invokeFunction(manifest, env.provider, 'stats', '{"numbers":[1,2,3.5]}');
    assert.deepEqual(json(stats.payload), { sum: 6.5, count: 3 });
    assert.match(stats.log, /summing 3 numbers/);

    const [v1] = await listVersions(manifest, env.provider, 'greet');
    assert.equal(v1.version, '1');
    assert.deepEqual(v1.aliases, ['dev']);
    assert.equal(v1.contentHash, fn(first, 'greet').package.contentHash);
    assert.equal(v1.codeSha256, fn(first, 'greet').package.codeSha256);
  });

  it('reads the whole log of a request when it is longer than the 4 KB tail', async () => {
    const manifest = await project.load();
    const result = await invokeFunction(manifest, env.provider, 'greet', '{"lines":120}');
    assert.ok(result.logTail && !result.logTail.includes('line 0 '), 'the tail is cut');
    assert.ok(result.logComplete);
    assert.match(result.log, new RegExp(`^START RequestId: ${result.requestId}`));
    assert.match(result.log, /line 0 x+/);
    assert.match(result.log, /line 119 x+/);
    assert.match(result.log, new RegExp(`REPORT RequestId: ${result.requestId}[^\\n]*\\n$`));
  });

  it('returns a function error with its log, and an asynchronous call at once', async () => {
    const manifest = await project.load();
    const failed = await invokeFunction(manifest, env.provider, 'greet', '{"fail":true}');
    assert.equal(failed.statusCode, 200);
    assert.equal(failed.functionError, 'Unhandled');
    assert.equal(json(failed.payload).errorMessage, 'asked to fail');
    assert.ok(failed.logComplete);
    assert.match(failed.log, /asked to fail/);

    const queued = await invokeFunction(manifest, env.provider, 'greet', '{}', {
      invocationType: 'Event',
    });
    assert.equal(queued.statusCode, 202);
    assert.equal(queued.logComplete, false);
    assert.equal(queued.qualifier, 'dev');
    await env.cloud.drainAsync();
  });

  it('tails the logs of several functions live and pages through stored ones', async () => {
    const manifest = await project.load();
    const groups = manifest.functions.map((f) => env.provider.logGroupName(f.name));
    const controller = new AbortController();
    let ready!: () => void;
    const live = new Promise<void>((resolve) => (ready = resolve));
    const seen: { group: string; message: string }[] = [];
    const tail = (async () => {
      for await (const e of env.provider.tailLogs(groups, {
        signal: controller.signal,
        onReady: ready,
      })) {
        seen.push({ group: e.logGroup, message: e.message });
        const reports = seen.filter((s) => s.message.startsWith('REPORT RequestId:'));
        if (reports.length === 2) controller.abort();
      }
    })();
    await live;
    const greet = await invokeFunction(manifest, env.provider, 'greet', '{}');
    const stats = await invokeFunction(manifest, env.provider, 'stats', '{"numbers":[4]}');
    await tail;
    const report = (id: string) =>
      seen.find((s) => s.message.startsWith(`REPORT RequestId: ${id}`));
    assert.equal(report(greet.requestId)?.group, '/aws/lambda/shop-dev-greet');
    assert.equal(report(stats.requestId)?.group, '/aws/lambda/shop-dev-stats');
    assert.ok(seen.some((s) => s.message.includes('summing 1 numbers')));

    // History, one small page at a time, oldest first.
    const messages: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const page = await env.provider.filterLogs(groups[1], { limit: 2, nextToken });
      messages.push(...page.items.map((e) => e.message));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken);
    assert.ok(pages > 1, 'more than one page');
    const starts = messages.filter((m) => m.startsWith('START RequestId:'));
    assert.equal(starts.length, 2, 'both invocations of stats so far');
    assert.ok(messages.at(-1)?.startsWith(`REPORT RequestId: ${stats.requestId}`));
  });

  it('deploys nothing when nothing changed: no uploads and no write calls', async () => {
    env.calls.length = 0;
    const again = await plan();
    assert.deepEqual(
      again.functions.map((f) => f.action),
      ['unchanged', 'unchanged'],
    );
    assert.match(formatPlan(again), /Nothing to deploy: 2 functions unchanged\./);
    const result = await applyDeploy(again, env.provider);
    assert.equal(result.ok, true);
    assert.deepEqual(
      result.functions.map((f) => [f.status, f.version, f.uploadedBytes]),
      [
        ['unchanged', '1', 0],
        ['unchanged', '1', 0],
      ],
    );
    assert.ok(env.calls.length > 0, 'the plan read the deployed state');
    assert.deepEqual(writeCalls(env.calls), []);
  });

  it('publishes a new version for a code change and moves the alias to it', async () => {
    await project.apply({ ...INITIAL, marker: 'two' });
    const changed = await plan();
    const greet = fn(changed, 'greet');
    assert.equal(greet.action, 'update-code');
    assert.deepEqual(greet.configurationChanges, []);
    assert.equal(fn(changed, 'stats').action, 'unchanged');

    env.calls.length = 0;
    const result = await applyDeploy(changed, env.provider);
    assert.equal(result.ok, true);
    assert.deepEqual(writeCalls(env.calls), [
      'UpdateFunctionCode',
      'PublishVersion',
      'UpdateAlias',
    ]);
    assert.equal(result.functions[0].version, '2');
    assert.equal(result.functions[0].previousVersion, '1');
    assert.equal(await aliasVersion('shop-dev-greet'), '2');
    assert.equal(await aliasVersion('shop-dev-stats'), '1');

    const out = await invokeFunction(await project.load(), env.provider, 'greet', '{}');
    assert.equal(out.executedVersion, '2');
    assert.equal(json(out.payload).marker, 'two');
  });

  it('publishes a new version for a configuration-only change', async () => {
    await project.apply({ ...INITIAL, marker: 'two', memory: 512, greeting: 'Hi' });
    const changed = await plan();
    const greet = fn(changed, 'greet');
    assert.equal(greet.action, 'update-configuration');
    assert.equal(greet.codeChanged, false);
    assert.deepEqual(greet.configurationChanges, [
      { field: 'memory', from: 256, to: 512 },
      { field: 'environment.GREETING', from: 'Hello', to: 'Hi' },
    ]);
    assert.match(formatPlan(changed), /memory: 256 -> 512/);
    assert.match(formatPlan(changed), /environment\.GREETING: "Hello" -> "Hi"/);

    env.calls.length = 0;
    const result = await applyDeploy(changed, env.provider);
    assert.equal(result.ok, true);
    assert.deepEqual(writeCalls(env.calls), [
      'UpdateFunctionConfiguration',
      'PublishVersion',
      'UpdateAlias',
    ]);
    assert.equal(await aliasVersion('shop-dev-greet'), '3');
    const out = await invokeFunction(await project.load(), env.provider, 'greet', '{}');
    assert.equal(out.executedVersion, '3');
    assert.deepEqual(json(out.payload), { marker: 'two', greeting: 'Hi', memory: '512' });
  });

  it('reports drift made outside Flourish, field by field, before overwriting it', async () => {
    await env.lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'shop-dev-greet',
        Timeout: 30,
        Environment: { Variables: { GREETING: 'Hacked' } },
      }),
    );
    await waitUntilFunctionUpdatedV2(
      { client: env.lambda, maxWaitTime: 30 },
      { FunctionName: 'shop-dev-greet' },
    );

    const drifted = await plan();
    const greet = fn(drifted, 'greet');
    assert.deepEqual(greet.drift, {
      since: '3',
      differences: [
        { field: 'timeout', from: 10, to: 30 },
        { field: 'environment.GREETING', from: 'Hi', to: 'Hacked' },
      ],
    });
    assert.equal(greet.action, 'update-configuration');
    assert.equal(fn(drifted, 'stats').drift, undefined);
    const text = formatPlan(drifted);
    assert.match(text, /! greet +changed outside Flourish since version 3/);
    assert.match(text, /timeout: 10 -> 30/);
    assert.match(text, /1 function changed outside Flourish/);

    const result = await applyDeploy(drifted, env.provider);
    assert.equal(result.ok, true);
    const latest = await env.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'shop-dev-greet' }),
    );
    assert.equal(latest.Timeout, 10);
    assert.equal(latest.Environment?.Variables?.GREETING, 'Hi');
    // Back to exactly version 3: Lambda does not publish a duplicate, and the alias stays.
    assert.equal(result.functions[0].version, '3');
    assert.equal(await aliasVersion('shop-dev-greet'), '3');

    const settled = await plan();
    assert.equal(fn(settled, 'greet').action, 'unchanged');
    assert.equal(fn(settled, 'greet').drift, undefined);
  });

  it('writes the content hash and configuration fingerprint into each version', async () => {
    const versions = await listVersions(await project.load(), env.provider, 'greet');
    assert.deepEqual(
      versions.map((v) => v.version),
      ['3', '2', '1'],
    );
    for (const v of versions) {
      const meta = parseVersionDescription(v.description);
      assert.ok(meta, `version ${v.version} carries Flourish's metadata: ${v.description}`);
      assert.equal(v.publishedByFlourish, true);
      assert.equal(v.commit, undefined, 'the temp project is not a git repository');
    }
    assert.deepEqual(versions[0].aliases, ['dev']);
    assert.notEqual(versions[1].configFingerprint, versions[0].configFingerprint);
    assert.equal(versions[1].contentHash, versions[0].contentHash);
  });

  it('applies a tag-only change with tag calls alone, publishing nothing', async () => {
    const text = (await readFile(project.manifestFile, 'utf8')).replace(
      '    description: Greets by name.\n',
      '    description: Greets by name.\n    tags:\n      team: web\n',
    );
    await project.write('flourish.yaml', text);
    const tagged = await plan();
    const greet = fn(tagged, 'greet');
    assert.equal(greet.action, 'update-tags');
    assert.deepEqual(greet.tagChanges, [{ field: 'tags.team', from: undefined, to: 'web' }]);

    env.calls.length = 0;
    const result = await applyDeploy(tagged, env.provider);
    assert.equal(result.ok, true);
    assert.deepEqual(writeCalls(env.calls), ['TagResource']);
    assert.equal(result.functions[0].version, '3');
    assert.equal((await env.provider.getFunction('shop-dev-greet'))?.tags.team, 'web');
    assert.equal(fn(await plan(), 'greet').action, 'unchanged');
  });
});
