// Live tail on AWS through CloudWatch Logs StartLiveTail (an HTTP/2 event stream). Sessions
// end after three hours; the tail then opens a new one until the caller aborts.
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  StartLiveTailCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CloudError } from '../errors';
import type { LogEvent, TailOptions } from '../provider';

type Wrap = (operation: string, resource: string, error: unknown) => Error;

/** StartLiveTail accepts at most this many log groups per session. */
const MAX_GROUPS = 10;

export async function* liveTail(
  client: CloudWatchLogsClient,
  groups: string[],
  options: TailOptions,
  wrap: Wrap,
): AsyncGenerator<LogEvent> {
  const { signal } = options;
  if (groups.length > MAX_GROUPS) {
    throw new CloudError(`${groups.length} log groups were asked for, at most ${MAX_GROUPS}`, {
      code: 'TooManyLogGroups',
      operation: 'StartLiveTail',
      hint: 'Tail fewer functions at once',
    });
  }
  const arns = await Promise.all(groups.map((g) => logGroupArn(client, g, signal, wrap)));
  const resource = `log groups ${groups.join(', ')}`;
  while (!signal?.aborted) {
    try {
      const out = await client.send(
        new StartLiveTailCommand({
          logGroupIdentifiers: arns,
          logEventFilterPattern: options.filter || undefined,
        }),
        { abortSignal: signal },
      );
      for await (const item of out.responseStream ?? []) {
        if (item.sessionStart) {
          options.onReady?.();
        } else if (item.sessionUpdate) {
          for (const e of item.sessionUpdate.sessionResults ?? []) {
            yield {
              timestamp: e.timestamp ?? 0,
              message: e.message ?? '',
              logGroup: groupName(e.logGroupIdentifier ?? ''),
              logStream: e.logStreamName ?? '',
              ingestionTime: e.ingestionTime,
            };
          }
        } else if (item.SessionStreamingException) {
          throw item.SessionStreamingException;
        } else if (item.SessionTimeoutException) {
          break; // the three-hour limit: open a new session
        }
      }
    } catch (error) {
      if (signal?.aborted) return;
      throw wrap('StartLiveTail', resource, error);
    }
  }
}

/** StartLiveTail wants ARNs; the group's own ARN is the one without the trailing `:*`. */
async function logGroupArn(
  client: CloudWatchLogsClient,
  group: string,
  signal: AbortSignal | undefined,
  wrap: Wrap,
): Promise<string> {
  if (group.startsWith('arn:')) return group.replace(/:\*$/, '');
  let nextToken: string | undefined;
  do {
    let out;
    try {
      out = await client.send(
        new DescribeLogGroupsCommand({ logGroupNamePrefix: group, nextToken }),
        { abortSignal: signal },
      );
    } catch (error) {
      throw wrap('DescribeLogGroups', `log group ${group}`, error);
    }
    const found = out.logGroups?.find((g) => g.logGroupName === group);
    if (found?.logGroupArn) return found.logGroupArn;
    if (found?.arn) return found.arn.replace(/:\*$/, '');
    nextToken = out.nextToken;
  } while (nextToken);
  throw new CloudError(`log group ${group} does not exist`, {
    code: 'ResourceNotFoundException',
    operation: 'StartLiveTail',
    resource: `log group ${group}`,
    hint: 'Lambda creates it on the first invocation: invoke the function once, then tail again',
  });
}

/** `arn:aws:logs:<region>:<account>:log-group:<name>` to `<name>`. */
function groupName(identifier: string): string {
  const marker = ':log-group:';
  const at = identifier.indexOf(marker);
  return at < 0 ? identifier : identifier.slice(at + marker.length).replace(/:\*$/, '');
}
