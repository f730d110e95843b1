// Hosts the Flourish local cloud in its own process, as `flourish local start` does, and prints
// where to reach it. SIGTERM stops it, and with it every worker.
import { startLocalCloud } from '../../../src/core/local';

async function main(): Promise<void> {
  const stateDir = process.argv[2];
  if (!stateDir) throw new Error('usage: local-cloud.ts <state dir>');
  const cloud = await startLocalCloud({ stateDir, maxConcurrency: 64, idleTimeoutMs: 10 * 60_000 });
  process.stdout.write(
    JSON.stringify({
      endpoint: cloud.endpoint,
      region: cloud.region,
      credentials: cloud.credentials,
    }) + '\n',
  );
  process.once('SIGTERM', () => {
    void cloud.stop().then(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
