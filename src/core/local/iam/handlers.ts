// The IAM role operations deploy needs: CreateRole, GetRole, ListRoles, DeleteRole, the managed
// and inline policy operations, and tags, with IAM's errors and wording.
import { randomBytes } from 'node:crypto';
import { ApiError } from '../http/errors';
import type { Identity } from '../lambda/model';
import type { StateStore } from '../store/state-store';
import { renderRole, roleArn, type RoleRecord, type RoleTag } from './model';
import type { QueryParams } from './query';
import type { XmlValue } from './xml';

export interface IamServices {
  identity: Identity;
  store: StateStore;
  clock: () => number;
}

type Result = Record<string, XmlValue> | undefined;
export type IamHandler = (services: IamServices, params: QueryParams) => Promise<Result>;

const noSuchEntity = (message: string): ApiError => new ApiError('NoSuchEntity', 404, message);
const alreadyExists = (message: string): ApiError =>
  new ApiError('EntityAlreadyExists', 409, message);
const deleteConflict = (message: string): ApiError => new ApiError('DeleteConflict', 409, message);
const invalidInput = (message: string): ApiError => new ApiError('InvalidInput', 400, message);
const validationError = (message: string): ApiError =>
  new ApiError('ValidationError', 400, message);
const malformedPolicy = (message: string): ApiError =>
  new ApiError('MalformedPolicyDocument', 400, message);

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
const PATH = /^\/([\x21-\x7e]*\/)?$/;
const MANAGED_POLICY = /^arn:aws[a-zA-Z-]*:iam::aws:policy\/([\w+=,.@-]+\/)*[\w+=,.@-]+$/;

function roles(services: IamServices): Record<string, RoleRecord> {
  return (services.store.state.roles ??= {});
}

function checkRoleName(name: string): string {
  if (!ROLE_NAME.test(name)) {
    throw validationError(
      `1 validation error detected: Value '${name}' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
    );
  }
  return name;
}

/** Role names are unique regardless of case, and looked up the same way. */
export function findRole(services: { store: StateStore }, name: string): RoleRecord | undefined {
  const all = services.store.state.roles ?? {};
  return all[name] ?? Object.values(all).find((r) => r.name.toLowerCase() === name.toLowerCase());
}

function role(services: IamServices, params: QueryParams): RoleRecord {
  const name = checkRoleName(params.required('RoleName'));
  const found = findRole(services, name);
  if (!found) throw noSuchEntity(`The role with name ${name} cannot be found.`);
  return found;
}

function checkPolicyDocument(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw malformedPolicy('This policy contains invalid Json');
  }
  if (typeof parsed !== 'object' || parsed === null || !('Statement' in parsed)) {
    throw malformedPolicy('Syntax errors in policy: the document needs a Statement.');
  }
  return text;
}

function checkTags(tags: RoleTag[]): RoleTag[] {
  for (const tag of tags) {
    if (tag.Key.length < 1 || tag.Key.length > 128 || tag.Value.length > 256) {
      throw validationError(
        `1 validation error detected: Value '${tag.Key}' at 'tags' failed to satisfy constraint: keys have 1-128 characters, values at most 256`,
      );
    }
    if (tag.Key.toLowerCase().startsWith('aws:')) {
      throw invalidInput(`The tag key '${tag.Key}' uses the reserved prefix aws:.`);
    }
  }
  return tags;
}

function mergeTags(existing: RoleTag[], added: RoleTag[]): RoleTag[] {
  const merged = [...existing];
  for (const tag of added) {
    const at = merged.findIndex((t) => t.Key === tag.Key);
    if (at >= 0) merged[at] = tag;
    else merged.push(tag);
  }
  if (merged.length > 50) {
    throw new ApiError('LimitExceeded', 409, 'A role can have at most 50 tags.');
  }
  return merged;
}

/** Marker/MaxItems paging; the marker is an opaque offset. */
function page<T>(
  items: T[],
  params: QueryParams,
): { items: T[]; IsTruncated: boolean; Marker?: string } {
  const maxText = params.optional('MaxItems');
  const max = maxText === undefined ? 100 : Number(maxText);
  if (!Number.isInteger(max) || max < 1 || max > 1000) {
    throw validationError(
      `1 validation error detected: Value '${maxText}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000`,
    );
  }
  const marker = params.optional('Marker');
  const start =
    marker === undefined ? 0 : Number(Buffer.from(marker, 'base64url').toString('utf8'));
  if (!Number.isInteger(start) || start < 0) throw invalidInput(`Invalid Marker ${marker}.`);
  const slice = items.slice(start, start + max);
  const end = start + slice.length;
  return end < items.length
    ? { items: slice, IsTruncated: true, Marker: Buffer.from(String(end)).toString('base64url') }
    : { items: slice, IsTruncated: false };
}

const createRole: IamHandler = async (services, params) => {
  const name = checkRoleName(params.required('RoleName'));
  const path = params.optional('Path') ?? '/';
  if (!PATH.test(path) || path.length > 512) {
    throw validationError(
      `1 validation error detected: Value '${path}' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)`,
    );
  }
  const document = checkPolicyDocument(params.required('AssumeRolePolicyDocument'));
  const maxText = params.optional('MaxSessionDuration');
  const maxSessionDuration = maxText === undefined ? 3600 : Number(maxText);
  if (
    !Number.isInteger(maxSessionDuration) ||
    maxSessionDuration < 3600 ||
    maxSessionDuration > 43200
  ) {
    throw validationError(
      `1 validation error detected: Value '${maxText}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200`,
    );
  }
  const tags = mergeTags([], checkTags(params.tags('Tags')));
  if (findRole(services, name)) throw alreadyExists(`Role with name ${name} already exists.`);
  const record: RoleRecord = {
    name,
    path,
    roleId: `AROA${randomBytes(16).toString('hex').toUpperCase().slice(0, 17)}`,
    createDate: services.clock(),
    assumeRolePolicyDocument: document,
    maxSessionDuration,
    tags,
    attachedPolicies: [],
    inlinePolicies: {},
  };
  const description = params.optional('Description');
  if (description !== undefined) record.description = description;
  roles(services)[name] = record;
  await services.store.save();
  return { Role: renderRole(services.identity, record, true) };
};

const getRole: IamHandler = async (services, params) => ({
  Role: renderRole(services.identity, role(services, params), true),
});

const listRoles: IamHandler = async (services, params) => {
  const prefix = params.optional('PathPrefix') ?? '/';
  const matching = Object.values(roles(services))
    .filter((r) => r.path.startsWith(prefix))
    .sort((a, b) => a.name.localeCompare(b.name));
  const { items, ...more } = page(matching, params);
  return { Roles: items.map((r) => renderRole(services.identity, r, false)), ...more };
};

const deleteRole: IamHandler = async (services, params) => {
  const found = role(services, params);
  if (found.attachedPolicies.length > 0) {
    throw deleteConflict('Cannot delete entity, must detach all policies first.');
  }
  if (Object.keys(found.inlinePolicies).length > 0) {
    throw deleteConflict('Cannot delete entity, must delete policies first.');
  }
  delete roles(services)[found.name];
  await services.store.save();
  return undefined;
};

const attachRolePolicy: IamHandler = async (services, params) => {
  const found = role(services, params);
  const arn = params.required('PolicyArn');
  // Only AWS managed policies exist here (there is no CreatePolicy).
  if (!MANAGED_POLICY.test(arn)) {
    throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
  }
  if (!found.attachedPolicies.includes(arn)) {
    if (found.attachedPolicies.length >= 20) {
      throw new ApiError('LimitExceeded', 409, 'Cannot exceed quota for PoliciesPerRole: 20');
    }
    found.attachedPolicies.push(arn);
    await services.store.save();
  }
  return undefined;
};

const detachRolePolicy: IamHandler = async (services, params) => {
  const found = role(services, params);
  const arn = params.required('PolicyArn');
  if (!found.attachedPolicies.includes(arn)) throw noSuchEntity(`Policy ${arn} was not found.`);
  found.attachedPolicies = found.attachedPolicies.filter((p) => p !== arn);
  await services.store.save();
  return undefined;
};

const listAttachedRolePolicies: IamHandler = async (services, params) => {
  const found = role(services, params);
  const prefix = params.optional('PathPrefix') ?? '/';
  const attached = found.attachedPolicies
    .map((arn) => {
      const path = /:policy(\/.*\/|\/)[^/]+$/.exec(arn)?.[1] ?? '/';
      return { PolicyName: arn.slice(arn.lastIndexOf('/') + 1), PolicyArn: arn, path };
    })
    .filter((p) => p.path.startsWith(prefix));
  const { items, ...more } = page(attached, params);
  return {
    AttachedPolicies: items.map((p) => ({ PolicyName: p.PolicyName, PolicyArn: p.PolicyArn })),
    ...more,
  };
};

const putRolePolicy: IamHandler = async (services, params) => {
  const found = role(services, params);
  const name = params.required('PolicyName');
  if (!POLICY_NAME.test(name)) {
    throw validationError(
      `1 validation error detected: Value '${name}' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
    );
  }
  found.inlinePolicies[name] = checkPolicyDocument(params.required('PolicyDocument'));
  await services.store.save();
  return undefined;
};

function inlinePolicy(found: RoleRecord, params: QueryParams): string {
  const name = params.required('PolicyName');
  if (found.inlinePolicies[name] === undefined) {
    throw noSuchEntity(`The role policy with name ${name} cannot be found.`);
  }
  return name;
}

const getRolePolicy: IamHandler = async (services, params) => {
  const found = role(services, params);
  const name = inlinePolicy(found, params);
  return {
    RoleName: found.name,
    PolicyName: name,
    PolicyDocument: encodeURIComponent(found.inlinePolicies[name]!),
  };
};

const deleteRolePolicy: IamHandler = async (services, params) => {
  const found = role(services, params);
  delete found.inlinePolicies[inlinePolicy(found, params)];
  await services.store.save();
  return undefined;
};

const listRolePolicies: IamHandler = async (services, params) => {
  const found = role(services, params);
  const { items, ...more } = page(Object.keys(found.inlinePolicies).sort(), params);
  return { PolicyNames: items, ...more };
};

const tagRole: IamHandler = async (services, params) => {
  const found = role(services, params);
  found.tags = mergeTags(found.tags, checkTags(params.tags('Tags')));
  await services.store.save();
  return undefined;
};

const untagRole: IamHandler = async (services, params) => {
  const found = role(services, params);
  const keys = new Set(params.list('TagKeys'));
  found.tags = found.tags.filter((t) => !keys.has(t.Key));
  await services.store.save();
  return undefined;
};

const listRoleTags: IamHandler = async (services, params) => {
  const found = role(services, params);
  const { items, ...more } = page(found.tags, params);
  return { Tags: items.map((t) => ({ ...t })), ...more };
};

export const IAM_OPERATIONS: Record<string, IamHandler> = {
  CreateRole: createRole,
  GetRole: getRole,
  ListRoles: listRoles,
  DeleteRole: deleteRole,
  AttachRolePolicy: attachRolePolicy,
  DetachRolePolicy: detachRolePolicy,
  ListAttachedRolePolicies: listAttachedRolePolicies,
  PutRolePolicy: putRolePolicy,
  GetRolePolicy: getRolePolicy,
  DeleteRolePolicy: deleteRolePolicy,
  ListRolePolicies: listRolePolicies,
  TagRole: tagRole,
  UntagRole: untagRole,
  ListRoleTags: listRoleTags,
};

export { roleArn };
