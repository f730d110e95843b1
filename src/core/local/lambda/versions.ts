// PublishVersion and ListVersionsByFunction.
import { randomUUID } from 'node:crypto';
import { invalidParameter, preconditionFailed } from '../http/errors';
import { jsonBody, type LambdaHandler, type LambdaServices } from './context';
import { paginate, sortedVersions } from './paging';
import {
  lambdaTimestamp,
  pickVersioned,
  renderConfiguration,
  sameVersionedConfig,
  type FunctionRecord,
  type VersionRecord,
} from './model';
import { findFunction, parseFunctionName } from './resolve';

/**
 * Freezes $LATEST as a new version, or returns the newest version unchanged when neither code
 * nor configuration changed since it was published (Lambda does not publish duplicates).
 */
export function publishVersion(
  services: LambdaServices,
  fn: FunctionRecord,
  input: { description?: string },
): VersionRecord {
  const newest = sortedVersions(fn).at(-1);
  if (newest && sameVersionedConfig(newest, fn.latest)) return newest;
  const settling = fn.latest.state === 'Pending' || fn.latest.lastUpdateStatus === 'InProgress';
  const version: VersionRecord = {
    ...pickVersioned(fn.latest),
    description: input.description ?? fn.latest.description,
    version: String(fn.nextVersion++),
    lastModified: lambdaTimestamp(services.clock()),
    revisionId: randomUUID(),
    state: settling ? 'Pending' : 'Active',
    lastUpdateStatus: settling ? 'InProgress' : 'Successful',
  };
  if (settling) {
    Object.assign(version, {
      stateReason: 'The function is being created.',
      stateReasonCode: 'Creating',
    });
  }
  fn.versions[version.version] = version;
  return version;
}

export const publishVersionHandler: LambdaHandler = async (services, request) => {
  const input = jsonBody(request);
  const { name, qualifier } = parseFunctionName(services.identity, request.params.FunctionName!);
  if (qualifier !== undefined) {
    throw invalidParameter(
      `PublishVersion applies to $LATEST only; remove ':${qualifier}' from the function name.`,
    );
  }
  const fn = findFunction(services.store.state, services.identity, name);
  services.lifecycle.assertIdle(fn);
  if (input.CodeSha256 !== undefined && input.CodeSha256 !== fn.latest.codeSha256) {
    throw invalidParameter(
      `CodeSHA256 (${String(input.CodeSha256)}) is different from current CodeSHA256 in $LATEST (${fn.latest.codeSha256}). Please try again with the current CodeSHA256.`,
    );
  }
  if (input.RevisionId !== undefined && input.RevisionId !== fn.latest.revisionId) {
    throw preconditionFailed(
      'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
    );
  }
  const description = typeof input.Description === 'string' ? input.Description : undefined;
  const count = Object.keys(fn.versions).length;
  const version = publishVersion(services, fn, description === undefined ? {} : { description });
  if (Object.keys(fn.versions).length !== count) await services.store.save();
  return { status: 201, json: renderConfiguration(services.identity, fn, version, true) };
};

export const listVersionsByFunction: LambdaHandler = async (services, request) => {
  const { name, qualifier } = parseFunctionName(services.identity, request.params.FunctionName!);
  if (qualifier !== undefined) {
    throw invalidParameter(
      `ListVersionsByFunction takes an unqualified function name; remove ':${qualifier}'.`,
    );
  }
  const fn = findFunction(services.store.state, services.identity, name);
  const items = [fn.latest, ...sortedVersions(fn)].map((record) =>
    renderConfiguration(services.identity, fn, record, true),
  );
  const page = paginate(items, request, 50, 50);
  return { status: 200, json: { Versions: page.items, NextMarker: page.nextMarker } };
};
