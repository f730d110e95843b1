// Checks a CreateSchedule / UpdateSchedule body and turns it into the stored fields.
import { checkTimezone, ExpressionError, parseExpression } from './expression';
import { validation } from './errors';
import type { ScheduleRecord, ScheduleTarget } from './model';

const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;
const ROLE_ARN = /^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const LAMBDA_ARN =
  /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:[a-zA-Z0-9-_.]+(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;

export function checkName(name: string, member = 'name'): string {
  if (!NAME.test(name)) {
    throw validation(
      `1 validation error detected: Value '${name}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-zA-Z-_.]+ and have length between 1 and 64`,
    );
  }
  return name;
}

function epochMs(value: unknown, member: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw validation(`${member} must be a timestamp.`);
  }
  return Math.round(value * 1000);
}

function target(value: unknown): ScheduleTarget {
  const t = (value ?? {}) as Record<string, unknown>;
  if (typeof t.Arn !== 'string' || typeof t.RoleArn !== 'string') {
    throw validation('Target requires Arn and RoleArn.');
  }
  if (!ROLE_ARN.test(t.RoleArn)) {
    throw validation(
      `1 validation error detected: Value '${t.RoleArn}' at 'target.roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws(-[a-z]+)?:iam::\\d{12}:role\\/[\\w+=,.@\\/-]+$`,
    );
  }
  if (!LAMBDA_ARN.test(t.Arn)) {
    throw validation(
      `Invalid target ${t.Arn}: the local cloud's scheduler invokes Lambda functions only; pass a function ARN.`,
    );
  }
  const out: ScheduleTarget = { Arn: t.Arn, RoleArn: t.RoleArn };
  if (t.Input !== undefined) {
    if (typeof t.Input !== 'string') throw validation('Target.Input must be a string.');
    try {
      JSON.parse(t.Input);
    } catch {
      throw validation(
        'Invalid Target Input: the input of a Lambda target must be well-formed JSON.',
      );
    }
    out.Input = t.Input;
  }
  if (t.RetryPolicy !== undefined) out.RetryPolicy = t.RetryPolicy as ScheduleTarget['RetryPolicy'];
  if (t.DeadLetterConfig !== undefined) {
    out.DeadLetterConfig = t.DeadLetterConfig as ScheduleTarget['DeadLetterConfig'];
  }
  return out;
}

function window(value: unknown): ScheduleRecord['flexibleTimeWindow'] {
  const w = (value ?? {}) as Record<string, unknown>;
  if (w.Mode === 'OFF') return { Mode: 'OFF' };
  if (w.Mode === 'FLEXIBLE') {
    const max = w.MaximumWindowInMinutes;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 1440) {
      throw validation(
        'FlexibleTimeWindow.MaximumWindowInMinutes must be between 1 and 1440 when Mode is FLEXIBLE.',
      );
    }
    return { Mode: 'FLEXIBLE', MaximumWindowInMinutes: max };
  }
  throw validation(
    `1 validation error detected: Value '${String(w.Mode)}' at 'flexibleTimeWindow.mode' failed to satisfy constraint: Member must satisfy enum value set: [OFF, FLEXIBLE]`,
  );
}

export type ScheduleFields = Omit<
  ScheduleRecord,
  'name' | 'groupName' | 'creationDate' | 'lastModificationDate' | 'lastFiredAt' | 'clientToken'
>;

export function scheduleFields(input: Record<string, unknown>): ScheduleFields {
  const expression = input.ScheduleExpression;
  if (typeof expression !== 'string') throw validation('ScheduleExpression is required.');
  const timezone = input.ScheduleExpressionTimezone;
  try {
    parseExpression(expression);
    if (timezone !== undefined) checkTimezone(String(timezone));
  } catch (error) {
    if (error instanceof ExpressionError) throw validation(error.message);
    throw error;
  }
  const state = input.State ?? 'ENABLED';
  if (state !== 'ENABLED' && state !== 'DISABLED') {
    throw validation(
      `1 validation error detected: Value '${String(state)}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]`,
    );
  }
  const after = input.ActionAfterCompletion ?? 'NONE';
  if (after !== 'NONE' && after !== 'DELETE') {
    throw validation(
      `1 validation error detected: Value '${String(after)}' at 'actionAfterCompletion' failed to satisfy constraint: Member must satisfy enum value set: [NONE, DELETE]`,
    );
  }
  const startDate = epochMs(input.StartDate, 'StartDate');
  const endDate = epochMs(input.EndDate, 'EndDate');
  if (startDate !== undefined && endDate !== undefined && endDate <= startDate) {
    throw validation('The EndDate must be later than the StartDate.');
  }
  const fields: ScheduleFields = {
    expression,
    state,
    flexibleTimeWindow: window(input.FlexibleTimeWindow),
    target: target(input.Target),
    actionAfterCompletion: after,
  };
  if (timezone !== undefined) fields.timezone = String(timezone);
  if (startDate !== undefined) fields.startDate = startDate;
  if (endDate !== undefined) fields.endDate = endDate;
  if (typeof input.Description === 'string') fields.description = input.Description;
  if (typeof input.KmsKeyArn === 'string') fields.kmsKeyArn = input.KmsKeyArn;
  return fields;
}
