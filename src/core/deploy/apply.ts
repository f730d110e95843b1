// applyDeploy: carry out a plan. Per function: create or update the code, update the
// configuration, publish a version of exactly that code and configuration, and move the stage
// alias to it, last. Until the alias moves, the stage keeps serving the last good version, so
// stopping anywhere is safe and deploying again picks up where this one stopped. Then its URL
// and schedules, which point at the alias. Roles the stage needs are made on first need.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbortError } from '../cloud/errors';
import { LATEST, type CloudProvider, type FunctionVersion } from '../cloud/provider';
import { formatBytes } from './bytes';
import { configurationFingerprint } from './configuration';
import type { PlanAction } from './decide';
import { DeployError } from './errors';
import { applyEvents, hasEventChanges } from './events';
import { gitRevision, type GitRevision } from './git';
import type { DeployPlan, FunctionPlan } from './plan';
import { mapBounded } from './pool';
import { accountOf, retryWhileRoleNotAssumable, StageRoles } from './roles';
import { formatVersionDescription } from './versionMetadata';

export type DeployStep =
  | 'role'
  | 'create'
  | 'upload-code'
  | 'update-configuration'
  | 'wait'
  | 'tag'
  | 'publish'
  | 'alias'
  | 'url'
  | 'schedule';

export type DeployEvent =
  | { type: 'function-started'; functionKey: string; action: PlanAction }
  | { type: 'step-started'; functionKey: string; step: DeployStep; message: string }
  | { type: 'step-finished'; functionKey: string; step: DeployStep; message: string }
  | { type: 'function-finished'; functionKey: string; outcome: FunctionOutcome };

export interface ApplyOptions {
  /** Functions deployed at once; default 4. */
  concurrency?: number;
  /** Stops before the next step; the alias stays on the last good version. */
  signal?: AbortSignal;
  onEvent?: (event: DeployEvent) => void;
  /** Pauses while Lambda cannot assume a new role yet; default ASSUME_DELAYS_MS (about 1 min). */
  roleRetryDelaysMs?: number[];
}

export type OutcomeStatus = 'deployed' | 'unchanged' | 'failed' | 'cancelled';

export interface FunctionOutcome {
  functionKey: string;
  name: string;
  action: PlanAction;
  status: OutcomeStatus;
  /** The version the stage alias points at afterwards (unchanged when failed or cancelled). */
  version?: string;
  /** The version the alias pointed at before. */
  previousVersion?: string;
  /** Set when this deploy published a version. */
  publishedVersion?: string;
  /** Bytes of code uploaded (zero when the code was already there). */
  uploadedBytes: number;
  /** The function URL on the stage alias, when it has one. */
  url?: string;
  /** Names of its schedules. */
  schedules?: string[];
  error?: Error;
}

export interface DeployResult {
  /** Every function is deployed or unchanged. */
  ok: boolean;
  /** The signal aborted the deploy. */
  cancelled: boolean;
  functions: FunctionOutcome[];
  durationMs: number;
}

export async function applyDeploy(
  plan: DeployPlan,
  provider: CloudProvider,
  options: ApplyOptions = {},
): Promise<DeployResult> {
  const started = Date.now();
  const signal = options.signal ?? new AbortController().signal;
  const emit = (event: DeployEvent) => options.onEvent?.(event);
  let revision: Promise<GitRevision | undefined> | undefined;
  const commit = () => (revision ??= gitRevision(plan.root));
  const roles = new StageRoles(
    { service: plan.service, stage: plan.stage, region: plan.target.region },
    provider,
    signal,
  );
  const retryDelays = options.roleRetryDelaysMs;
  if (plan.functions.some((f) => f.managedRole && f.action !== 'unchanged')) {
    // Once for the stage, before the functions; reported under the service's name. A failure
    // reaches every function that needs the role through the same promise.
    await roles
      .executionRole(async (message, run) => {
        const at = { functionKey: plan.service, step: 'role' as const, message };
        emit({ type: 'step-started', ...at });
        const result = await run();
        emit({ type: 'step-finished', ...at });
        return result;
      })
      .catch(() => undefined);
  }

  const functions = await mapBounded(plan.functions, options.concurrency ?? 4, async (fn) => {
    const outcome = await applyFunction(fn, provider, { signal, emit, commit, roles, retryDelays });
    emit({ type: 'function-finished', functionKey: fn.key, outcome });
    return outcome;
  });
  return {
    ok: functions.every((f) => f.status === 'deployed' || f.status === 'unchanged'),
    cancelled: signal.aborted,
    functions,
    durationMs: Date.now() - started,
  };
}

interface ApplyContext {
  signal: AbortSignal;
  emit: (event: DeployEvent) => void;
  commit: () => Promise<GitRevision | undefined>;
  roles: StageRoles;
  retryDelays?: number[];
}

async function applyFunction(
  plan: FunctionPlan,
  provider: CloudProvider,
  ctx: ApplyContext,
): Promise<FunctionOutcome> {
  const { signal, emit } = ctx;
  const outcome: FunctionOutcome = {
    functionKey: plan.key,
    name: plan.name,
    action: plan.action,
    status: 'unchanged',
    version: plan.aliasBefore?.version,
    previousVersion: plan.aliasBefore?.version,
    uploadedBytes: 0,
    url: plan.events?.url.current?.url,
  };
  const eventsChange = plan.events ? hasEventChanges(plan.events) : false;
  if (plan.action === 'unchanged' && !eventsChange) return outcome;
  emit({ type: 'function-started', functionKey: plan.key, action: plan.action });

  const step = async <T>(name: DeployStep, message: string, run: () => Promise<T>) => {
    signal.throwIfAborted();
    emit({ type: 'step-started', functionKey: plan.key, step: name, message });
    const result = await run();
    emit({ type: 'step-finished', functionKey: plan.key, step: name, message });
    return result;
  };
  const wait = () =>
    step('wait', `Waiting for ${plan.name} to finish updating`, () =>
      provider.waitUntilReady(plan.name, { signal }),
    );

  let configuration = plan.configuration;
  // A new role takes a while to reach Lambda: writes that name it are retried until it has.
  const assumable = <T>(run: () => Promise<T>) =>
    retryWhileRoleNotAssumable(run, configuration.role, {
      signal,
      delaysMs: ctx.retryDelays,
      onRetry: (attempt, ms) =>
        emit({
          type: 'step-started',
          functionKey: plan.key,
          step: 'wait',
          message: `Lambda cannot assume role ${configuration.role} yet (IAM is still propagating it): attempt ${attempt + 1} in ${ms / 1000} s`,
        }),
    });

  try {
    if (plan.managedRole && plan.action !== 'unchanged') {
      const role = await ctx.roles.executionRole((message, run) => step('role', message, run));
      configuration = { ...configuration, role };
    }
    let latest: FunctionVersion | undefined;
    let arn = plan.latest?.arn;
    if (plan.action === 'create') {
      const zip = await readPackage(plan);
      const created = await step('create', `Creating ${plan.name}`, () =>
        assumable(() =>
          provider.createFunction(
            { name: plan.name, configuration, zip, tags: plan.tags },
            { signal },
          ),
        ),
      );
      outcome.uploadedBytes = zip.byteLength;
      arn = created.arn;
      latest = await wait();
    } else {
      let revisionId = plan.latest?.revisionId;
      if (plan.uploadCode) {
        const zip = await readPackage(plan);
        await step('upload-code', `Uploading ${formatBytes(zip.byteLength)} to ${plan.name}`, () =>
          provider.updateCode(
            plan.name,
            { zip, architecture: plan.configuration.architecture, revisionId },
            { signal },
          ),
        );
        outcome.uploadedBytes = zip.byteLength;
        latest = await wait();
        revisionId = latest.revisionId;
      }
      if (plan.configurationChanges.some((d) => d.field !== 'architecture')) {
        await step('update-configuration', `Updating the configuration of ${plan.name}`, () =>
          assumable(() =>
            provider.updateConfiguration(plan.name, configuration, { signal, revisionId }),
          ),
        );
        latest = await wait();
      }
    }
    if (plan.tagChanges.length && arn) {
      const tags = Object.fromEntries(
        plan.tagChanges.map((d) => [d.field.slice('tags.'.length), String(d.to)]),
      );
      await step('tag', `Tagging ${plan.name}`, () => provider.tagFunction(arn, tags, { signal }));
    }

    let target = plan.aliasTarget;
    if (plan.publish) {
      const current = latest ?? (await provider.getVersion(plan.name, LATEST, { signal }));
      const git = await ctx.commit();
      const description = formatVersionDescription({
        contentHash: plan.package.contentHash,
        configFingerprint: configurationFingerprint(current.configuration),
        commit: git?.commit,
        dirty: git?.dirty,
      });
      // CodeSha256 and RevisionId make Lambda refuse to publish anything but what was
      // uploaded and configured here, even if someone changed the function in between.
      const published = await step('publish', `Publishing a version of ${plan.name}`, () =>
        provider.publishVersion(
          plan.name,
          { codeSha256: plan.package.codeSha256, revisionId: current.revisionId, description },
          { signal },
        ),
      );
      if (published.codeSha256 && published.codeSha256 !== plan.package.codeSha256) {
        throw new DeployError(
          `Version ${published.version} of ${plan.name} holds code ${published.codeSha256}, not the package ${plan.package.codeSha256}: the function changed during the deploy; deploy again`,
          { code: 'publish-mismatch', functionKey: plan.key },
        );
      }
      target = published.version;
      outcome.publishedVersion = published.version;
    }

    if (plan.moveAlias && target && target !== plan.aliasBefore?.version) {
      const to = target;
      await step('alias', `Pointing alias ${plan.alias} of ${plan.name} at version ${to}`, () =>
        provider.putAlias(plan.name, plan.alias, to, {
          signal,
          create: !plan.aliasBefore,
          revisionId: plan.aliasBefore?.revisionId,
          description: `Flourish stage ${plan.alias}`,
        }),
      );
    }
    outcome.version = target ?? plan.aliasBefore?.version;
    if (plan.events && arn && outcome.version) {
      const functionArn = unqualified(arn);
      const events = await applyEvents(plan.name, plan.events, provider, {
        signal,
        functionArn,
        alias: plan.alias,
        schedulerRole: () =>
          ctx.roles.schedulerRole(accountOf(functionArn) ?? '', (message, run) =>
            step('role', message, run),
          ),
        step: (name, message, run) => step(name, message, run),
        retryDelaysMs: ctx.retryDelays,
      });
      outcome.url = events.url;
      if (events.schedules.length) outcome.schedules = events.schedules;
    }
    outcome.status = 'deployed';
  } catch (error) {
    outcome.status = signal.aborted && isAbortLike(error, signal) ? 'cancelled' : 'failed';
    outcome.error = error instanceof Error ? error : new Error(String(error));
  }
  return outcome;
}

/** `arn:aws:lambda:r:a:function:name`, whatever qualifier the ARN had. */
function unqualified(arn: string): string {
  return arn.split(':').slice(0, 7).join(':');
}

function isAbortLike(error: unknown, signal: AbortSignal): boolean {
  return error === signal.reason || isAbortError(error);
}

/** The zip as planned; refuses one that changed since (another package run replaced it). */
async function readPackage(plan: FunctionPlan): Promise<Uint8Array> {
  const zip = await readFile(plan.package.zipPath);
  const sha = createHash('sha256').update(zip).digest('base64');
  if (sha !== plan.package.codeSha256) {
    throw new DeployError(
      `The package of ${plan.key} (${plan.package.zipPath}) changed after the plan was made: plan the deploy again`,
      { code: 'package-changed', functionKey: plan.key },
    );
  }
  return zip;
}
