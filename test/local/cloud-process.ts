// Runs a local cloud in its own process (for the load test, so the server's memory is measured
// apart from the clients'). Talks to its parent over IPC: it sends `started` with the endpoint,
// answers `rss` with its resident set size, and stops on `stop`.
import { startLocalCloud } from '../../src/core/local';

type Request = { type: 'rss' } | { type: 'stop' };

void (async () => {
  const cloud = await startLocalCloud({
    stateDir: process.argv[2]!,
    port: 0,
    maxConcurrency: Number(process.argv[3] ?? 64),
    idleTimeoutMs: 10 * 60_000,
  });
  process.on('message', (message: Request) => {
    if (message.type === 'rss') {
      global.gc?.();
      process.send!({ type: 'rss', rss: process.memoryUsage().rss });
    } else if (message.type === 'stop') {
      void cloud.stop().then(() => process.send!({ type: 'stopped' }, () => process.exit(0)));
    }
  });
  process.send!({
    type: 'started',
    endpoint: cloud.endpoint,
    region: cloud.region,
    credentials: cloud.credentials,
  });
})().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
