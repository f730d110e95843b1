// Schedule events become EventBridge Scheduler schedules named `<service>-<stage>-<key>-<n>`
// in the default group, invoking the stage alias. Pure: what is wanted, and what to change.
import { createHash } from 'node:crypto';
import type { ScheduleInfo, ScheduleSpec } from '../cloud/provider';
import type { FunctionSpec, Manifest, ScheduleEvent } from '../manifest/types';
import { scheduleMarker } from './ownership';

export const SCHEDULE_GROUP = 'default';
/** Scheduler's limit on a schedule's name. */
const MAX_NAME = 64;

export type ScheduleAction = 'create' | 'update' | 'delete' | 'unchanged';

export interface ScheduleChange {
  action: ScheduleAction;
  name: string;
  /** What it will be (absent when deleted). */
  desired?: ScheduleSpec;
  /** What it is (absent when created). */
  current?: ScheduleInfo;
  /** Fields that change, for plans. */
  fields: string[];
}

/** `<service>-<stage>-<key>-<n>`, shortened with a digest when longer than Scheduler allows. */
export function scheduleName(fn: Pick<FunctionSpec, 'name'>, index: number): string {
  const name = `${fn.name}-${index + 1}`;
  if (name.length <= MAX_NAME) return name;
  const digest = createHash('sha256').update(fn.name).digest('hex').slice(0, 8);
  const tail = `-${digest}-${index + 1}`;
  return `${fn.name.slice(0, MAX_NAME - tail.length)}${tail}`;
}

/** The schedules a function's events ask for, invoking `targetArn` with `roleArn`. */
export function desiredSchedules(
  manifest: Pick<Manifest, 'service' | 'stage'>,
  fn: FunctionSpec,
  targetArn: string,
  roleArn: string,
): ScheduleSpec[] {
  const events = fn.events.filter((e): e is ScheduleEvent => e.type === 'schedule');
  return events.map((e, i) => {
    const spec: ScheduleSpec = {
      name: scheduleName(fn, i),
      group: SCHEDULE_GROUP,
      expression: e.expression,
      state: e.enabled ? 'ENABLED' : 'DISABLED',
      targetArn,
      roleArn,
      description: scheduleMarker(manifest.service, manifest.stage, fn.key),
    };
    if (e.input !== undefined) spec.input = JSON.stringify(e.input);
    return spec;
  });
}

const COMPARED: (keyof ScheduleSpec)[] = [
  'expression',
  'state',
  'input',
  'targetArn',
  'roleArn',
  'description',
];

/** Create, update or delete so that exactly the desired schedules exist, by name. */
export function decideSchedules(
  desired: ScheduleSpec[],
  current: ScheduleInfo[],
): ScheduleChange[] {
  const byName = new Map(current.map((s) => [s.name, s]));
  const changes: ScheduleChange[] = desired.map((d) => {
    const now = byName.get(d.name);
    if (!now) return { action: 'create', name: d.name, desired: d, fields: [] };
    const fields = COMPARED.filter((f) => !sameValue(f, d[f], now[f]));
    return {
      action: fields.length ? 'update' : 'unchanged',
      name: d.name,
      desired: d,
      current: now,
      fields,
    };
  });
  const wanted = new Set(desired.map((d) => d.name));
  for (const s of current) {
    if (!wanted.has(s.name))
      changes.push({ action: 'delete', name: s.name, current: s, fields: [] });
  }
  return changes;
}

function sameValue(field: keyof ScheduleSpec, a: unknown, b: unknown): boolean {
  // The input is JSON: the same document may come back with other spacing.
  if (field === 'input' && typeof a === 'string' && typeof b === 'string') {
    try {
      return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
    } catch {
      return a === b;
    }
  }
  return a === b;
}
