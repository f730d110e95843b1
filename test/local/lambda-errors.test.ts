// Every error the local cloud gives, as the unmodified SDK sees it: the same exception class,
// HTTP status and message as against Lambda, and a request id.
import {
  CodeStorageExceededException,
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  InvalidParameterValueException,
  InvalidRequestContentException,
  InvokeCommand,
  ListFunctionsCommand,
  PreconditionFailedException,
  PublishVersionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  type CreateFunctionCommandInput,
} from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import {
  expectAwsError,
  makeZip,
  nodeHandlerZip,
  ROLE,
  startFixture,
  type CloudFixture,
} from './cloud-support';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function';
const base = (name: string): CreateFunctionCommandInput => ({
  FunctionName: name,
  Runtime: 'nodejs20.x',
  Role: ROLE,
  Handler: 'index.handler',
  Code: { ZipFile: nodeHandlerZip('export const handler = async (e) => e;') },
});

describe('local cloud: Lambda errors', function () {
  this.timeout(60_000);
  let f: CloudFixture;

  before(async () => {
    f = await startFixture();
    await f.lambda.send(new CreateFunctionCommand(base('err')));
    await waitUntilFunctionActiveV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'err' },
    );
  });
  after(async () => {
    await f.close();
  });

  describe('ResourceNotFoundException (404)', () => {
    const notFound = {
      name: 'ResourceNotFoundException',
      status: 404,
      type: ResourceNotFoundException,
    };
    it('for a missing function, version and alias', async () => {
      await expectAwsError(f.lambda.send(new GetFunctionCommand({ FunctionName: 'nope' })), {
        ...notFound,
        message: `Function not found: ${ARN}:nope`,
      });
      await expectAwsError(
        f.lambda.send(new InvokeCommand({ FunctionName: 'err', Qualifier: '9' })),
        {
          ...notFound,
          message: `Function not found: ${ARN}:err:9`,
        },
      );
      await expectAwsError(
        f.lambda.send(new GetAliasCommand({ FunctionName: 'err', Name: 'ghost' })),
        {
          ...notFound,
          message: `Alias not found: ${ARN}:err:ghost`,
        },
      );
      await expectAwsError(
        f.lambda.send(
          new CreateAliasCommand({ FunctionName: 'err', Name: 'x', FunctionVersion: '7' }),
        ),
        notFound,
      );
      await expectAwsError(
        f.lambda.send(
          new GetFunctionCommand({
            FunctionName: 'arn:aws:lambda:eu-west-1:000000000000:function:err',
          }),
        ),
        notFound,
      );
    });
  });

  describe('ResourceConflictException (409)', () => {
    const conflict = {
      name: 'ResourceConflictException',
      status: 409,
      type: ResourceConflictException,
    };
    it('for a function or alias that already exists', async () => {
      await expectAwsError(f.lambda.send(new CreateFunctionCommand(base('err'))), {
        ...conflict,
        message: 'Function already exist: err',
      });
      await f.lambda.send(
        new CreateAliasCommand({ FunctionName: 'err', Name: 'dup', FunctionVersion: '$LATEST' }),
      );
      await expectAwsError(
        f.lambda.send(
          new CreateAliasCommand({ FunctionName: 'err', Name: 'dup', FunctionVersion: '$LATEST' }),
        ),
        { ...conflict, message: `Alias already exists: ${ARN}:err:dup` },
      );
    });

    it('for deleting a version an alias points at', async () => {
      const v = await f.lambda.send(new PublishVersionCommand({ FunctionName: 'err' }));
      await f.lambda.send(
        new CreateAliasCommand({
          FunctionName: 'err',
          Name: 'pinned',
          FunctionVersion: v.Version!,
        }),
      );
      await expectAwsError(
        f.lambda.send(new DeleteFunctionCommand({ FunctionName: 'err', Qualifier: v.Version! })),
        {
          ...conflict,
          message: 'Unable to delete version because the following aliases reference it: [pinned]',
        },
      );
    });
  });

  describe('InvalidParameterValueException (400)', () => {
    const invalid = {
      name: 'InvalidParameterValueException',
      status: 400,
      type: InvalidParameterValueException,
    };
    const cases: [string, Partial<CreateFunctionCommandInput>, RegExp][] = [
      [
        'memory below 128',
        { MemorySize: 64 },
        /Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128/,
      ],
      [
        'memory above 10240',
        { MemorySize: 10241 },
        /at 'memorySize' .*less than or equal to 10240/,
      ],
      ['timeout 0', { Timeout: 0 }, /at 'timeout' .*greater than or equal to 1/],
      ['timeout above 900', { Timeout: 901 }, /at 'timeout' .*less than or equal to 900/],
      [
        'ephemeral storage below 512',
        { EphemeralStorage: { Size: 100 } },
        /at 'ephemeralStorage.size'/,
      ],
      [
        'ephemeral storage above 10240',
        { EphemeralStorage: { Size: 20000 } },
        /at 'ephemeralStorage.size'/,
      ],
      [
        'an unknown runtime',
        { Runtime: 'cobol85' as never },
        /at 'runtime' failed to satisfy constraint/,
      ],
      [
        'a deprecated runtime',
        { Runtime: 'nodejs12.x' },
        /The runtime parameter of nodejs12.x is no longer supported/,
      ],
      [
        'a handler over 128 characters',
        { Handler: `index.${'h'.repeat(130)}` },
        /at 'handler' .*length less than or equal to 128/,
      ],
      ['a bad name', { FunctionName: 'has space' }, /at 'functionName'/],
      ['a name over 64 characters', { FunctionName: 'n'.repeat(65) }, /at 'functionName'/],
      ['a role that is not an IAM role ARN', { Role: 'admin' }, /Value 'admin' at 'role'/],
      ['two architectures', { Architectures: ['x86_64', 'arm64'] }, /at 'architectures'/],
      [
        'environment over 4 KB',
        { Environment: { Variables: { BIG: 'x'.repeat(4100) } } },
        /exceeded the 4KB limit/,
      ],
      [
        'a reserved environment key',
        { Environment: { Variables: { AWS_REGION: 'x' } } },
        /Reserved keys used in this request: AWS_REGION/,
      ],
      [
        'a package that is not a zip',
        { Code: { ZipFile: Buffer.from('not a zip') } },
        /Could not unzip uploaded file/,
      ],
      [
        'a zip-slip entry',
        { Code: { ZipFile: makeZip([{ name: '../escape.js', data: 'x' }]) } },
        /Could not unzip uploaded file/,
      ],
      [
        'an absolute entry',
        { Code: { ZipFile: makeZip([{ name: '/etc/evil', data: 'x' }]) } },
        /Could not unzip uploaded file/,
      ],
      [
        'a package over 250 MB unzipped',
        {
          Code: {
            ZipFile: makeZip([
              { name: 'a.bin', data: 'x', deflate: true, declaredSize: 251 * 1024 * 1024 },
            ]),
          },
        },
        /Unzipped size must be smaller than 262144000 bytes/,
      ],
      [
        'a layer (none exist locally)',
        { Layers: [`arn:aws:lambda:us-east-1:000000000000:layer:deps:1`] },
        /^Layer version arn:aws:lambda:us-east-1:000000000000:layer:deps:1 does not exist: .*Remove it/,
      ],
      [
        'a VPC subnet',
        { VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: [] } },
        /^VpcConfig names subnets .*no VPC/,
      ],
      [
        'an EFS file system',
        {
          FileSystemConfigs: [
            {
              Arn: 'arn:aws:elasticfilesystem:us-east-1:0:access-point/fsap-1',
              LocalMountPath: '/mnt/x',
            },
          ],
        },
        /^FileSystemConfigs names an EFS access point/,
      ],
      ['a KMS key', { KMSKeyArn: 'arn:aws:kms:us-east-1:0:key/k' }, /^KMSKeyArn names a KMS key/],
      [
        'a dead-letter queue',
        { DeadLetterConfig: { TargetArn: 'arn:aws:sqs:us-east-1:0:dlq' } },
        /^DeadLetterConfig names a queue or topic/,
      ],
      [
        'a code signing config',
        { CodeSigningConfigArn: 'arn:aws:lambda:us-east-1:0:code-signing-config:csc-1' },
        /^CodeSigningConfigArn names a code signing configuration/,
      ],
      [
        'another log group',
        { LoggingConfig: { LogFormat: 'JSON', LogGroup: '/mine' } },
        /^LoggingConfig asks for LogGroup \/mine: .*\/aws\/lambda\/<function name> only/,
      ],
      [
        'log levels with Text logs',
        { LoggingConfig: { LogFormat: 'Text', ApplicationLogLevel: 'WARN' } },
        /^LogLevel is not supported when LogFormat is set to "Text"\. Remove LogLevel from your request or change the LogFormat to "JSON" and try again\.$/,
      ],
      [
        'an unknown log format',
        { LoggingConfig: { LogFormat: 'Yaml' as 'JSON' } },
        /at 'loggingConfig.logFormat'/,
      ],
      [
        'an unknown system log level',
        { LoggingConfig: { LogFormat: 'JSON', SystemLogLevel: 'ERROR' as 'WARN' } },
        /at 'loggingConfig.systemLogLevel'.*\[DEBUG, INFO, WARN\]/,
      ],
      [
        'an unknown tracing mode',
        { TracingConfig: { Mode: 'Sometimes' as 'Active' } },
        /at 'tracingConfig.mode'/,
      ],
      [
        'SnapStart on a Node.js function',
        { SnapStart: { ApplyOn: 'PublishedVersions' } },
        /^nodejs20.x is not supported for SnapStart enabled functions.$/,
      ],
    ];
    for (const [what, override, message] of cases) {
      it(`for ${what}`, async () => {
        await expectAwsError(
          f.lambda.send(new CreateFunctionCommand({ ...base('bad'), ...override })),
          { ...invalid, message },
        );
      });
    }

    it('for UpdateFunctionConfiguration out of range, and nothing changes', async () => {
      await expectAwsError(
        f.lambda.send(
          new UpdateFunctionConfigurationCommand({ FunctionName: 'err', MemorySize: 20000 }),
        ),
        invalid,
      );
      const list = await f.lambda.send(new ListFunctionsCommand({}));
      assert.equal(list.Functions!.find((fn) => fn.FunctionName === 'err')!.MemorySize, 128);
    });

    it('for a setting the local cloud cannot honour on update, and nothing changes', async () => {
      await expectAwsError(
        f.lambda.send(
          new UpdateFunctionConfigurationCommand({
            FunctionName: 'err',
            Timeout: 9,
            Layers: ['arn:aws:lambda:us-east-1:000000000000:layer:deps:1'],
          }),
        ),
        { ...invalid, message: /^Layer version .* does not exist/ },
      );
      await expectAwsError(
        f.lambda.send(
          new UpdateFunctionConfigurationCommand({
            FunctionName: 'err',
            Runtime: 'nodejs22.x',
            SnapStart: { ApplyOn: 'PublishedVersions' },
          }),
        ),
        { ...invalid, message: /^nodejs22.x is not supported for SnapStart/ },
      );
      const list = await f.lambda.send(new ListFunctionsCommand({}));
      const fn = list.Functions!.find((fn) => fn.FunctionName === 'err')!;
      assert.equal(fn.Timeout, 3);
      assert.equal(fn.Runtime, 'nodejs20.x');
      assert.equal(fn.SnapStart?.ApplyOn, 'None');
    });

    it('for a CodeSha256 that is not the current one', async () => {
      await expectAwsError(
        f.lambda.send(new PublishVersionCommand({ FunctionName: 'err', CodeSha256: 'AAAA' })),
        {
          ...invalid,
          message: /^CodeSHA256 \(AAAA\) is different from current CodeSHA256 in \$LATEST/,
        },
      );
    });

    it('for deleting $LATEST by qualifier, a bad page size, a mismatched qualifier', async () => {
      await expectAwsError(
        f.lambda.send(new DeleteFunctionCommand({ FunctionName: 'err', Qualifier: '$LATEST' })),
        {
          ...invalid,
          message: '$LATEST version cannot be deleted without deleting the function.',
        },
      );
      await expectAwsError(f.lambda.send(new ListFunctionsCommand({ MaxItems: 0 })), invalid);
      await expectAwsError(
        f.lambda.send(new InvokeCommand({ FunctionName: 'err:1', Qualifier: '2' })),
        {
          ...invalid,
          message:
            'The derived qualifier from the function name does not match the specified qualifier.',
        },
      );
    });
  });

  it('InvalidRequestContentException (400) for an invoke payload that is not JSON', async () => {
    await expectAwsError(
      f.lambda.send(new InvokeCommand({ FunctionName: 'err', Payload: Buffer.from('{oops') })),
      {
        name: 'InvalidRequestContentException',
        status: 400,
        type: InvalidRequestContentException,
        message: /^Could not parse request body into json/,
      },
    );
  });

  it('InvalidRequestContentException (400) for a client context that is not Base64 JSON', async () => {
    await expectAwsError(
      f.lambda.send(
        new InvokeCommand({
          FunctionName: 'err',
          ClientContext: Buffer.from('not json').toString('base64'),
        }),
      ),
      {
        name: 'InvalidRequestContentException',
        status: 400,
        message: /^Client context must be a valid Base64-encoded JSON object/,
      },
    );
    const ok = await f.lambda.send(
      new InvokeCommand({
        FunctionName: 'err',
        ClientContext: Buffer.from('{"custom":{"a":1}}').toString('base64'),
      }),
    );
    assert.equal(ok.StatusCode, 200);
  });

  describe('PreconditionFailedException (412)', () => {
    const failed = {
      name: 'PreconditionFailedException',
      status: 412,
      type: PreconditionFailedException,
    };
    const message = /^The Revision Id provided does not match the latest Revision Id/;
    it('for a stale RevisionId on update, publish and alias update', async () => {
      await expectAwsError(
        f.lambda.send(
          new UpdateFunctionConfigurationCommand({
            FunctionName: 'err',
            Timeout: 5,
            RevisionId: 'stale',
          }),
        ),
        { ...failed, message },
      );
      await expectAwsError(
        f.lambda.send(new PublishVersionCommand({ FunctionName: 'err', RevisionId: 'stale' })),
        { ...failed, message },
      );
      await expectAwsError(
        f.lambda.send(
          new UpdateAliasCommand({
            FunctionName: 'err',
            Name: 'dup',
            Description: 'x',
            RevisionId: 'stale',
          }),
        ),
        { ...failed, message },
      );
    });
  });

  describe('RequestEntityTooLargeException (413)', () => {
    const tooLarge = { name: 'RequestEntityTooLargeException', status: 413 };
    it('for a synchronous payload over 6 MB and an asynchronous one over 1 MB', async () => {
      const big = Buffer.from(JSON.stringify('x'.repeat(6 * 1024 * 1024)));
      await expectAwsError(
        f.lambda.send(new InvokeCommand({ FunctionName: 'err', Payload: big })),
        {
          ...tooLarge,
          message: 'Request must be smaller than 6291456 bytes for the InvokeFunction operation',
        },
      );
      const medium = Buffer.from(JSON.stringify('x'.repeat(1024 * 1024)));
      await expectAwsError(
        f.lambda.send(
          new InvokeCommand({ FunctionName: 'err', InvocationType: 'Event', Payload: medium }),
        ),
        {
          ...tooLarge,
          message:
            /^\d+ byte payload is too large for the Event invocation type \(limit 1048576 bytes\)$/,
        },
      );
    });

    it('for a package over 50 MB zipped', async () => {
      const zip = makeZip([{ name: 'big.bin', data: Buffer.alloc(51 * 1024 * 1024, 1) }]);
      await expectAwsError(
        f.lambda.send(new CreateFunctionCommand({ ...base('huge'), Code: { ZipFile: zip } })),
        {
          ...tooLarge,
          message: /^Request must be smaller than \d+ bytes for the CreateFunction operation$/,
        },
      );
      await expectAwsError(
        f.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'err', ZipFile: zip })),
        tooLarge,
      );
    });
  });
});

describe('local cloud: changes in progress', function () {
  this.timeout(60_000);
  let f: CloudFixture;

  before(async () => {
    // Changes stay in progress for a minute, so a second change reliably meets the first.
    f = await startFixture({ minTransitionMs: 60_000 });
  });
  after(async () => {
    await f.close();
  });

  it('refuses to invoke a Pending function and to change one mid-update, as Lambda does', async () => {
    const created = await f.lambda.send(new CreateFunctionCommand(base('slow')));
    assert.equal(created.State, 'Pending');
    const conflict = {
      name: 'ResourceConflictException',
      status: 409,
      type: ResourceConflictException,
    };
    await expectAwsError(f.lambda.send(new InvokeCommand({ FunctionName: 'slow' })), {
      ...conflict,
      message:
        'The operation cannot be performed at this time. The function is currently in the following state: Pending',
    });
    await expectAwsError(
      f.lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'slow', Timeout: 9 })),
      {
        ...conflict,
        message: `The operation cannot be performed at this time. An update is in progress for resource: ${ARN}:slow`,
      },
    );
    await expectAwsError(
      f.lambda.send(
        new UpdateFunctionCodeCommand({
          FunctionName: 'slow',
          ZipFile: nodeHandlerZip('export const handler = () => 1;'),
        }),
      ),
      conflict,
    );
    await expectAwsError(
      f.lambda.send(new PublishVersionCommand({ FunctionName: 'slow' })),
      conflict,
    );
    const config = await f.lambda.send(new GetFunctionCommand({ FunctionName: 'slow' }));
    assert.equal(config.Configuration!.State, 'Pending');
    assert.equal(config.Configuration!.Timeout, 3);
  });
});

describe('local cloud: code storage limit', function () {
  this.timeout(60_000);
  let f: CloudFixture;
  const padded = (text: string): Uint8Array =>
    makeZip([
      { name: 'index.mjs', data: `export const handler = async () => 1; // ${text.repeat(600)}` },
    ]);

  before(async () => {
    f = await startFixture({ codeStorageLimitBytes: 1500 });
  });
  after(async () => {
    await f.close();
  });

  it('refuses a package past the limit with CodeStorageExceededException, and frees space on delete', async () => {
    await f.lambda.send(
      new CreateFunctionCommand({ ...base('first'), Code: { ZipFile: padded('a') } }),
    );
    await waitUntilFunctionActiveV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: 'first' },
    );
    await expectAwsError(
      f.lambda.send(
        new CreateFunctionCommand({ ...base('second'), Code: { ZipFile: padded('b') } }),
      ),
      {
        name: 'CodeStorageExceededException',
        status: 400,
        type: CodeStorageExceededException,
        message: /^Code storage limit exceeded/,
      },
    );
    await f.lambda.send(new DeleteFunctionCommand({ FunctionName: 'first' }));
    const created = await f.lambda.send(
      new CreateFunctionCommand({ ...base('second'), Code: { ZipFile: padded('b') } }),
    );
    assert.equal(created.FunctionName, 'second');
  });
});
