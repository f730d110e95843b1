// The `AWS/Lambda` metrics the local cloud records itself, because they never reach a log:
// Throttles, one sample of 1 per refused request, under the same dimension sets Lambda
// publishes: none (the account), FunctionName, and FunctionName + Resource.
import type { MetricStore } from './metric-store';

export const LAMBDA_NAMESPACE = 'AWS/Lambda';

/** What the invoker reports; implemented over the metric store. */
export interface ThrottleRecorder {
  /**
   * A request refused because every execution environment was busy. `qualifier` is the version
   * or alias the caller named (undefined: unqualified).
   */
  throttled(functionName: string, qualifier?: string): void;
}

export class LambdaMetrics implements ThrottleRecorder {
  constructor(private readonly store: MetricStore) {}

  throttled(functionName: string, qualifier?: string): void {
    const metric = { namespace: LAMBDA_NAMESPACE, metricName: 'Throttles' };
    // Unqualified calls are recorded under the bare function name as their Resource.
    const resource = qualifier === undefined ? functionName : `${functionName}:${qualifier}`;
    this.store.add({ ...metric, dimensions: [] });
    this.store.add({ ...metric, dimensions: [{ Name: 'FunctionName', Value: functionName }] });
    this.store.add({
      ...metric,
      dimensions: [
        { Name: 'FunctionName', Value: functionName },
        { Name: 'Resource', Value: resource },
      ],
    });
  }
}
