// Live tail for the local cloud: its signed NDJSON stream, one per log group, merged. (The
// local cloud does not speak StartLiveTail, which needs HTTP/2 event streams.)
import { LocalTailError, tailLocalLogs, type LocalCloudClientConfig } from '../local';
import { CloudError } from './errors';
import { mergeAsync } from './mergeTails';
import type { LogEvent, TailOptions } from './provider';

export function localTailSource(config: LocalCloudClientConfig, label: string) {
  return (groups: string[], options: TailOptions): AsyncIterable<LogEvent> => {
    let waiting = groups.length;
    const ready = () => {
      if (--waiting === 0) options.onReady?.();
    };
    return mergeAsync(
      groups.map((group) => tailGroup(config, group, options, ready, label)),
      options.signal,
    );
  };
}

async function* tailGroup(
  config: LocalCloudClientConfig,
  group: string,
  options: TailOptions,
  onReady: () => void,
  label: string,
): AsyncGenerator<LogEvent> {
  try {
    for await (const e of tailLocalLogs(config, {
      logGroupName: group,
      filterPattern: options.filter || undefined,
      signal: options.signal,
      onReady,
    })) {
      yield {
        timestamp: e.timestamp,
        message: e.message,
        logGroup: e.logGroupName,
        logStream: e.logStreamName,
        ingestionTime: e.ingestionTime,
      };
    }
  } catch (error) {
    if (options.signal?.aborted) return;
    if (error instanceof LocalTailError) {
      throw new CloudError(error.message, {
        code: error.errorType ?? 'LocalTailError',
        operation: 'Tail logs',
        resource: `log group ${group}`,
        httpStatus: error.status,
        requestId: error.requestId,
        hint: `Check the filter pattern, or restart ${label}`,
        cause: error,
      });
    }
    throw new CloudError((error as Error).message, {
      code: 'TailFailed',
      operation: 'Tail logs',
      resource: `log group ${group}`,
      hint: `Start ${label} with \`flourish local start\` and tail again`,
      retryable: true,
      cause: error,
    });
  }
}
