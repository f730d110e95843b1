// Lambda's metrics in CloudWatch (namespace `AWS/Lambda`), read with GetMetricData: the figures
// that never reach a log, such as throttled requests. The local cloud answers the same call.
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { CallOptions, MetricPoint, MetricQuery } from '../provider';
import type { Caller } from './call';

/** GetMetricData's most data points a page. */
const MAX_DATAPOINTS = 100_800;

export class LambdaMetrics {
  constructor(
    private readonly client: CloudWatchClient,
    private readonly call: Caller,
  ) {}

  /** The Sum of `metricName` per period, oldest first; periods without data are left out. */
  async sum(
    metricName: string,
    name: string,
    query: MetricQuery,
    options: CallOptions = {},
  ): Promise<MetricPoint[]> {
    const dimensions = [{ Name: 'FunctionName', Value: name }];
    // Lambda publishes a version's or alias's figures under Resource `name:qualifier`.
    if (query.qualifier) dimensions.push({ Name: 'Resource', Value: `${name}:${query.qualifier}` });
    const resource = `function ${name}${query.qualifier ? `:${query.qualifier}` : ''}`;
    const points: MetricPoint[] = [];
    let token: string | undefined;
    do {
      const out = await this.call('GetMetricData', resource, () =>
        this.client.send(
          new GetMetricDataCommand({
            StartTime: new Date(query.from),
            EndTime: new Date(query.to),
            ScanBy: 'TimestampAscending',
            MaxDatapoints: MAX_DATAPOINTS,
            NextToken: token,
            MetricDataQueries: [
              {
                Id: 'm',
                ReturnData: true,
                MetricStat: {
                  Metric: {
                    Namespace: 'AWS/Lambda',
                    MetricName: metricName,
                    Dimensions: dimensions,
                  },
                  Period: query.periodSeconds,
                  Stat: 'Sum',
                },
              },
            ],
          }),
          { abortSignal: options.signal },
        ),
      );
      for (const result of out.MetricDataResults ?? []) {
        const values = result.Values ?? [];
        (result.Timestamps ?? []).forEach((at, i) =>
          points.push({ timestamp: at.getTime(), value: values[i] ?? 0 }),
        );
      }
      token = out.NextToken;
    } while (token);
    return points.sort((a, b) => a.timestamp - b.timestamp);
  }
}
