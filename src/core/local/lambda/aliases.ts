// CreateAlias, GetAlias, UpdateAlias, DeleteAlias and ListAliases.
import { randomUUID } from 'node:crypto';
import { conflict, invalidParameter, notFound, preconditionFailed } from '../http/errors';
import {
  jsonBody,
  queryString,
  type LambdaHandler,
  type LambdaRequest,
  type LambdaServices,
} from './context';
import { paginate } from './paging';
import { functionArn, renderAlias, type AliasRecord, type FunctionRecord } from './model';
import { findFunction, parseFunctionName } from './resolve';

const ALIAS_NAME = /^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$/;

function functionOf(services: LambdaServices, request: LambdaRequest): FunctionRecord {
  const { name, qualifier } = parseFunctionName(services.identity, request.params.FunctionName!);
  if (qualifier !== undefined) {
    throw invalidParameter(
      `Alias operations take an unqualified function name; remove ':${qualifier}'.`,
    );
  }
  return findFunction(services.store.state, services.identity, name);
}

function aliasOf(services: LambdaServices, fn: FunctionRecord, name: string): AliasRecord {
  const alias = fn.aliases[name];
  if (!alias) throw notFound(`Alias not found: ${functionArn(services.identity, fn.name, name)}`);
  return alias;
}

function checkVersion(services: LambdaServices, fn: FunctionRecord, version: unknown): string {
  if (typeof version !== 'string' || (version !== '$LATEST' && !fn.versions[version])) {
    throw notFound(
      `Function not found: ${functionArn(services.identity, fn.name, String(version))}`,
    );
  }
  return version;
}

function checkRouting(
  services: LambdaServices,
  fn: FunctionRecord,
  primary: string,
  routing: unknown,
): Record<string, number> | undefined {
  const weights = (routing as { AdditionalVersionWeights?: Record<string, unknown> } | undefined)
    ?.AdditionalVersionWeights;
  if (weights === undefined || Object.keys(weights).length === 0) return undefined;
  if (Object.keys(weights).length > 1) {
    throw invalidParameter('An alias can route to at most one additional version.');
  }
  const [version, weight] = Object.entries(weights)[0]!;
  checkVersion(services, fn, version);
  if (primary === '$LATEST' || version === '$LATEST') {
    throw invalidParameter('$LATEST is not supported for an alias pointing to more than 1 version');
  }
  if (version === primary) {
    throw invalidParameter(
      'The additional version of an alias must differ from its primary version.',
    );
  }
  if (typeof weight !== 'number' || weight < 0 || weight > 1) {
    throw invalidParameter(
      `The weight of version ${version} must be a number between 0.0 and 1.0.`,
    );
  }
  return { [version]: weight };
}

export const createAlias: LambdaHandler = async (services, request) => {
  const input = jsonBody(request);
  const fn = functionOf(services, request);
  const name = input.Name;
  if (typeof name !== 'string' || name.length > 128 || !ALIAS_NAME.test(name)) {
    throw invalidParameter(
      `1 validation error detected: Value '${String(name)}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)`,
    );
  }
  const version = checkVersion(services, fn, input.FunctionVersion);
  const weights = checkRouting(services, fn, version, input.RoutingConfig);
  if (fn.aliases[name]) {
    throw conflict(`Alias already exists: ${functionArn(services.identity, fn.name, name)}`);
  }
  const alias: AliasRecord = {
    name,
    functionVersion: version,
    description: typeof input.Description === 'string' ? input.Description : '',
    revisionId: randomUUID(),
  };
  if (weights) alias.additionalVersionWeights = weights;
  fn.aliases[name] = alias;
  await services.store.save();
  return { status: 201, json: renderAlias(services.identity, fn, alias) };
};

export const getAlias: LambdaHandler = async (services, request) => {
  const fn = functionOf(services, request);
  return {
    status: 200,
    json: renderAlias(services.identity, fn, aliasOf(services, fn, request.params.Name!)),
  };
};

export const updateAlias: LambdaHandler = async (services, request) => {
  const input = jsonBody(request);
  const fn = functionOf(services, request);
  const alias = aliasOf(services, fn, request.params.Name!);
  if (input.RevisionId !== undefined && input.RevisionId !== alias.revisionId) {
    throw preconditionFailed(
      'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
    );
  }
  const version =
    input.FunctionVersion === undefined
      ? alias.functionVersion
      : checkVersion(services, fn, input.FunctionVersion);
  // Weights not sent are kept, and must still make sense with the new primary version.
  const routing = input.RoutingConfig ?? {
    AdditionalVersionWeights: alias.additionalVersionWeights,
  };
  const weights = checkRouting(services, fn, version, routing);
  alias.functionVersion = version;
  if (typeof input.Description === 'string') alias.description = input.Description;
  if (weights) alias.additionalVersionWeights = weights;
  else delete alias.additionalVersionWeights;
  alias.revisionId = randomUUID();
  await services.store.save();
  return { status: 200, json: renderAlias(services.identity, fn, alias) };
};

export const deleteAlias: LambdaHandler = async (services, request) => {
  const fn = functionOf(services, request);
  // Lambda answers 204 for an alias that is already gone.
  if (fn.aliases[request.params.Name!]) {
    delete fn.aliases[request.params.Name!];
    // The alias's function URL and resource policy go with it.
    delete fn.urls?.[request.params.Name!];
    delete fn.policies?.[request.params.Name!];
    await services.store.save();
  }
  return { status: 204 };
};

export const listAliases: LambdaHandler = async (services, request) => {
  const fn = functionOf(services, request);
  const version = queryString(request, 'FunctionVersion');
  const aliases = Object.values(fn.aliases)
    .filter((a) => version === undefined || a.functionVersion === version)
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((a) => renderAlias(services.identity, fn, a));
  const page = paginate(aliases, request, 50);
  return { status: 200, json: { Aliases: page.items, NextMarker: page.nextMarker } };
};
