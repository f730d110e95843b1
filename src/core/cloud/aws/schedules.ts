// EventBridge Scheduler schedules that invoke a function. Scheduler tags only schedule groups,
// not schedules, so ownership is read from a schedule's name and description by the caller.
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  SchedulerClient,
  UpdateScheduleCommand,
  type GetScheduleOutput,
} from '@aws-sdk/client-scheduler';
import type { CallOptions, ScheduleInfo, ScheduleSpec } from '../provider';
import { unlessNotFound, type Caller } from './call';

export class Schedules {
  constructor(
    private readonly client: SchedulerClient,
    private readonly call: Caller,
  ) {}

  async list(query: { namePrefix: string; group: string }, options: CallOptions = {}) {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const out = await this.call('ListSchedules', `schedules ${query.namePrefix}*`, () =>
        this.client.send(
          new ListSchedulesCommand({
            GroupName: query.group,
            NamePrefix: query.namePrefix,
            NextToken: token,
            MaxResults: 100,
          }),
          { abortSignal: options.signal },
        ),
      );
      for (const s of out.Schedules ?? []) if (s.Name) names.push(s.Name);
      token = out.NextToken;
    } while (token);
    // The summary has neither the input nor the description: read each one.
    const found: ScheduleInfo[] = [];
    for (const name of names.sort()) {
      const schedule = await this.get(name, query.group, options);
      if (schedule) found.push(schedule);
    }
    return found;
  }

  get(name: string, group: string, options: CallOptions = {}) {
    return unlessNotFound(async () => {
      const out = await this.call('GetSchedule', `schedule ${name}`, () =>
        this.client.send(new GetScheduleCommand({ Name: name, GroupName: group }), {
          abortSignal: options.signal,
        }),
      );
      return toScheduleInfo(out, group);
    });
  }

  async put(spec: ScheduleSpec, options: CallOptions & { create?: boolean } = {}) {
    const request = {
      Name: spec.name,
      GroupName: spec.group,
      ScheduleExpression: spec.expression,
      State: spec.state,
      Description: spec.description,
      FlexibleTimeWindow: { Mode: 'OFF' as const },
      Target: { Arn: spec.targetArn, RoleArn: spec.roleArn, Input: spec.input },
    };
    const operation = options.create ? 'CreateSchedule' : 'UpdateSchedule';
    const out = await this.call(operation, `schedule ${spec.name}`, () =>
      options.create
        ? this.client.send(new CreateScheduleCommand(request), { abortSignal: options.signal })
        : this.client.send(new UpdateScheduleCommand(request), { abortSignal: options.signal }),
    );
    return { ...spec, arn: out.ScheduleArn ?? '' };
  }

  async delete(name: string, group: string, options: CallOptions = {}) {
    await unlessNotFound(() =>
      this.call('DeleteSchedule', `schedule ${name}`, () =>
        this.client.send(new DeleteScheduleCommand({ Name: name, GroupName: group }), {
          abortSignal: options.signal,
        }),
      ),
    );
  }
}

function toScheduleInfo(out: GetScheduleOutput, group: string): ScheduleInfo {
  const info: ScheduleInfo = {
    name: out.Name ?? '',
    group: out.GroupName ?? group,
    arn: out.Arn ?? '',
    expression: out.ScheduleExpression ?? '',
    state: out.State === 'DISABLED' ? 'DISABLED' : 'ENABLED',
    targetArn: out.Target?.Arn ?? '',
    roleArn: out.Target?.RoleArn ?? '',
    description: out.Description ?? '',
  };
  if (out.Target?.Input !== undefined) info.input = out.Target.Input;
  return info;
}
