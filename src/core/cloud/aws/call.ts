// One SDK call, its failure turned into a CloudError about a resource. Shared by the Lambda,
// Scheduler and IAM halves of the provider so all three report errors alike.
import { CloudError } from '../errors';

export type Caller = <T>(operation: string, resource: string, run: () => Promise<T>) => Promise<T>;

/** Runs `run`, and gives undefined when the thing read does not exist. */
export async function unlessNotFound<T>(run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof CloudError && error.notFound) return undefined;
    throw error;
  }
}
