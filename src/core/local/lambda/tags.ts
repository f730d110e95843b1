// TagResource, UntagResource and ListTags on a function's unqualified ARN.
import { invalidParameter } from '../http/errors';
import {
  jsonBody,
  queryList,
  type LambdaHandler,
  type LambdaRequest,
  type LambdaServices,
} from './context';
import type { FunctionRecord } from './model';
import { findFunction, parseFunctionName } from './resolve';

function taggedFunction(services: LambdaServices, request: LambdaRequest): FunctionRecord {
  const arn = request.params.Resource!;
  if (!arn.startsWith('arn:')) {
    throw invalidParameter(
      `The resource '${arn}' is not an ARN; pass the function's ARN (FunctionArn).`,
    );
  }
  const { name, qualifier } = parseFunctionName(services.identity, arn);
  if (qualifier !== undefined) {
    throw invalidParameter(
      `Tags apply to the function, not to a version or alias; remove ':${qualifier}' from ${arn}.`,
    );
  }
  return findFunction(services.store.state, services.identity, name);
}

export const tagResource: LambdaHandler = async (services, request) => {
  const fn = taggedFunction(services, request);
  const tags = checkTags(jsonBody(request).Tags ?? {});
  const merged = { ...fn.tags, ...tags };
  checkTags(merged);
  fn.tags = merged;
  await services.store.save();
  return { status: 204 };
};

export const untagResource: LambdaHandler = async (services, request) => {
  const fn = taggedFunction(services, request);
  for (const key of queryList(request, 'tagKeys')) delete fn.tags[key];
  await services.store.save();
  return { status: 204 };
};

export const listTags: LambdaHandler = async (services, request) => {
  const fn = taggedFunction(services, request);
  return { status: 200, json: { Tags: { ...fn.tags } } };
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
