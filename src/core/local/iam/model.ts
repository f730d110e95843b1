// What the local cloud keeps about each IAM role, and its rendering in IAM's shapes.
import type { Identity } from '../lambda/model';
import type { XmlValue } from './xml';

export interface RoleTag {
  Key: string;
  Value: string;
}

export interface RoleRecord {
  name: string;
  path: string;
  roleId: string;
  createDate: number;
  /** The trust policy as sent (JSON text). */
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration: number;
  tags: RoleTag[];
  /** Managed policy ARNs, in the order they were attached. */
  attachedPolicies: string[];
  /** Inline policies by name. */
  inlinePolicies: Record<string, string>;
}

export function roleArn(identity: Identity, role: Pick<RoleRecord, 'path' | 'name'>): string {
  return `arn:aws:iam::${identity.accountId}:role${role.path}${role.name}`;
}

/** IAM's timestamps carry no milliseconds. */
export const iamTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function renderRole(
  identity: Identity,
  role: RoleRecord,
  withTags: boolean,
): Record<string, XmlValue> {
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.roleId,
    Arn: roleArn(identity, role),
    CreateDate: iamTime(role.createDate),
    // IAM returns policy documents URL-encoded (RFC 3986).
    AssumeRolePolicyDocument: encodeURIComponent(role.assumeRolePolicyDocument),
    Description: role.description,
    MaxSessionDuration: role.maxSessionDuration,
    Tags: withTags && role.tags.length > 0 ? role.tags.map((t) => ({ ...t })) : undefined,
    RoleLastUsed: withTags ? {} : undefined,
  };
}
