// CreateFunction, GetFunction, GetFunctionConfiguration, UpdateFunctionCode,
// UpdateFunctionConfiguration, DeleteFunction and ListFunctions.
import { randomUUID } from 'node:crypto';
import { ApiError, conflict, invalidParameter, preconditionFailed } from '../http/errors';
import {
  jsonBody,
  queryString,
  type LambdaHandler,
  type LambdaRequest,
  type LambdaResponse,
  type LambdaServices,
} from './context';
import {
  functionArn,
  lambdaTimestamp,
  renderConfiguration,
  type FunctionRecord,
  type VersionRecord,
} from './model';
import {
  assertBodyWithinLimit,
  MAX_CODE_REQUEST_BYTES,
  referencedCode,
  storeZip,
} from './code-upload';
import { paginate, sortedVersions } from './paging';
import { findFunction, parseFunctionName, resolveQualified } from './resolve';
import { checkSettings } from './settings';
import { checkTags } from './tags';
import * as v from './validation';
import { publishVersion } from './versions';

function checkRevision(record: { revisionId: string }, given: unknown): void {
  if (given !== undefined && given !== record.revisionId) {
    throw preconditionFailed(
      'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
    );
  }
}

export const createFunction: LambdaHandler = async (services, request) => {
  assertBodyWithinLimit(request, MAX_CODE_REQUEST_BYTES, 'CreateFunction');
  const input = jsonBody(request);
  const name = v.checkFunctionName(
    typeof input.FunctionName === 'string'
      ? parseFunctionName(services.identity, input.FunctionName).name
      : input.FunctionName,
  );
  if (input.PackageType !== undefined && input.PackageType !== 'Zip') {
    throw invalidParameter('The local cloud runs Zip packages only; set PackageType to Zip.');
  }
  const record: Omit<VersionRecord, 'codeSha256Hex' | 'codeSha256' | 'codeSize'> = {
    version: '$LATEST',
    runtime: v.checkRuntime(input.Runtime),
    role: v.checkRole(input.Role),
    handler: v.checkHandler(input.Handler),
    description: v.checkDescription(input.Description ?? ''),
    timeout: v.checkTimeout(input.Timeout ?? 3),
    memorySize: v.checkMemory(input.MemorySize ?? 128),
    environment: v.checkEnvironment(input.Environment),
    ephemeralStorage: v.checkEphemeral((input.EphemeralStorage as { Size?: unknown })?.Size ?? 512),
    architecture: v.checkArchitectures(input.Architectures ?? ['x86_64']),
    ...checkSettings(input, { name, runtime: v.checkRuntime(input.Runtime) }),
    lastModified: lambdaTimestamp(services.clock()),
    revisionId: randomUUID(),
    state: 'Pending',
  };
  const tags = checkTags(input.Tags ?? {});
  if (services.store.state.functions[name]) {
    throw conflict(`Function already exist: ${name}`);
  }
  services.assumeRole?.(record.role);
  const code = await storeZip(services, (input.Code as { ZipFile?: unknown } | undefined)?.ZipFile);
  // Checked again: another create may have finished while the package was being stored.
  if (services.store.state.functions[name]) throw conflict(`Function already exist: ${name}`);
  const fn: FunctionRecord = {
    name,
    latest: {
      ...record,
      codeSha256Hex: code.sha256Hex,
      codeSha256: code.codeSha256,
      codeSize: code.size,
    },
    versions: {},
    aliases: {},
    tags,
    nextVersion: 1,
  };
  services.lifecycle.markCreating(fn);
  services.store.state.functions[name] = fn;
  return storeNewCode(services, fn, code.sha256Hex, input.Publish === true, 201);
};

export const getFunction: LambdaHandler = async (services, request) => {
  const resolved = resolveQualified(
    services.store.state,
    services.identity,
    request.params.FunctionName!,
    queryString(request, 'Qualifier'),
  );
  const { fn, record } = resolved;
  const qualified = resolved.qualifier ?? false;
  return {
    status: 200,
    json: {
      Configuration: renderConfiguration(services.identity, fn, record, qualified),
      Code: { RepositoryType: 'S3', Location: services.codeLocation(record.codeSha256Hex) },
      Tags: { ...fn.tags },
    },
  };
};

export const getFunctionConfiguration: LambdaHandler = async (services, request) => {
  const resolved = resolveQualified(
    services.store.state,
    services.identity,
    request.params.FunctionName!,
    queryString(request, 'Qualifier'),
  );
  return {
    status: 200,
    json: renderConfiguration(
      services.identity,
      resolved.fn,
      resolved.record,
      resolved.qualifier ?? false,
    ),
  };
};

function unqualified(services: LambdaServices, request: LambdaRequest): FunctionRecord {
  const { name, qualifier } = parseFunctionName(services.identity, request.params.FunctionName!);
  if (qualifier !== undefined) {
    throw invalidParameter(
      `This operation applies to $LATEST only; remove the qualifier ':${qualifier}' from the function name.`,
    );
  }
  return findFunction(services.store.state, services.identity, name);
}

export const updateFunctionCode: LambdaHandler = async (services, request) => {
  assertBodyWithinLimit(request, MAX_CODE_REQUEST_BYTES, 'UpdateFunctionCode');
  const input = jsonBody(request);
  const fn = unqualified(services, request);
  services.lifecycle.assertIdle(fn);
  checkRevision(fn.latest, input.RevisionId);
  const architecture =
    input.Architectures === undefined
      ? fn.latest.architecture
      : v.checkArchitectures(input.Architectures);
  const code = await storeZip(services, input.ZipFile);
  if (input.DryRun === true) {
    const preview = {
      ...fn.latest,
      codeSha256Hex: code.sha256Hex,
      codeSha256: code.codeSha256,
      codeSize: code.size,
    };
    return { status: 200, json: renderConfiguration(services.identity, fn, preview, false) };
  }
  services.lifecycle.assertIdle(fn);
  services.lifecycle.keepServing(fn);
  Object.assign(fn.latest, {
    codeSha256Hex: code.sha256Hex,
    codeSha256: code.codeSha256,
    codeSize: code.size,
    architecture,
  });
  services.lifecycle.markUpdating(fn);
  return storeNewCode(services, fn, code.sha256Hex, input.Publish === true, 200);
};

export const updateFunctionConfiguration: LambdaHandler = async (services, request) => {
  const input = jsonBody(request);
  const fn = unqualified(services, request);
  services.lifecycle.assertIdle(fn);
  checkRevision(fn.latest, input.RevisionId);
  const latest = fn.latest;
  const next = {
    runtime: input.Runtime === undefined ? latest.runtime : v.checkRuntime(input.Runtime),
    role: input.Role === undefined ? latest.role : v.checkRole(input.Role),
    handler: input.Handler === undefined ? latest.handler : v.checkHandler(input.Handler),
    description:
      input.Description === undefined ? latest.description : v.checkDescription(input.Description),
    timeout: input.Timeout === undefined ? latest.timeout : v.checkTimeout(input.Timeout),
    memorySize:
      input.MemorySize === undefined ? latest.memorySize : v.checkMemory(input.MemorySize),
    environment:
      input.Environment === undefined ? latest.environment : v.checkEnvironment(input.Environment),
    ephemeralStorage:
      input.EphemeralStorage === undefined
        ? latest.ephemeralStorage
        : v.checkEphemeral((input.EphemeralStorage as { Size?: unknown }).Size),
  };
  const kept = checkSettings(input, { name: fn.name, runtime: next.runtime }, latest);
  services.lifecycle.keepServing(fn);
  Object.assign(latest, next, kept);
  services.lifecycle.markUpdating(fn);
  await services.store.save();
  services.lifecycle.schedule(fn);
  return { status: 200, json: renderConfiguration(services.identity, fn, latest, false) };
};

export const deleteFunction: LambdaHandler = async (services, request) => {
  const { name, qualifier } = parseFunctionName(
    services.identity,
    request.params.FunctionName!,
    queryString(request, 'Qualifier'),
  );
  const fn = findFunction(services.store.state, services.identity, name);
  if (qualifier === undefined) {
    delete services.store.state.functions[name];
  } else {
    if (qualifier === '$LATEST') {
      throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
    }
    if (!fn.versions[qualifier]) {
      throw new ApiError(
        'ResourceNotFoundException',
        404,
        `Function not found: ${functionArn(services.identity, name, qualifier)}`,
      );
    }
    const referencing = Object.values(fn.aliases)
      .filter(
        (a) =>
          a.functionVersion === qualifier || a.additionalVersionWeights?.[qualifier] !== undefined,
      )
      .map((a) => a.name);
    if (referencing.length > 0) {
      throw conflict(
        `Unable to delete version because the following aliases reference it: [${referencing.join(', ')}]`,
      );
    }
    delete fn.versions[qualifier];
  }
  await services.store.save();
  await services.invoker.retire(name);
  await services.code.collect(referencedCode(services.store.state));
  return { status: 204 };
};

export const listFunctions: LambdaHandler = async (services, request) => {
  const all = queryString(request, 'FunctionVersion');
  if (all !== undefined && all !== 'ALL') {
    throw invalidParameter(
      `Value '${all}' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]`,
    );
  }
  const items: Record<string, unknown>[] = [];
  for (const fn of Object.values(services.store.state.functions).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (all === 'ALL') {
      items.push(renderConfiguration(services.identity, fn, fn.latest, true));
      for (const version of sortedVersions(fn))
        items.push(renderConfiguration(services.identity, fn, version, true));
    } else {
      items.push(renderConfiguration(services.identity, fn, fn.latest, false));
    }
  }
  const page = paginate(items, request, 50, 50);
  return { status: 200, json: { Functions: page.items, NextMarker: page.nextMarker } };
};

/**
 * The end of CreateFunction and UpdateFunctionCode: publish if asked, persist, keep the new
 * package, settle the change in the background, and answer with what was created or published.
 */
async function storeNewCode(
  services: LambdaServices,
  fn: FunctionRecord,
  sha256Hex: string,
  publish: boolean,
  status: number,
): Promise<LambdaResponse> {
  const published: VersionRecord | undefined = publish
    ? publishVersion(services, fn, {})
    : undefined;
  await services.store.save();
  services.code.adopted(sha256Hex);
  services.lifecycle.schedule(fn);
  return {
    status,
    json: renderConfiguration(
      services.identity,
      fn,
      published ?? fn.latest,
      published !== undefined,
    ),
  };
}
