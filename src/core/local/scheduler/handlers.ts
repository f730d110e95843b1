// CreateSchedule, GetSchedule, UpdateSchedule, DeleteSchedule and ListSchedules, as the
// Scheduler REST JSON API (`/schedules/{Name}`) declares them; the group is `default` only.
import { jsonBody, queryString, type LambdaRequest } from '../lambda/context';
import type { Identity } from '../lambda/model';
import { Router } from '../http/router';
import type { StateStore } from '../store/state-store';
import { scheduleConflict, scheduleNotFound, validation } from './errors';
import { checkName, scheduleFields } from './input';
import {
  DEFAULT_GROUP,
  renderSchedule,
  renderSummary,
  scheduleArn,
  scheduleKey,
  type ScheduleRecord,
} from './model';

export interface SchedulerServices {
  identity: Identity;
  store: StateStore;
  clock: () => number;
}

export type SchedulerHandler = (
  services: SchedulerServices,
  request: LambdaRequest,
) => Promise<{ status: number; json: unknown }>;

function schedules(services: SchedulerServices): Record<string, ScheduleRecord> {
  return (services.store.state.schedules ??= {});
}

function groupOf(value: unknown): string {
  const group = value === undefined || value === '' ? DEFAULT_GROUP : String(value);
  checkName(group, 'groupName');
  if (group !== DEFAULT_GROUP) {
    throw scheduleNotFound(`Schedule group ${group} does not exist.`);
  }
  return group;
}

function existing(services: SchedulerServices, group: string, name: string): ScheduleRecord {
  const schedule = schedules(services)[scheduleKey(group, name)];
  if (!schedule) throw scheduleNotFound(`Schedule ${name} does not exist.`);
  return schedule;
}

const createSchedule: SchedulerHandler = async (services, request) => {
  const input = jsonBody(request);
  const name = checkName(request.params.Name!);
  const group = groupOf(input.GroupName);
  const fields = scheduleFields(input);
  const key = scheduleKey(group, name);
  const token = typeof input.ClientToken === 'string' ? input.ClientToken : undefined;
  const found = schedules(services)[key];
  if (found) {
    // The SDK sends a fresh token per call and the same one on its retries.
    if (token !== undefined && found.clientToken === token) {
      return { status: 200, json: { ScheduleArn: scheduleArn(services.identity, group, name) } };
    }
    throw scheduleConflict(`Schedule ${name} already exists.`);
  }
  const now = services.clock();
  const record: ScheduleRecord = {
    name,
    groupName: group,
    ...fields,
    creationDate: now,
    lastModificationDate: now,
  };
  if (token !== undefined) record.clientToken = token;
  schedules(services)[key] = record;
  await services.store.save();
  return { status: 200, json: { ScheduleArn: scheduleArn(services.identity, group, name) } };
};

const getSchedule: SchedulerHandler = async (services, request) => {
  const group = groupOf(queryString(request, 'groupName'));
  const schedule = existing(services, group, request.params.Name!);
  return { status: 200, json: renderSchedule(services.identity, schedule) };
};

const updateSchedule: SchedulerHandler = async (services, request) => {
  const input = jsonBody(request);
  const group = groupOf(input.GroupName);
  const schedule = existing(services, group, request.params.Name!);
  const fields = scheduleFields(input);
  // UpdateSchedule replaces every field: what the request leaves out goes back to its default.
  for (const key of ['timezone', 'startDate', 'endDate', 'description', 'kmsKeyArn'] as const) {
    delete schedule[key];
  }
  Object.assign(schedule, fields, { lastModificationDate: services.clock() });
  await services.store.save();
  return {
    status: 200,
    json: { ScheduleArn: scheduleArn(services.identity, group, schedule.name) },
  };
};

const deleteSchedule: SchedulerHandler = async (services, request) => {
  const group = groupOf(queryString(request, 'groupName'));
  const schedule = existing(services, group, request.params.Name!);
  delete schedules(services)[scheduleKey(group, schedule.name)];
  await services.store.save();
  return { status: 200, json: {} };
};

const listSchedules: SchedulerHandler = async (services, request) => {
  const group = queryString(request, 'ScheduleGroup');
  const prefix = queryString(request, 'NamePrefix') ?? '';
  const state = queryString(request, 'State');
  if (state !== undefined && state !== 'ENABLED' && state !== 'DISABLED') {
    throw validation(
      `1 validation error detected: Value '${state}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]`,
    );
  }
  const maxText = queryString(request, 'MaxResults');
  const max = maxText === undefined ? 100 : Number(maxText);
  if (!Number.isInteger(max) || max < 1 || max > 100) {
    throw validation(
      `1 validation error detected: Value '${maxText}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100`,
    );
  }
  const token = queryString(request, 'NextToken');
  const start = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(start) || start < 0) throw validation(`Invalid NextToken ${token}.`);
  const matching = Object.values(schedules(services))
    .filter(
      (s) =>
        (group === undefined || s.groupName === group) &&
        s.name.startsWith(prefix) &&
        (state === undefined || s.state === state),
    )
    .sort((a, b) => a.groupName.localeCompare(b.groupName) || a.name.localeCompare(b.name));
  const page = matching.slice(start, start + max);
  const end = start + page.length;
  return {
    status: 200,
    json: {
      Schedules: page.map((s) => renderSummary(services.identity, s)),
      NextToken: end < matching.length ? Buffer.from(String(end)).toString('base64url') : undefined,
    },
  };
};

export function schedulerRouter(): Router<SchedulerHandler> {
  return new Router<SchedulerHandler>()
    .add('POST', '/schedules/{Name}', createSchedule)
    .add('GET', '/schedules/{Name}', getSchedule)
    .add('PUT', '/schedules/{Name}', updateSchedule)
    .add('DELETE', '/schedules/{Name}', deleteSchedule)
    .add('GET', '/schedules', listSchedules);
}

export function isSchedulerPath(rawPath: string): boolean {
  return /^\/(schedules|schedule-groups)(\/|$)/.test(rawPath);
}
