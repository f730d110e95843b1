// Updates as Lambda runs them: while an update of $LATEST is in progress, and after one fails,
// invocations keep running the last good code; a failed update says why.
import assert from 'node:assert/strict';
import {
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  UpdateFunctionCodeCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
} from '@aws-sdk/client-lambda';
import { makeZip, nodeHandlerZip, ROLE, startFixture, type CloudFixture } from './cloud-support';

const returning = (value: string): Uint8Array =>
  nodeHandlerZip(`export const handler = async () => ${JSON.stringify(value)};`);

describe('local cloud: updates in progress and failed updates', function () {
  this.timeout(60_000);
  let f: CloudFixture;

  before(async () => {
    f = await startFixture();
    await f.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'steady',
        Runtime: 'nodejs20.x',
        Role: ROLE,
        Handler: 'index.handler',
        Code: { ZipFile: returning('old') },
      }),
    );
    await waitUntilFunctionActiveV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'steady' },
    );
  });
  after(async () => {
    await f.close();
  });

  const invokeText = async (): Promise<string> =>
    Buffer.from(
      (await f.lambda.send(new InvokeCommand({ FunctionName: 'steady' }))).Payload!,
    ).toString();

  it('keeps running the previous code while an update is in progress', async () => {
    // Updates now stay in progress for a minute.
    await f.restart({ minTransitionMs: 60_000 });
    const updating = await f.lambda.send(
      new UpdateFunctionCodeCommand({ FunctionName: 'steady', ZipFile: returning('new') }),
    );
    assert.equal(updating.LastUpdateStatus, 'InProgress');
    assert.equal(await invokeText(), '"old"');
    // A restart finishes the update; then the new code runs.
    await f.restart({ minTransitionMs: 0 });
    await waitUntilFunctionUpdatedV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'steady' },
    );
    assert.equal(await invokeText(), '"new"');
  });

  it('reports a failed update and keeps serving the last good code', async () => {
    const bad = makeZip([
      { name: 'index.mjs', data: 'export const handler = async () => "broken";' },
      { name: 'escape', data: '../../../../etc/passwd', mode: 0o120777 },
    ]);
    await f.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'steady', ZipFile: bad }));
    const waited = await waitUntilFunctionUpdatedV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'steady' },
    ).catch((error: Error) => error);
    assert.ok(waited instanceof Error, 'the waiter fails on a Failed update');
    const config = await f.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'steady' }),
    );
    assert.equal(config.LastUpdateStatus, 'Failed');
    assert.equal(config.LastUpdateStatusReasonCode, 'InvalidZipFileException');
    assert.match(config.LastUpdateStatusReason!, /links outside the package/);
    assert.equal(await invokeText(), '"new"');

    await f.lambda.send(
      new UpdateFunctionCodeCommand({ FunctionName: 'steady', ZipFile: returning('fixed') }),
    );
    await waitUntilFunctionUpdatedV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'steady' },
    );
    assert.equal(await invokeText(), '"fixed"');
  });
});
