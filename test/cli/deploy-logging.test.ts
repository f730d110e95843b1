// `logFormat` and the log levels in the manifest, deployed to the local cloud through the real
// SDK: the function logs as JSON, its whole request log is read from the JSON records, a change
// of format is a configuration change, and a rollback brings the earlier format back.
import * as assert from 'node:assert/strict';
import {
  GetFunctionConfigurationCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import {
  applyDeploy,
  formatPlan,
  invokeFunction,
  planDeploy,
  rollback,
  type DeployPlan,
} from '../../src/core/deploy';
import {
  INITIAL,
  manifestText,
  startTestCloud,
  TestProject,
  type TestCloud,
} from '../unit/deploy/localProject';

const withLogging = (lines: string): string =>
  manifestText(INITIAL).replace(
    '    handler: src/greet.handler\n',
    `    handler: src/greet.handler\n${lines}`,
  );

describe('deploy: JSON logs from the manifest', function () {
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
  const greet = (p: DeployPlan) => p.functions.find((f) => f.key === 'greet')!;
  const deploy = async (): Promise<DeployPlan> => {
    const p = await plan();
    const result = await applyDeploy(p, env.provider);
    assert.equal(result.ok, true, result.functions.map((f) => f.error?.message).join('\n'));
    return p;
  };
  const loggingAtAlias = async () =>
    (
      await env.lambda.send(
        new GetFunctionConfigurationCommand({ FunctionName: 'shop-dev-greet', Qualifier: 'dev' }),
      )
    ).LoggingConfig;

  it('deploys JSON logging with its levels, INFO where the manifest says none', async () => {
    await project.write(
      'flourish.yaml',
      withLogging('    logFormat: JSON\n    systemLogLevel: INFO\n'),
    );
    await deploy();
    assert.deepEqual(await loggingAtAlias(), {
      LogFormat: 'JSON',
      ApplicationLogLevel: 'INFO',
      SystemLogLevel: 'INFO',
      LogGroup: '/aws/lambda/shop-dev-greet',
    });
    const again = await plan();
    assert.equal(greet(again).action, 'unchanged', 'the defaults Lambda reports are no change');
  });

  it("reads a request's whole JSON log past the 4 KB tail, and its report", async () => {
    const result = await invokeFunction(
      await project.load(),
      env.provider,
      'greet',
      '{"lines":120}',
    );
    assert.ok(result.logComplete, 'found from platform.start to platform.report');
    const lines = result.log.trimEnd().split('\n');
    assert.match(lines[0], /^\{"time":"[^"]+","type":"platform\.start"/);
    assert.match(lines.at(-1)!, /"type":"platform\.report"/);
    assert.equal(lines.filter((l) => l.includes('"level":"INFO"')).length, 120);
  });

  it('shows a change of format as a configuration change, and rollback restores it', async () => {
    await project.write(
      'flourish.yaml',
      withLogging('    applicationLogLevel: WARN\n    logFormat: JSON\n'),
    );
    const warn = await plan();
    assert.deepEqual(greet(warn).configurationChanges, [
      { field: 'applicationLogLevel', from: 'INFO', to: 'WARN' },
    ]);
    await applyDeploy(warn, env.provider);

    await project.write('flourish.yaml', withLogging('    logFormat: Text\n'));
    const text = await plan();
    assert.equal(greet(text).action, 'update-configuration');
    assert.deepEqual(greet(text).configurationChanges, [
      { field: 'logFormat', from: 'JSON', to: 'Text' },
      { field: 'applicationLogLevel', from: 'WARN', to: undefined },
      { field: 'systemLogLevel', from: 'INFO', to: undefined },
    ]);
    assert.match(formatPlan(text), /logFormat: "?JSON"? -> "?Text"?/);
    await applyDeploy(text, env.provider);
    assert.deepEqual(await loggingAtAlias(), {
      LogFormat: 'Text',
      LogGroup: '/aws/lambda/shop-dev-greet',
    });

    await rollback(await project.load(), env.provider, 'greet');
    const restored = await loggingAtAlias();
    assert.equal(restored?.LogFormat, 'JSON');
    assert.equal(restored?.ApplicationLogLevel, 'WARN', 'the version before, with its levels');
  });

  it('leaves the logging a function has when the manifest says nothing of it', async () => {
    // Set outside Flourish, as on a function deployed before the manifest named its logging.
    await env.lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'shop-dev-stats',
        LoggingConfig: { LogFormat: 'JSON', SystemLogLevel: 'WARN' },
      }),
    );
    await waitUntilFunctionUpdatedV2(
      { client: env.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'shop-dev-stats' },
    );
    await project.write('flourish.yaml', withLogging('    logFormat: Text\n'));
    const stats = (await plan()).functions.find((f) => f.key === 'stats')!;
    assert.equal(stats.action, 'publish', 'the change outside is published, not undone');
    assert.deepEqual(stats.configurationChanges, []);
  });
});
