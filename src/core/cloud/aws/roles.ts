// IAM roles a platform service assumes: created once with their tags and trust policy, then
// reused. Policies are read before they are given, so reusing a complete role writes nothing.
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
  type Role,
} from '@aws-sdk/client-iam';
import { CloudError } from '../errors';
import type { CallOptions, RoleInfo, RoleSpec } from '../provider';
import { unlessNotFound, type Caller } from './call';

export class Roles {
  constructor(
    private readonly iam: IAMClient,
    private readonly call: Caller,
  ) {}

  get(name: string, options: CallOptions = {}) {
    return unlessNotFound(async () => {
      const out = await this.call('GetRole', `role ${name}`, () =>
        this.iam.send(new GetRoleCommand({ RoleName: name }), { abortSignal: options.signal }),
      );
      return toRoleInfo(out.Role, name);
    });
  }

  async ensure(spec: RoleSpec, options: CallOptions = {}) {
    let role = await this.get(spec.name, options);
    let created = false;
    if (!role) {
      try {
        role = await this.create(spec, options);
        created = true;
      } catch (error) {
        // Another deploy of the same stage made it in between: use theirs.
        if (!(error instanceof CloudError && error.code === 'EntityAlreadyExistsException'))
          throw error;
        role = await this.get(spec.name, options);
        if (!role) throw error;
      }
    }
    // A role of this name that someone else made is used as it is, never changed.
    const ours = Object.entries(spec.tags).every(([k, v]) => role.tags[k] === v);
    if (ours) await this.givePolicies(spec, created, options);
    return { role, created };
  }

  private async create(spec: RoleSpec, options: CallOptions): Promise<RoleInfo> {
    const trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: spec.trustedService },
          Action: 'sts:AssumeRole',
        },
      ],
    };
    const out = await this.call('CreateRole', `role ${spec.name}`, () =>
      this.iam.send(
        new CreateRoleCommand({
          RoleName: spec.name,
          Description: spec.description,
          AssumeRolePolicyDocument: JSON.stringify(trust),
          Tags: Object.entries(spec.tags).map(([Key, Value]) => ({ Key, Value })),
        }),
        { abortSignal: options.signal },
      ),
    );
    return { ...toRoleInfo(out.Role, spec.name), tags: { ...spec.tags } };
  }

  /** Attaches and puts what the role lacks; a new role lacks everything, so skip the reads. */
  private async givePolicies(spec: RoleSpec, created: boolean, options: CallOptions) {
    const attached = created ? [] : await this.attachedPolicies(spec.name, options);
    const inline = created ? [] : await this.inlinePolicies(spec.name, options);
    for (const arn of spec.managedPolicyArns) {
      if (attached.includes(arn)) continue;
      await this.call('AttachRolePolicy', `role ${spec.name} (${arn})`, () =>
        this.iam.send(new AttachRolePolicyCommand({ RoleName: spec.name, PolicyArn: arn }), {
          abortSignal: options.signal,
        }),
      );
    }
    for (const [policyName, document] of Object.entries(spec.inlinePolicies)) {
      if (inline.includes(policyName)) continue;
      await this.call('PutRolePolicy', `role ${spec.name} (policy ${policyName})`, () =>
        this.iam.send(
          new PutRolePolicyCommand({
            RoleName: spec.name,
            PolicyName: policyName,
            PolicyDocument: document,
          }),
          { abortSignal: options.signal },
        ),
      );
    }
  }

  async delete(name: string, options: CallOptions = {}) {
    const attached = await unlessNotFound(() => this.attachedPolicies(name, options));
    if (attached === undefined) return;
    for (const arn of attached) {
      await this.call('DetachRolePolicy', `role ${name} (${arn})`, () =>
        this.iam.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: arn }), {
          abortSignal: options.signal,
        }),
      );
    }
    for (const policyName of await this.inlinePolicies(name, options)) {
      await this.call('DeleteRolePolicy', `role ${name} (policy ${policyName})`, () =>
        this.iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: policyName }), {
          abortSignal: options.signal,
        }),
      );
    }
    await unlessNotFound(() =>
      this.call('DeleteRole', `role ${name}`, () =>
        this.iam.send(new DeleteRoleCommand({ RoleName: name }), { abortSignal: options.signal }),
      ),
    );
  }

  private async attachedPolicies(name: string, options: CallOptions): Promise<string[]> {
    const arns: string[] = [];
    let marker: string | undefined;
    do {
      const out = await this.call('ListAttachedRolePolicies', `role ${name}`, () =>
        this.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name, Marker: marker }), {
          abortSignal: options.signal,
        }),
      );
      for (const p of out.AttachedPolicies ?? []) if (p.PolicyArn) arns.push(p.PolicyArn);
      marker = out.IsTruncated ? out.Marker : undefined;
    } while (marker);
    return arns;
  }

  private async inlinePolicies(name: string, options: CallOptions): Promise<string[]> {
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const out = await this.call('ListRolePolicies', `role ${name}`, () =>
        this.iam.send(new ListRolePoliciesCommand({ RoleName: name, Marker: marker }), {
          abortSignal: options.signal,
        }),
      );
      names.push(...(out.PolicyNames ?? []));
      marker = out.IsTruncated ? out.Marker : undefined;
    } while (marker);
    return names;
  }
}

function toRoleInfo(role: Role | undefined, name: string): RoleInfo {
  return {
    name: role?.RoleName ?? name,
    arn: role?.Arn ?? '',
    tags: Object.fromEntries((role?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
  };
}
