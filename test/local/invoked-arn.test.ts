// The ARN a function sees in its context is the one its caller named, as on Lambda: bare when
// unqualified, with the version or the alias otherwise, whichever way the call came.
import assert from 'node:assert/strict';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  CreateFunctionUrlConfigCommand,
  InvokeCommand,
  PublishVersionCommand,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { nodeHandlerZip, ROLE, startFixture, type CloudFixture } from './cloud-support';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:whoami';

describe('local cloud: the invoked function ARN', function () {
  this.timeout(60_000);
  let f: CloudFixture;

  before(async () => {
    f = await startFixture();
    await f.lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'whoami',
        Runtime: 'nodejs20.x',
        Role: ROLE,
        Handler: 'index.handler',
        Code: {
          ZipFile: nodeHandlerZip(`
export const handler = async (event, context) => {
  console.log('invoked as', context.invokedFunctionArn);
  return context.invokedFunctionArn;
};`),
        },
      }),
    );
    await waitUntilFunctionActiveV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'whoami' },
    );
    await f.lambda.send(new PublishVersionCommand({ FunctionName: 'whoami' }));
    await f.lambda.send(
      new CreateAliasCommand({ FunctionName: 'whoami', Name: 'prod', FunctionVersion: '1' }),
    );
  });
  after(async () => {
    await f.close();
  });

  const invokedAs = async (FunctionName: string, Qualifier?: string): Promise<string> => {
    const out = await f.lambda.send(new InvokeCommand({ FunctionName, Qualifier }));
    return JSON.parse(Buffer.from(out.Payload!).toString()) as string;
  };

  it('is the ARN the synchronous caller named', async () => {
    assert.equal(await invokedAs('whoami'), ARN);
    assert.equal(await invokedAs('whoami', '$LATEST'), `${ARN}:$LATEST`);
    assert.equal(await invokedAs('whoami', '1'), `${ARN}:1`);
    assert.equal(await invokedAs('whoami', 'prod'), `${ARN}:prod`);
    assert.equal(await invokedAs(`${ARN}:prod`), `${ARN}:prod`);
  });

  it('names the alias for an Event invocation through it', async () => {
    await f.lambda.send(
      new InvokeCommand({ FunctionName: 'whoami', Qualifier: 'prod', InvocationType: 'Event' }),
    );
    await f.cloud.drainAsync();
    const found = await f.logs.send(
      new FilterLogEventsCommand({
        logGroupName: '/aws/lambda/whoami',
        filterPattern: '"invoked as"',
      }),
    );
    assert.ok(
      found.events!.some((e) => e.message!.trimEnd().endsWith(`invoked as ${ARN}:prod`)),
      found.events!.map((e) => e.message).join('\n'),
    );
  });

  it('names the alias for a call through its function URL', async () => {
    const url = await f.lambda.send(
      new CreateFunctionUrlConfigCommand({
        FunctionName: 'whoami',
        Qualifier: 'prod',
        AuthType: 'NONE',
      }),
    );
    const res = await fetch(url.FunctionUrl!);
    assert.equal(res.status, 200);
    // A string result is the JSON body, quotes and all, as Lambda's URL docs show.
    assert.equal(await res.json(), `${ARN}:prod`);
  });
});
