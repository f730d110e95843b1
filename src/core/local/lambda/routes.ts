// The Lambda REST API 2015-03-31 routes the local cloud serves, as the SDK's models declare them.
import { Router } from '../http/router';
import * as aliases from './aliases';
import { MAX_CODE_REQUEST_BYTES } from './code-upload';
import type { LambdaHandler } from './context';
import * as functions from './functions';
import { invoke, invokeWithResponseStream } from './invoke';
import * as tags from './tags';
import * as urls from '../urls/handlers';
import * as permissions from '../urls/permissions';
import * as versions from './versions';

const FN = '/2015-03-31/functions/{FunctionName}';
const URL_FN = '/2021-10-31/functions/{FunctionName}';

export function lambdaRouter(): Router<LambdaHandler> {
  return new Router<LambdaHandler>()
    .add('POST', '/2015-03-31/functions', functions.createFunction)
    .add('GET', '/2015-03-31/functions', functions.listFunctions)
    .add('GET', FN, functions.getFunction)
    .add('DELETE', FN, functions.deleteFunction)
    .add('GET', `${FN}/configuration`, functions.getFunctionConfiguration)
    .add('PUT', `${FN}/configuration`, functions.updateFunctionConfiguration)
    .add('PUT', `${FN}/code`, functions.updateFunctionCode)
    .add('POST', `${FN}/invocations`, invoke)
    .add(
      'POST',
      '/2021-11-15/functions/{FunctionName}/response-streaming-invocations',
      invokeWithResponseStream,
    )
    .add('POST', `${FN}/versions`, versions.publishVersionHandler)
    .add('GET', `${FN}/versions`, versions.listVersionsByFunction)
    .add('POST', `${FN}/aliases`, aliases.createAlias)
    .add('GET', `${FN}/aliases`, aliases.listAliases)
    .add('GET', `${FN}/aliases/{Name}`, aliases.getAlias)
    .add('PUT', `${FN}/aliases/{Name}`, aliases.updateAlias)
    .add('DELETE', `${FN}/aliases/{Name}`, aliases.deleteAlias)
    .add('POST', '/2017-03-31/tags/{Resource}', tags.tagResource)
    .add('GET', '/2017-03-31/tags/{Resource}', tags.listTags)
    .add('DELETE', '/2017-03-31/tags/{Resource}', tags.untagResource)
    .add('POST', `${URL_FN}/url`, urls.createFunctionUrlConfig)
    .add('GET', `${URL_FN}/url`, urls.getFunctionUrlConfig)
    .add('PUT', `${URL_FN}/url`, urls.updateFunctionUrlConfig)
    .add('DELETE', `${URL_FN}/url`, urls.deleteFunctionUrlConfig)
    .add('GET', `${URL_FN}/urls`, urls.listFunctionUrlConfigs)
    .add('POST', `${FN}/policy`, permissions.addPermission)
    .add('GET', `${FN}/policy`, permissions.getPolicy)
    .add('DELETE', `${FN}/policy/{StatementId}`, permissions.removePermission);
}

/** Bytes of body kept in memory per route; more is refused by the handler with a 413. */
export function bodyAllowance(method: string, rawPath: string): number {
  if (/\/(response-streaming-)?invocations\/?$/.test(rawPath)) return 6 * 1024 * 1024 + 1;
  if (method === 'POST' && /^\/2015-03-31\/functions\/?$/.test(rawPath))
    return MAX_CODE_REQUEST_BYTES + 1;
  if (method === 'PUT' && /\/code\/?$/.test(rawPath)) return MAX_CODE_REQUEST_BYTES + 1;
  return 1024 * 1024;
}
