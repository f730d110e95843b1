// CreateFunction, GetFunction, GetFunctionConfiguration, UpdateFunctionCode,
// UpdateFunctionConfiguration, DeleteFunction and ListFunctions.
import { randomUUID } from 'node:crypto';
import {
  entityTooLarge,
  invalidParameter,
  conflict,
  preconditionFailed,
  ApiError,
} from '../http/errors';
import {
  CodeStorageFullError,
  CodeTooLargeError,
  InvalidZipError,
  MAX_ZIPPED_BYTES,
  type StoredCode,
} from '../store/code-store';
import {
  jsonBody,
  queryString,
  type LambdaHandler,
  type LambdaRequest,
  type LambdaServices,
} from './context';
import {
  functionArn,
  lambdaTimestamp,
  type CloudState,
  renderConfiguration,
  type FunctionRecord,
  type VersionRecord,
} from './model';
import { findFunction, parseFunctionName, resolveQualified } from './resolve';
import { publishVersion } from './versions';
import * as v from './validation';

/** A 50 MB package is about 69.9 MB once base64-encoded into the JSON body. */
export const MAX_CODE_REQUEST_BYTES = 69905067;

export function assertBodyWithinLimit(
  request: LambdaRequest,
  limit: number,
  operation: string,
): void {
  if (request.body.truncated || request.body.size > limit) throw entityTooLarge(limit, operation);
}

async function storeZip(services: LambdaServices, base64: unknown): Promise<StoredCode> {
  if (typeof base64 !== 'string' || base64.length === 0) {
    throw invalidParameter(
      'Code.ZipFile is required: the local cloud accepts deployment packages uploaded as ZipFile (S3 locations and container images are not supported).',
    );
  }
  const zip = Buffer.from(base64, 'base64');
  try {
    return await services.code.put(zip);
  } catch (error) {
    if (error instanceof CodeTooLargeError) {
      if (zip.length > MAX_ZIPPED_BYTES) throw entityTooLarge(MAX_ZIPPED_BYTES, 'CreateFunction');
      throw new ApiError(
        'InvalidParameterValueException',
        400,
        error.message,
        {},
        {},
        { cause: error },
      );
    }
    if (error instanceof CodeStorageFullError) {
      throw new ApiError(
        'CodeStorageExceededException',
        400,
        error.message,
        {},
        {},
        { cause: error },
      );
    }
    if (error instanceof InvalidZipError) {
      throw new ApiError(
        'InvalidParameterValueException',
        400,
        error.message,
        {},
        {},
        { cause: error },
      );
    }
    throw error;
  }
}

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
    lastModified: lambdaTimestamp(services.clock()),
    revisionId: randomUUID(),
    state: 'Pending',
  };
  const tags = checkTags(input.Tags ?? {});
  if (services.store.state.functions[name]) {
    throw conflict(`Function already exist: ${name}`);
  }
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
  let published: VersionRecord | undefined;
  if (input.Publish === true) published = publishVersion(services, fn, {});
  await services.store.save();
  services.code.adopted(code.sha256Hex);
  services.lifecycle.schedule(fn);
  const shown = published ?? fn.latest;
  return {
    status: 201,
    json: renderConfiguration(services.identity, fn, shown, published !== undefined),
  };
};

export function checkTags(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidParameter('Tags must be a map of string keys to string values.');
  }
  const tags = value as Record<string, unknown>;
  for (const [key, tag] of Object.entries(tags)) {
    if (typeof tag !== 'string' || key.length === 0 || key.length > 128 || tag.length > 256) {
      throw invalidParameter(
        `The tag '${key}' is invalid: keys are 1-128 characters, values strings of at most 256.`,
      );
    }
    if (key.startsWith('aws:'))
      throw invalidParameter(`The tag key '${key}' uses the reserved prefix aws:.`);
  }
  if (Object.keys(tags).length > 50) throw invalidParameter('A function can have at most 50 tags.');
  return tags as Record<string, string>;
}

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
  let published: VersionRecord | undefined;
  if (input.Publish === true) published = publishVersion(services, fn, {});
  await services.store.save();
  services.code.adopted(code.sha256Hex);
  services.lifecycle.schedule(fn);
  const shown = published ?? fn.latest;
  return {
    status: 200,
    json: renderConfiguration(services.identity, fn, shown, published !== undefined),
  };
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
  services.lifecycle.keepServing(fn);
  Object.assign(latest, next);
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

/** Every package some version still uses; the rest may be deleted. */
export function referencedCode(state: CloudState): Set<string> {
  const used = new Set<string>();
  for (const fn of Object.values(state.functions)) {
    used.add(fn.latest.codeSha256Hex);
    if (fn.serving) used.add(fn.serving.codeSha256Hex);
    for (const version of Object.values(fn.versions)) used.add(version.codeSha256Hex);
  }
  return used;
}

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
  const page = paginate(items, request, 50);
  return { status: 200, json: { Functions: page.items, NextMarker: page.nextMarker } };
};

export function sortedVersions(fn: FunctionRecord): VersionRecord[] {
  return Object.values(fn.versions).sort((a, b) => Number(a.version) - Number(b.version));
}

/** Marker/MaxItems paging over an ordered list; the marker is an opaque offset. */
export function paginate<T>(
  items: T[],
  request: LambdaRequest,
  defaultMax: number,
): { items: T[]; nextMarker?: string } {
  const marker = queryString(request, 'Marker');
  const maxRaw = queryString(request, 'MaxItems');
  const max = maxRaw === undefined ? defaultMax : Number(maxRaw);
  if (!Number.isInteger(max) || max < 1 || max > 10000) {
    throw invalidParameter(
      `1 validation error detected: Value '${maxRaw}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000`,
    );
  }
  let start = 0;
  if (marker !== undefined) {
    const decoded = /^o:(\d+)$/.exec(Buffer.from(marker, 'base64url').toString('utf8'));
    if (!decoded)
      throw invalidParameter(
        `The marker '${marker}' is invalid; pass the NextMarker of the previous page.`,
      );
    start = Number(decoded[1]);
  }
  const slice = items.slice(start, start + max);
  const end = start + slice.length;
  return end < items.length
    ? { items: slice, nextMarker: Buffer.from(`o:${end}`).toString('base64url') }
    : { items: slice };
}
