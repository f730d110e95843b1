// Lambda function URLs and the resource policy an auth type of NONE needs. Since October
// 2025 a public URL needs two statements: lambda:InvokeFunctionUrl, and lambda:InvokeFunction
// limited to calls through a function URL.
import {
  AddPermissionCommand,
  CreateFunctionUrlConfigCommand,
  DeleteFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  RemovePermissionCommand,
  UpdateFunctionUrlConfigCommand,
  type Cors,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { CloudError } from '../errors';
import type {
  CallOptions,
  FunctionUrlInfo,
  FunctionUrlInput,
  TargetKind,
  UrlCors,
} from '../provider';
import { unlessNotFound, type Caller } from './call';

const PUBLIC_STATEMENTS = [
  {
    id: 'flourish-url-public',
    action: 'lambda:InvokeFunctionUrl',
    extra: { FunctionUrlAuthType: 'NONE' as const },
  },
  {
    id: 'flourish-url-public-invoke',
    action: 'lambda:InvokeFunction',
    extra: { InvokedViaFunctionUrl: true },
  },
];

export class FunctionUrls {
  constructor(
    private readonly lambda: LambdaClient,
    private readonly call: Caller,
    private readonly kind: TargetKind,
  ) {}

  get(name: string, qualifier: string, options: CallOptions = {}) {
    return unlessNotFound(async () => {
      const out = await this.call('GetFunctionUrlConfig', urlOf(name, qualifier), () =>
        this.lambda.send(
          new GetFunctionUrlConfigCommand({ FunctionName: name, Qualifier: qualifier }),
          { abortSignal: options.signal },
        ),
      );
      return toUrlInfo(out, qualifier);
    });
  }

  async put(
    name: string,
    qualifier: string,
    input: FunctionUrlInput,
    options: CallOptions & { create?: boolean } = {},
  ): Promise<FunctionUrlInfo> {
    const request = {
      FunctionName: name,
      Qualifier: qualifier,
      AuthType: input.authType,
      // An empty Cors object clears what was set before; leaving it out would keep it.
      Cors: input.cors ? toCors(input.cors) : {},
      InvokeMode: input.invokeMode ?? 'BUFFERED',
    };
    if (options.create) {
      const out = await this.call('CreateFunctionUrlConfig', urlOf(name, qualifier), () =>
        this.lambda.send(new CreateFunctionUrlConfigCommand(request), {
          abortSignal: options.signal,
        }),
      );
      return toUrlInfo(out, qualifier);
    }
    const out = await this.call('UpdateFunctionUrlConfig', urlOf(name, qualifier), () =>
      this.lambda.send(new UpdateFunctionUrlConfigCommand(request), {
        abortSignal: options.signal,
      }),
    );
    return toUrlInfo(out, qualifier);
  }

  async delete(name: string, qualifier: string, options: CallOptions = {}) {
    await unlessNotFound(() =>
      this.call('DeleteFunctionUrlConfig', urlOf(name, qualifier), () =>
        this.lambda.send(
          new DeleteFunctionUrlConfigCommand({ FunctionName: name, Qualifier: qualifier }),
          { abortSignal: options.signal },
        ),
      ),
    );
  }

  async setPublic(name: string, qualifier: string, allowed: boolean, options: CallOptions = {}) {
    for (const s of PUBLIC_STATEMENTS) {
      if (allowed) {
        try {
          await this.call('AddPermission', `${urlOf(name, qualifier)} (${s.action})`, () =>
            this.lambda.send(
              new AddPermissionCommand({
                FunctionName: name,
                Qualifier: qualifier,
                StatementId: s.id,
                Action: s.action,
                Principal: '*',
                ...s.extra,
              }),
              { abortSignal: options.signal },
            ),
          );
        } catch (error) {
          if (!(error instanceof CloudError)) throw error;
          // The statement is already there (an earlier deploy): that is what is wanted.
          if (error.code === 'ResourceConflictException') continue;
          // The local cloud has no resource policies and serves a NONE URL to anyone.
          if (this.kind === 'local' && error.code === 'UnknownOperationException') return;
          throw error;
        }
      } else {
        await unlessNotFound(() =>
          this.call('RemovePermission', `${urlOf(name, qualifier)} (${s.action})`, () =>
            this.lambda.send(
              new RemovePermissionCommand({
                FunctionName: name,
                Qualifier: qualifier,
                StatementId: s.id,
              }),
              { abortSignal: options.signal },
            ),
          ),
        );
      }
    }
  }
}

function urlOf(name: string, qualifier: string): string {
  return `function URL of ${name}:${qualifier}`;
}

interface UrlConfigOutput {
  FunctionUrl?: string;
  FunctionArn?: string;
  AuthType?: string;
  Cors?: Cors;
  InvokeMode?: string;
}

function toUrlInfo(out: UrlConfigOutput, qualifier: string): FunctionUrlInfo {
  const info: FunctionUrlInfo = {
    url: out.FunctionUrl ?? '',
    functionArn: out.FunctionArn ?? '',
    qualifier,
    authType: out.AuthType === 'AWS_IAM' ? 'AWS_IAM' : 'NONE',
  };
  if (out.InvokeMode === 'RESPONSE_STREAM') info.invokeMode = 'RESPONSE_STREAM';
  const cors = fromCors(out.Cors);
  if (cors) info.cors = cors;
  return info;
}

function toCors(c: UrlCors): Cors {
  return {
    AllowOrigins: c.allowOrigins,
    AllowMethods: c.allowMethods,
    AllowHeaders: c.allowHeaders,
    ExposeHeaders: c.exposeHeaders,
    MaxAge: c.maxAge,
    AllowCredentials: c.allowCredentials,
  };
}

/** Undefined for no CORS at all (Lambda answers an empty or absent object). */
function fromCors(c: Cors | undefined): UrlCors | undefined {
  if (!c) return undefined;
  const cors: UrlCors = {
    allowOrigins: c.AllowOrigins ?? [],
    allowMethods: c.AllowMethods ?? [],
    allowHeaders: c.AllowHeaders ?? [],
    exposeHeaders: c.ExposeHeaders ?? [],
    maxAge: c.MaxAge ?? 0,
    allowCredentials: c.AllowCredentials ?? false,
  };
  const empty =
    !cors.allowOrigins.length &&
    !cors.allowMethods.length &&
    !cors.allowHeaders.length &&
    !cors.exposeHeaders.length &&
    !cors.maxAge &&
    !cors.allowCredentials;
  return empty ? undefined : cors;
}
