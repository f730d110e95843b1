// A function's events in the cloud: its URL (http events) and its schedules. Planned from what
// is deployed, applied after the function's alias is in place (both point at the alias).
import type {
  CallOptions,
  CloudProvider,
  FunctionUrlInfo,
  ScheduleInfo,
  ScheduleSpec,
} from '../cloud/provider';
import { CloudError } from '../cloud/errors';
import type { FunctionSpec, Manifest } from '../manifest/types';
import { scheduleOwner, stagePrefix } from './ownership';
import { retryWhileRoleNotAssumable } from './roles';
import {
  decideSchedules,
  desiredSchedules,
  SCHEDULE_GROUP,
  type ScheduleChange,
} from './schedules';
import { decideUrl, desiredUrl, type DesiredUrl, type UrlDecision } from './urls';

export interface UrlPlan extends UrlDecision {
  desired?: DesiredUrl;
  current?: FunctionUrlInfo;
}

export interface EventsPlan {
  url: UrlPlan;
  /** Every schedule of the function: wanted, kept, changed or deleted. */
  schedules: ScheduleChange[];
}

/** Stands in for an ARN that exists once the function is created. */
export const PENDING_FUNCTION = 'flourish:pending-function/';

export function hasEventChanges(events: EventsPlan): boolean {
  return (
    !['unchanged', 'none'].includes(events.url.action) ||
    events.schedules.some((s) => s.action !== 'unchanged')
  );
}

export function planEvents(
  manifest: Pick<Manifest, 'service' | 'stage'>,
  fn: FunctionSpec,
  read: {
    url?: FunctionUrlInfo;
    /** This function's schedules as found. */
    schedules: ScheduleInfo[];
    /** The function's unqualified ARN, when it exists. */
    functionArn?: string;
    schedulerRoleArn: string;
  },
): EventsPlan {
  const desired = desiredUrl(fn);
  const url: UrlPlan = { ...decideUrl(desired, read.url), desired, current: read.url };
  const target = `${read.functionArn ?? `${PENDING_FUNCTION}${fn.name}`}:${manifest.stage}`;
  const wanted = desiredSchedules(manifest, fn, target, read.schedulerRoleArn);
  return { url, schedules: decideSchedules(wanted, read.schedules) };
}

/**
 * The function's URL on the stage alias. A function without http events has no need of one,
 * so a caller not allowed to read URLs is then no reason to stop a deploy.
 */
export async function readUrl(
  provider: CloudProvider,
  fn: FunctionSpec,
  stage: string,
  options: CallOptions = {},
): Promise<FunctionUrlInfo | undefined> {
  try {
    return await provider.getFunctionUrl(fn.name, stage, options);
  } catch (error) {
    const needed = fn.events.some((e) => e.type === 'http');
    if (!needed && error instanceof CloudError && /AccessDenied/.test(error.code)) return undefined;
    throw error;
  }
}

/**
 * Every schedule Flourish made for this stage, by function key. Without schedule events in the
 * manifest, a caller not allowed to list schedules is no reason to stop a deploy.
 */
export async function readStageSchedules(
  provider: CloudProvider,
  manifest: Pick<Manifest, 'service' | 'stage'>,
  options: CallOptions & { required: boolean },
): Promise<Map<string, ScheduleInfo[]>> {
  let found: ScheduleInfo[];
  try {
    found = await provider.listSchedules(
      { namePrefix: stagePrefix(manifest.service, manifest.stage), group: SCHEDULE_GROUP },
      options,
    );
  } catch (error) {
    if (!options.required && error instanceof CloudError && /AccessDenied/.test(error.code))
      return new Map();
    throw error;
  }
  const byKey = new Map<string, ScheduleInfo[]>();
  for (const s of found) {
    const key = scheduleOwner(s.description, manifest.service, manifest.stage);
    if (key === undefined) continue;
    byKey.set(key, [...(byKey.get(key) ?? []), s]);
  }
  return byKey;
}

export interface ApplyEventsContext {
  signal: AbortSignal;
  /** The function's unqualified ARN. */
  functionArn: string;
  alias: string;
  /** The scheduler role's ARN, made on first need. */
  schedulerRole: () => Promise<string>;
  step: <T>(step: 'url' | 'schedule', message: string, run: () => Promise<T>) => Promise<T>;
  /** Pauses while the scheduler cannot assume a new role yet (see retryWhileRoleNotAssumable). */
  retryDelaysMs?: number[];
}

export interface EventsOutcome {
  url?: string;
  schedules: string[];
  /** Something was created, changed or deleted. */
  changed: boolean;
}

export async function applyEvents(
  name: string,
  events: EventsPlan,
  provider: CloudProvider,
  ctx: ApplyEventsContext,
): Promise<EventsOutcome> {
  const { signal, alias } = ctx;
  const outcome: EventsOutcome = { url: events.url.current?.url, schedules: [], changed: false };
  const { action, desired, authChanged } = events.url;
  if (action === 'create' || action === 'update') {
    const verb = action === 'create' ? 'Creating' : 'Updating';
    const put = await ctx.step('url', `${verb} the function URL of ${name}:${alias}`, () =>
      provider.putFunctionUrl(name, alias, desired!, { signal, create: action === 'create' }),
    );
    outcome.url = put.url;
    outcome.changed = true;
  }
  if (action === 'delete') {
    await ctx.step('url', `Deleting the function URL of ${name}:${alias}`, async () => {
      await provider.setPublicUrlAccess(name, alias, false, { signal });
      await provider.deleteFunctionUrl(name, alias, { signal });
    });
    outcome.url = undefined;
    outcome.changed = true;
  } else if (desired && authChanged) {
    const open = desired.authType === 'NONE';
    await ctx.step(
      'url',
      open
        ? `Letting anyone call the URL of ${name}:${alias} (auth NONE)`
        : `Limiting the URL of ${name}:${alias} to signed callers (auth AWS_IAM)`,
      () => provider.setPublicUrlAccess(name, alias, open, { signal }),
    );
  }

  const wanted = events.schedules.filter((s) => s.desired).map((s) => s.desired!);
  if (wanted.length > 0 || events.schedules.length > 0) {
    // Decide again with the real target and role: either may have been pending at plan time.
    const roleArn = wanted.length > 0 ? await ctx.schedulerRole() : '';
    const target = `${ctx.functionArn}:${alias}`;
    const resolved: ScheduleSpec[] = wanted.map((s) => ({ ...s, targetArn: target, roleArn }));
    const current = events.schedules.filter((s) => s.current).map((s) => s.current!);
    for (const change of decideSchedules(resolved, current)) {
      if (change.action === 'unchanged') {
        outcome.schedules.push(change.name);
        continue;
      }
      if (change.action === 'delete') {
        await ctx.step('schedule', `Deleting schedule ${change.name}`, () =>
          provider.deleteSchedule(change.name, change.current!.group, { signal }),
        );
      } else {
        const spec = change.desired!;
        const verb = change.action === 'create' ? 'Creating' : 'Updating';
        await ctx.step('schedule', `${verb} schedule ${spec.name} (${spec.expression})`, () =>
          retryWhileRoleNotAssumable(
            () => provider.putSchedule(spec, { signal, create: change.action === 'create' }),
            roleArn,
            {
              signal,
              delaysMs: ctx.retryDelaysMs,
              service: { name: 'EventBridge Scheduler', principal: 'scheduler.amazonaws.com' },
            },
          ),
        );
        outcome.schedules.push(change.name);
      }
      outcome.changed = true;
    }
  }
  return outcome;
}
