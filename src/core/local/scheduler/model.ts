// What the local cloud keeps about each EventBridge Scheduler schedule, and its API shapes.
import type { Identity } from '../lambda/model';

export interface ScheduleTarget {
  Arn: string;
  RoleArn: string;
  Input?: string;
  RetryPolicy?: { MaximumEventAgeInSeconds?: number; MaximumRetryAttempts?: number };
  DeadLetterConfig?: { Arn?: string };
}

export interface ScheduleRecord {
  name: string;
  groupName: string;
  expression: string;
  timezone?: string;
  /** Milliseconds since the epoch. */
  startDate?: number;
  endDate?: number;
  description?: string;
  state: 'ENABLED' | 'DISABLED';
  flexibleTimeWindow: { Mode: 'OFF' | 'FLEXIBLE'; MaximumWindowInMinutes?: number };
  target: ScheduleTarget;
  actionAfterCompletion: 'NONE' | 'DELETE';
  kmsKeyArn?: string;
  creationDate: number;
  lastModificationDate: number;
  /** When the scheduler last invoked the target (missed runs are not replayed). */
  lastFiredAt?: number;
  /** The create request's idempotency token: a retried create answers as the first did. */
  clientToken?: string;
}

export const DEFAULT_GROUP = 'default';

export const scheduleKey = (group: string, name: string): string => `${group}/${name}`;

export function scheduleArn(identity: Identity, group: string, name: string): string {
  return `arn:aws:scheduler:${identity.region}:${identity.accountId}:schedule/${group}/${name}`;
}

/** Scheduler's JSON carries timestamps as epoch seconds. */
const seconds = (ms: number | undefined): number | undefined =>
  ms === undefined ? undefined : ms / 1000;

export function renderSchedule(identity: Identity, s: ScheduleRecord): Record<string, unknown> {
  return {
    Arn: scheduleArn(identity, s.groupName, s.name),
    GroupName: s.groupName,
    Name: s.name,
    ScheduleExpression: s.expression,
    ScheduleExpressionTimezone: s.timezone,
    StartDate: seconds(s.startDate),
    EndDate: seconds(s.endDate),
    Description: s.description,
    State: s.state,
    CreationDate: seconds(s.creationDate),
    LastModificationDate: seconds(s.lastModificationDate),
    KmsKeyArn: s.kmsKeyArn,
    Target: s.target,
    FlexibleTimeWindow: s.flexibleTimeWindow,
    ActionAfterCompletion: s.actionAfterCompletion,
  };
}

export function renderSummary(identity: Identity, s: ScheduleRecord): Record<string, unknown> {
  return {
    Arn: scheduleArn(identity, s.groupName, s.name),
    Name: s.name,
    GroupName: s.groupName,
    State: s.state,
    CreationDate: seconds(s.creationDate),
    LastModificationDate: seconds(s.lastModificationDate),
    Target: { Arn: s.target.Arn },
  };
}
