// Rollback and version history against a local cloud: moving the alias back restores the old
// code and the old configuration together, and versions show where each one came from.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  UpdateAliasCommand,
} from '@aws-sdk/client-lambda';
import {
  applyDeploy,
  DeployError,
  invokeFunction,
  listVersions,
  planDeploy,
  rollback,
} from '../../src/core/deploy';
import { loadManifest } from '../../src/core/manifest';
import {
  INITIAL,
  json,
  startTestCloud,
  TestProject,
  writeCalls,
  type ProjectSettings,
  type TestCloud,
} from '../unit/deploy/localProject';

const run = promisify(execFile);

describe('rollback and versions on the local cloud', function () {
  this.timeout(60_000);
  let env: TestCloud;
  let project: TestProject;
  let commits: string[];

  const SECOND: ProjectSettings = { marker: 'two', greeting: 'Hi', memory: 512, timeout: 20 };

  async function git(...args: string[]): Promise<string> {
    const out = await run(
      'git',
      ['-c', 'user.name=Flourish Test', '-c', 'user.email=test@example.com', ...args],
      { cwd: project.root },
    );
    return out.stdout.trim();
  }

  async function deployCommitted(settings: ProjectSettings): Promise<void> {
    await project.apply(settings);
    await git('add', 'flourish.yaml', 'src', 'analytics');
    await git('commit', '-q', '-m', `deploy ${settings.marker}`);
    commits.push(await git('rev-parse', 'HEAD'));
    const plan = await planDeploy(await project.load(), env.provider, {
      cacheDir: project.cacheDir,
    });
    const result = await applyDeploy(plan, env.provider);
    assert.equal(result.ok, true, result.functions.map((f) => f.error?.message).join('\n'));
  }

  before(async () => {
    env = await startTestCloud();
    project = await TestProject.create();
    commits = [];
    // No .gitignore: the untracked package cache must not make a deploy dirty.
    await git('init', '-q');
    await deployCommitted(INITIAL);
    await deployCommitted(SECOND);
  });
  after(async () => {
    await env?.stop();
    await project?.remove();
  });

  const servedConfig = () =>
    env.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'shop-dev-greet', Qualifier: 'dev' }),
    );
  const invokeGreet = async () =>
    invokeFunction(await project.load(), env.provider, 'greet', '{"name":"Lin"}');

  it('lists versions newest first with time, content hash, commit and aliases', async () => {
    const versions = await listVersions(await project.load(), env.provider, 'greet');
    assert.deepEqual(
      versions.map((v) => [v.version, v.commit, v.dirty, v.aliases]),
      [
        ['2', commits[1], false, ['dev']],
        ['1', commits[0], false, []],
      ],
    );
    for (const v of versions) {
      assert.match(v.contentHash ?? '', /^[0-9a-f]{64}$/);
      assert.ok(v.codeSha256);
      assert.ok(!Number.isNaN(Date.parse(v.deployedAt)), v.deployedAt);
    }
    assert.notEqual(versions[0].contentHash, versions[1].contentHash);
  });

  it('rolls back to the previous version: old code and old configuration', async () => {
    const before = await invokeGreet();
    assert.deepEqual(json(before.payload), {
      marker: 'two',
      greeting: 'Hi',
      memory: '512',
      name: 'Lin',
    });

    env.calls.length = 0;
    const moved = await rollback(await project.load(), env.provider, 'greet');
    assert.deepEqual(moved, { functionName: 'shop-dev-greet', alias: 'dev', from: '2', to: '1' });
    assert.deepEqual(writeCalls(env.calls), ['UpdateAlias']);

    const after = await invokeGreet();
    assert.equal(after.executedVersion, '1');
    assert.deepEqual(json(after.payload), {
      marker: 'one',
      greeting: 'Hello',
      memory: '256',
      name: 'Lin',
    });
    const config = await servedConfig();
    assert.equal(config.Version, '1');
    assert.equal(config.MemorySize, 256);
    assert.equal(config.Timeout, 10);
    assert.deepEqual(config.Environment?.Variables, { GREETING: 'Hello' });
  });

  it('refuses to roll back past the oldest version, saying why', async () => {
    await assert.rejects(
      rollback(await project.load(), env.provider, 'greet'),
      (error: unknown) =>
        error instanceof DeployError &&
        error.code === 'no-previous-version' &&
        /Version 1 is the oldest published version of shop-dev-greet/.test(error.message),
    );
  });

  it('refuses an unknown version and a function that is not in the manifest', async () => {
    const manifest = await project.load();
    await assert.rejects(
      rollback(manifest, env.provider, 'greet', { to: '9' }),
      (error: unknown) =>
        error instanceof DeployError &&
        error.code === 'unknown-version' &&
        /versions: 1, 2/.test(error.message),
    );
    await assert.rejects(
      rollback(manifest, env.provider, 'gret'),
      (error: unknown) =>
        error instanceof DeployError &&
        error.code === 'unknown-function' &&
        /functions: greet, stats/.test(error.message),
    );
  });

  it('a deploy after a rollback moves the alias back without uploading', async () => {
    const plan = await planDeploy(await project.load(), env.provider, {
      cacheDir: project.cacheDir,
    });
    const greet = plan.functions.find((f) => f.key === 'greet')!;
    assert.equal(greet.action, 'move-alias');
    assert.equal(greet.aliasTarget, '2');
    assert.equal(greet.drift, undefined, 'a rollback is not drift');

    env.calls.length = 0;
    const result = await applyDeploy(plan, env.provider);
    assert.equal(result.ok, true);
    assert.deepEqual(writeCalls(env.calls), ['UpdateAlias']);
    assert.equal((await servedConfig()).Version, '2');
  });

  it('rolls forward with --to, and refuses the version already served', async () => {
    const manifest = await project.load();
    assert.deepEqual(await rollback(manifest, env.provider, 'greet', { to: '1' }), {
      functionName: 'shop-dev-greet',
      alias: 'dev',
      from: '2',
      to: '1',
    });
    await assert.rejects(
      rollback(manifest, env.provider, 'greet', { to: '1' }),
      (error: unknown) => error instanceof DeployError && error.code === 'already-on-version',
    );
    await rollback(manifest, env.provider, 'greet', { to: '2' });
    assert.equal(json((await invokeGreet()).payload).marker, 'two');
  });

  it('takes the whole alias: a canary weight set up elsewhere is cleared', async () => {
    await env.lambda.send(
      new UpdateAliasCommand({
        FunctionName: 'shop-dev-greet',
        Name: 'dev',
        RoutingConfig: { AdditionalVersionWeights: { '1': 0.5 } },
      }),
    );
    const manifest = await project.load();
    await rollback(manifest, env.provider, 'greet', { to: '1' });
    const alias = await env.lambda.send(
      new GetAliasCommand({ FunctionName: 'shop-dev-greet', Name: 'dev' }),
    );
    assert.equal(alias.FunctionVersion, '1');
    assert.equal(alias.RoutingConfig, undefined);
    await rollback(manifest, env.provider, 'greet', { to: '2' });
    for (let i = 0; i < 10; i++) assert.equal((await invokeGreet()).executedVersion, '2');
  });

  it('marks a version deployed from uncommitted changes as dirty', async () => {
    await project.apply({ ...SECOND, marker: 'three' });
    const plan = await planDeploy(await project.load(), env.provider, {
      cacheDir: project.cacheDir,
    });
    assert.equal((await applyDeploy(plan, env.provider)).ok, true);
    const [newest] = await listVersions(await project.load(), env.provider, 'greet');
    assert.equal(newest.version, '3');
    assert.equal(newest.commit, commits[1]);
    assert.equal(newest.dirty, true);
  });

  it('refuses to roll back a stage that was never deployed', async () => {
    const prod = await loadManifest(project.manifestFile, { stage: 'prod' });
    assert.equal(prod.functions[0].name, 'shop-prod-greet');
    await assert.rejects(
      rollback(prod, env.provider, 'greet'),
      (error: unknown) => error instanceof DeployError && error.code === 'not-deployed',
    );
  });
});
