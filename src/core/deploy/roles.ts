// The roles deploy makes when the manifest names none: one execution role per service and
// stage (basic logging only), and one the scheduler assumes to invoke the stage's functions.
// Both are tagged, so `remove` can tell them from roles someone else made.
import { setTimeout as sleep } from 'node:timers/promises';
import { CloudError } from '../cloud/errors';
import type { CloudProvider, RoleInfo, RoleSpec } from '../cloud/provider';
import type { Manifest } from '../manifest/types';
import { DeployError } from './errors';
import { managedTags, ownedBy, stagePrefix } from './ownership';

export type RolePurpose = 'execution' | 'scheduler';

export interface RolePlan {
  purpose: RolePurpose;
  name: string;
  /** Created by this deploy, or there already. */
  action: 'create' | 'reuse';
  /** Its ARN when it exists; a new role's is known once created. */
  arn?: string;
  /** Tagged by Flourish for this stage (false for a role someone else made with the name). */
  owned: boolean;
}

/** Stands in for the ARN of a role this deploy creates, until it exists. */
const PENDING = 'flourish:pending-role/';

export function pendingRoleArn(name: string): string {
  return `${PENDING}${name}`;
}

export function isPendingRole(arn: string): boolean {
  return arn.startsWith(PENDING);
}

export function roleName(manifest: Pick<Manifest, 'service' | 'stage'>, purpose: RolePurpose) {
  const suffix = purpose === 'execution' ? 'lambda' : 'scheduler';
  return `${stagePrefix(manifest.service, manifest.stage)}${suffix}`;
}

/** `aws`, `aws-cn` or `aws-us-gov`, for the AWS-managed policy ARN. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function executionRoleSpec(
  manifest: Pick<Manifest, 'service' | 'stage'>,
  region: string,
): RoleSpec {
  return {
    name: roleName(manifest, 'execution'),
    description: `Flourish: execution role of ${manifest.service} stage ${manifest.stage} (logs only)`,
    trustedService: 'lambda.amazonaws.com',
    managedPolicyArns: [
      `arn:${partitionOf(region)}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`,
    ],
    inlinePolicies: {},
    tags: managedTags(manifest.service, manifest.stage),
  };
}

/** Lets the scheduler invoke this stage's functions (any alias) in `account`, nothing else. */
export function schedulerRoleSpec(
  manifest: Pick<Manifest, 'service' | 'stage'>,
  region: string,
  account: string,
): RoleSpec {
  const functions = `arn:${partitionOf(region)}:lambda:${region}:${account}:function:${stagePrefix(manifest.service, manifest.stage)}*`;
  const policy = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [functions, `${functions}:*`] },
    ],
  };
  return {
    name: roleName(manifest, 'scheduler'),
    description: `Flourish: lets EventBridge Scheduler invoke ${manifest.service} stage ${manifest.stage}`,
    trustedService: 'scheduler.amazonaws.com',
    managedPolicyArns: [],
    inlinePolicies: { 'flourish-invoke-stage': JSON.stringify(policy) },
    tags: managedTags(manifest.service, manifest.stage),
  };
}

/** The role as it is now: reused when there, created by the deploy otherwise. */
export function rolePlanOf(
  manifest: Pick<Manifest, 'service' | 'stage'>,
  purpose: RolePurpose,
  existing: RoleInfo | undefined,
): RolePlan {
  const name = roleName(manifest, purpose);
  if (!existing) return { purpose, name, action: 'create', owned: true };
  return {
    purpose,
    name,
    action: 'reuse',
    arn: existing.arn,
    owned: ownedBy(existing.tags, manifest.service, manifest.stage),
  };
}

/** The account of an ARN (`arn:aws:lambda:us-east-1:123456789012:function:f`). */
export function accountOf(arn: string): string | undefined {
  return arn.split(':')[4] || undefined;
}

export interface AssumeRetryOptions {
  signal?: AbortSignal;
  /** Pauses between attempts, in ms; one attempt more than pauses. */
  delaysMs?: number[];
  onRetry?: (attempt: number, delayMs: number) => void;
  /** Who assumes the role, for the message; default Lambda. */
  service?: { name: string; principal: string };
}

/** About a minute in all: IAM usually propagates within seconds, rarely in more than 30. */
export const ASSUME_DELAYS_MS = [1000, 2000, 4000, 8000, 16000, 30000];

/** Lambda's (or the scheduler's) answer while a new role has not reached it yet. */
export function isRoleNotAssumable(error: unknown): boolean {
  if (!(error instanceof CloudError)) return false;
  if (error.code === 'InvalidParameterValueException')
    return /cannot be assumed by Lambda/i.test(error.message);
  // Scheduler: "The execution role you provide must allow AWS EventBridge Scheduler to assume the role."
  return (
    error.code === 'ValidationException' && /Scheduler to assume the role/i.test(error.message)
  );
}

/**
 * Runs `run` again while Lambda (or the scheduler) says the role cannot be assumed (IAM is eventually
 * consistent: a role just created takes a while to be usable), then gives up clearly.
 */
export async function retryWhileRoleNotAssumable<T>(
  run: () => Promise<T>,
  role: string,
  options: AssumeRetryOptions = {},
): Promise<T> {
  const delays = options.delaysMs ?? ASSUME_DELAYS_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!isRoleNotAssumable(error)) throw error;
      if (attempt >= delays.length) {
        const waited = delays.reduce((a, b) => a + b, 0) / 1000;
        const by = options.service ?? { name: 'Lambda', principal: 'lambda.amazonaws.com' };
        throw new DeployError(
          `${by.name} still cannot assume the role ${role} after ${attempt + 1} attempts over ${waited} s: check that its trust policy allows ${by.principal} to assume it, then deploy again`,
          { code: 'role-not-assumable', cause: error },
        );
      }
      options.onRetry?.(attempt + 1, delays[attempt]);
      await sleep(delays[attempt], undefined, { signal: options.signal });
    }
  }
}

type RunStep = <T>(message: string, run: () => Promise<T>) => Promise<T>;

/** The stage's roles during one deploy: each ensured once, on first need, by whoever needs it. */
export class StageRoles {
  private execution?: Promise<string>;
  private scheduler?: Promise<string>;

  constructor(
    private readonly stage: { service: string; stage: string; region: string },
    private readonly provider: CloudProvider,
    private readonly signal: AbortSignal,
  ) {}

  executionRole(step: RunStep): Promise<string> {
    this.execution ??= this.ensure(executionRoleSpec(this.stage, this.stage.region), step);
    return this.execution;
  }

  schedulerRole(account: string, step: RunStep): Promise<string> {
    this.scheduler ??= this.ensure(schedulerRoleSpec(this.stage, this.stage.region, account), step);
    return this.scheduler;
  }

  private async ensure(spec: RoleSpec, step: RunStep): Promise<string> {
    const existing = await this.provider.getRole(spec.name, { signal: this.signal });
    const ours = existing && ownedBy(existing.tags, this.stage.service, this.stage.stage);
    // Someone else's role of this name: used as it is (the plan said so), never changed.
    if (existing && !ours) return existing.arn;
    const ensure = () => this.provider.ensureRole(spec, { signal: this.signal });
    // Reusing is reads unless a policy went missing: no step to report for it.
    const { role } = existing ? await ensure() : await step(`Creating role ${spec.name}`, ensure);
    return role.arn;
  }
}
