// Runs due schedules: each enabled schedule whose next fire time has come invokes its target
// function asynchronously (InvocationType Event) with its Input or Scheduler's default event.
// Runs missed while the cloud was stopped, or between two checks, fire once, not once each.
import { randomBytes } from 'node:crypto';
import type { LambdaServices } from '../lambda/context';
import { target } from '../lambda/invoke';
import { resolveQualified } from '../lambda/resolve';
import { nextFire, parseExpression } from './expression';
import { scheduleArn, scheduleKey, type ScheduleRecord } from './model';

export interface FiredSchedule {
  scheduleArn: string;
  /** The time the schedule was due (what `<aws.scheduler.scheduled-time>` says). */
  scheduledTime: string;
  /** The Event invocation's request id, when the target could be invoked. */
  requestId?: string;
  /** Why the target could not be invoked (missing function, not Active). */
  error?: string;
}

const CHECK_INTERVAL_MS = 1000;

export class ScheduleLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<FiredSchedule[]> = Promise.resolve([]);

  constructor(
    private readonly lambda: LambdaServices,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Checks once a second against the cloud's clock (off when tests drive runDue). */
  start(): void {
    this.timer = setInterval(() => {
      this.runDue(this.lambda.clock()).catch(this.onError);
    }, CHECK_INTERVAL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running.catch(() => undefined);
  }

  /** When `schedule` fires next after its last run or change; undefined when never again. */
  nextFireOf(schedule: ScheduleRecord): number | undefined {
    const after = Math.max(
      schedule.lastFiredAt ?? -Infinity,
      schedule.lastModificationDate,
      schedule.startDate === undefined ? -Infinity : schedule.startDate - 1,
    );
    const anchor = schedule.startDate ?? schedule.lastModificationDate;
    const next = nextFire(parseExpression(schedule.expression), after, anchor, schedule.timezone);
    if (next === undefined || (schedule.endDate !== undefined && next > schedule.endDate)) {
      return undefined;
    }
    return next;
  }

  /** Fires every schedule due at `now`; runs one at a time, in order of calls. */
  runDue(now: number): Promise<FiredSchedule[]> {
    const run = this.running.catch(() => []).then(() => this.fireDue(now));
    this.running = run;
    return run;
  }

  private async fireDue(now: number): Promise<FiredSchedule[]> {
    const store = this.lambda.store;
    const all = store.state.schedules ?? {};
    const fired: FiredSchedule[] = [];
    for (const schedule of Object.values(all)) {
      if (schedule.state !== 'ENABLED') continue;
      let due: number | undefined;
      try {
        due = this.nextFireOf(schedule);
      } catch {
        // Only a hand-edited state file holds an expression the API would have refused.
        continue;
      }
      if (due === undefined || due > now) continue;
      schedule.lastFiredAt = now;
      fired.push(await this.fire(schedule, due));
      const once = parseExpression(schedule.expression).kind === 'at';
      if (once && schedule.actionAfterCompletion === 'DELETE') {
        delete all[scheduleKey(schedule.groupName, schedule.name)];
      }
    }
    if (fired.length > 0) await store.save();
    return fired;
  }

  private async fire(schedule: ScheduleRecord, due: number): Promise<FiredSchedule> {
    const { identity } = this.lambda;
    const arn = scheduleArn(identity, schedule.groupName, schedule.name);
    const scheduledTime = new Date(due).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const executionId = randomBytes(8).toString('hex');
    const payload =
      schedule.target.Input === undefined
        ? JSON.stringify({
            version: '0',
            id: executionId,
            'detail-type': 'Scheduled Event',
            source: 'aws.scheduler',
            account: identity.accountId,
            time: scheduledTime,
            region: identity.region,
            resources: [arn],
            detail: {},
          })
        : schedule.target.Input.replaceAll('<aws.scheduler.schedule-arn>', arn)
            .replaceAll('<aws.scheduler.scheduled-time>', scheduledTime)
            .replaceAll('<aws.scheduler.execution-id>', executionId)
            .replaceAll('<aws.scheduler.attempt-number>', '1');
    try {
      const resolved = resolveQualified(this.lambda.store.state, identity, schedule.target.Arn);
      if (resolved.record.state !== 'Active') {
        return {
          scheduleArn: arn,
          scheduledTime,
          error: `The function is ${resolved.record.state}.`,
        };
      }
      const chosen = await target(this.lambda, resolved);
      const config = await this.lambda.invoker.config(chosen.fn, chosen.record);
      const requestId = this.lambda.invoker.enqueue(
        config,
        Buffer.from(payload),
        undefined,
        resolved.qualifier,
      );
      return { scheduleArn: arn, scheduledTime, requestId };
    } catch (error) {
      return { scheduleArn: arn, scheduledTime, error: (error as Error).message };
    }
  }
}
