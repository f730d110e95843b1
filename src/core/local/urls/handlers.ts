// CreateFunctionUrlConfig, GetFunctionUrlConfig, UpdateFunctionUrlConfig,
// DeleteFunctionUrlConfig and ListFunctionUrlConfigs (Lambda API 2021-10-31).
import { randomBytes } from 'node:crypto';
import { conflict, invalidParameter, notFound } from '../http/errors';
import {
  jsonBody,
  queryString,
  type LambdaHandler,
  type LambdaRequest,
  type LambdaServices,
} from '../lambda/context';
import { functionArn, type FunctionRecord } from '../lambda/model';
import { paginate } from '../lambda/paging';
import { findFunction, parseFunctionName } from '../lambda/resolve';
import { checkAuthType, checkCors, checkInvokeMode } from './validation';
import { renderUrlConfig, type FunctionUrlRecord } from './model';

const QUALIFIER = /^(\$LATEST|(?!^[0-9]+$)[a-zA-Z0-9-_]+)$/;

interface Target {
  fn: FunctionRecord;
  qualifier: string;
  arn: string;
}

/** The function and the qualifier a URL belongs to: an alias or $LATEST, never a version. */
function targetOf(services: LambdaServices, request: LambdaRequest): Target {
  const { name, qualifier } = parseFunctionName(
    services.identity,
    request.params.FunctionName!,
    queryString(request, 'Qualifier'),
  );
  if (qualifier !== undefined && (!QUALIFIER.test(qualifier) || qualifier.length > 128)) {
    throw invalidParameter(
      `1 validation error detected: Value '${qualifier}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: ((?!^\\d+$)^[0-9a-zA-Z-_]+$)|(^\\$LATEST$); a function URL belongs to an alias or to $LATEST, not to a version.`,
    );
  }
  const fn = findFunction(services.store.state, services.identity, name);
  const key = qualifier ?? '$LATEST';
  if (key !== '$LATEST' && !fn.aliases[key]) {
    throw notFound(`Function not found: ${functionArn(services.identity, fn.name, key)}`);
  }
  return { fn, qualifier: key, arn: functionArn(services.identity, fn.name, qualifier) };
}

function existing(target: Target): FunctionUrlRecord {
  const url = target.fn.urls?.[target.qualifier];
  if (!url) throw notFound('The resource you requested does not exist.');
  return url;
}

function newUrlId(services: LambdaServices): string {
  const taken = new Set(
    Object.values(services.store.state.functions).flatMap((fn) =>
      Object.values(fn.urls ?? {}).map((url) => url.urlId),
    ),
  );
  for (;;) {
    // Base 36 of 20 random bytes, cut to Lambda's 32 characters.
    const id = BigInt(`0x${randomBytes(20).toString('hex')}`)
      .toString(36)
      .padStart(32, '0')
      .slice(-32);
    if (!taken.has(id)) return id;
  }
}

export const createFunctionUrlConfig: LambdaHandler = async (services, request) => {
  const input = jsonBody(request);
  const target = targetOf(services, request);
  const authType = checkAuthType(input.AuthType);
  const cors = input.Cors === undefined ? undefined : checkCors(input.Cors);
  const invokeMode =
    input.InvokeMode === undefined ? 'BUFFERED' : checkInvokeMode(input.InvokeMode);
  if (target.fn.urls?.[target.qualifier]) {
    throw conflict(
      `Failed to create function url config for [functionArn = ${target.arn}]. Error message:  FunctionUrlConfig exists for this Lambda function`,
    );
  }
  const now = services.clock();
  const url: FunctionUrlRecord = {
    urlId: newUrlId(services),
    qualifier: target.qualifier,
    authType,
    invokeMode,
    creationTime: now,
    lastModifiedTime: now,
  };
  if (cors) url.cors = cors;
  (target.fn.urls ??= {})[target.qualifier] = url;
  await services.store.save();
  const { LastModifiedTime: _omitted, ...created } = renderUrlConfig(
    services.identity,
    services.endpoint(),
    target.fn,
    url,
  );
  return { status: 201, json: created };
};

export const getFunctionUrlConfig: LambdaHandler = async (services, request) => {
  const target = targetOf(services, request);
  return {
    status: 200,
    json: renderUrlConfig(services.identity, services.endpoint(), target.fn, existing(target)),
  };
};

export const updateFunctionUrlConfig: LambdaHandler = async (services, request) => {
  const input = jsonBody(request);
  const target = targetOf(services, request);
  const url = existing(target);
  if (input.AuthType !== undefined) url.authType = checkAuthType(input.AuthType);
  if (input.InvokeMode !== undefined) url.invokeMode = checkInvokeMode(input.InvokeMode);
  if (input.Cors !== undefined) {
    const cors = checkCors(input.Cors);
    if (Object.keys(cors).length === 0) delete url.cors;
    else url.cors = cors;
  }
  url.lastModifiedTime = services.clock();
  await services.store.save();
  return {
    status: 200,
    json: renderUrlConfig(services.identity, services.endpoint(), target.fn, url),
  };
};

export const deleteFunctionUrlConfig: LambdaHandler = async (services, request) => {
  const target = targetOf(services, request);
  existing(target);
  delete target.fn.urls![target.qualifier];
  if (Object.keys(target.fn.urls!).length === 0) delete target.fn.urls;
  await services.store.save();
  return { status: 204 };
};

export const listFunctionUrlConfigs: LambdaHandler = async (services, request) => {
  const { name, qualifier } = parseFunctionName(services.identity, request.params.FunctionName!);
  if (qualifier !== undefined) {
    throw invalidParameter(
      `ListFunctionUrlConfigs takes an unqualified function name; remove ':${qualifier}'.`,
    );
  }
  const fn = findFunction(services.store.state, services.identity, name);
  const configs = Object.values(fn.urls ?? {})
    .sort((a, b) => a.creationTime - b.creationTime || a.qualifier.localeCompare(b.qualifier))
    .map((url) => renderUrlConfig(services.identity, services.endpoint(), fn, url));
  const page = paginate(configs, request, 50, 50);
  return { status: 200, json: { FunctionUrlConfigs: page.items, NextMarker: page.nextMarker } };
};
