// startLocalCloud: the embedded, Lambda-compatible endpoint on loopback, with its state on disk.
import { createHmac } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { LogSink } from './execution/contract';
import { ExecutionEngine } from './execution';
import { CodeLinks } from './http/code-links';
import { serveInvokesLean } from './http/lean-invoke';
import type { Credentials } from './http/sigv4';
import {
  loadOrCreateCredentials,
  readLocalCloudInfo,
  removeEndpointFile,
  writeEndpointFile,
} from './info';
import { referencedCode } from './lambda/code-upload';
import { Invoker, type InvocationEngine } from './lambda/invoker';
import { Lifecycle } from './lambda/lifecycle';
import type { Identity } from './lambda/model';
import { LogStore } from './logs/log-store';
import { assertRoleAssumable } from './iam/serve';
import { LambdaMetrics } from './monitoring/lambda-metrics';
import { MetricStore } from './monitoring/metric-store';
import { ScheduleLoop, type FiredSchedule } from './scheduler/loop';
import { createRequestHandler } from './server';
import { CodeStore } from './store/code-store';
import { StateStore } from './store/state-store';

export interface LocalCloudOptions {
  stateDir: string;
  /** 0 (the default) picks any free port. */
  port?: number;
  host?: '127.0.0.1';
  region?: string;
  /** Execution environments alive at once (the engine's cap; default 64). */
  maxConcurrency?: number;
  idleTimeoutMs?: number;
  nodeExecutable?: string;
  pythonExecutable?: string;
  /** Bytes of deployment packages kept at once (default Lambda's 75 GB). */
  codeStorageLimitBytes?: number;
  /** Delays before each retry of a failed Event invocation (default Lambda's: 1 and 2 min). */
  asyncRetryDelaysMs?: number[];
  /** Least time a create or update stays Pending/InProgress (default 0: until unpacked). */
  minTransitionMs?: number;
  /** Milliseconds since the epoch; timestamps, signature freshness and link expiry use it. */
  clock?: () => number;
  /** Another engine with the same contract (a test double, or a remote runner). */
  createEngine?: (logSink: LogSink) => InvocationEngine;
  /** Unexpected internal errors (a request still gets a ServiceException). */
  onError?: (error: unknown) => void;
  /**
   * Check schedules once a second against `clock` (default true). Tests that drive time pass
   * false and call `runDueSchedules` instead.
   */
  scheduleTimer?: boolean;
  /** CreateFunction refuses a role created less than this long ago, as IAM lags (default 0). */
  iamPropagationDelayMs?: number;
}

export interface LocalCloud {
  endpoint: string;
  region: string;
  credentials: Credentials;
  stateDir: string;
  /** Resolves when every queued Event invocation has run. */
  drainAsync(): Promise<void>;
  /** Fires the schedules due at `now` (default: the clock), queueing their invocations. */
  runDueSchedules(now?: number): Promise<FiredSchedule[]>;
  /** Stops the server, the engine and its workers, and writes what is pending. */
  stop(): Promise<void>;
}

/** Node's server closes an idle keep-alive connection after this long; so does the lean path. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export const LOCAL_ACCOUNT_ID = '000000000000';

export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const stateDir = path.resolve(options.stateDir);
  await fs.mkdir(stateDir, { recursive: true, mode: 0o700 });
  const clock = options.clock ?? Date.now;
  const onError = options.onError ?? ((error: unknown) => console.error('[local cloud]', error));
  const identity: Identity = { region: options.region ?? 'us-east-1', accountId: LOCAL_ACCOUNT_ID };
  const running = await readLocalCloudInfo(stateDir);
  if (running) {
    throw new Error(
      `A local cloud already runs on ${stateDir} (pid ${running.pid}, ${running.endpoint}); use it (readLocalCloudInfo), stop it first, or pick another state directory.`,
    );
  }
  const credentials = await loadOrCreateCredentials(stateDir);

  const store = new StateStore(stateDir);
  await store.load();
  const code = new CodeStore(path.join(stateDir, 'code'), options.codeStorageLimitBytes);
  await code.init();
  const logs = new LogStore(path.join(stateDir, 'logs'), { clock, onError: (e) => onError(e) });
  await logs.load();
  const metrics = new MetricStore(stateDir, { clock, onError });
  await metrics.load();

  const maxConcurrency = options.maxConcurrency ?? 64;
  const engine =
    options.createEngine?.(logs) ??
    new ExecutionEngine({
      logSink: logs,
      maxConcurrency,
      idleTimeoutMs: options.idleTimeoutMs,
      nodeExecutable: options.nodeExecutable,
      pythonExecutable: options.pythonExecutable,
    });
  const invoker = new Invoker(
    identity,
    engine,
    code,
    maxConcurrency,
    options.asyncRetryDelaysMs,
    new LambdaMetrics(metrics),
  );
  const lifecycle = new Lifecycle(identity, store, code, clock, {
    minTransitionMs: options.minTransitionMs ?? 0,
    // Environments of the old code are not reused (their key changed): stop them promptly and
    // delete packages no version uses any more.
    beforeUpdateSettles: (name) => invoker.retire(name),
    onSettled: async (_name, updated) => {
      if (updated) await code.collect(referencedCode(store.state));
    },
    onError,
  });
  const codeLinks = new CodeLinks(
    createHmac('sha256', credentials.secretAccessKey).update('code-links').digest('hex'),
    clock,
  );

  let port = 0;
  let endpoint = '';
  const iam = { identity, store, clock };
  const lambda = {
    identity,
    store,
    code,
    lifecycle,
    invoker,
    clock,
    codeLocation: (sha: string) => codeLinks.url(endpoint, sha),
    endpoint: () => endpoint,
    assumeRole: (role: string) =>
      assertRoleAssumable(iam, role, options.iamPropagationDelayMs ?? 0),
  };
  const schedules = new ScheduleLoop(lambda, onError);
  const handler = createRequestHandler({
    port: () => port,
    credentials,
    identity,
    logs,
    metrics,
    codeLinks,
    clock,
    onError,
    lambda,
    iam,
    // The loop reads the schedules afresh on every check, so changes need no notice.
    scheduler: { identity, store, clock },
  });
  const server = http.createServer({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS }, handler);
  const lean = serveInvokesLean(server, {
    keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS,
    port: () => port,
    invoke: handler.invoke,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (error: NodeJS.ErrnoException) => {
    await engine.shutdown();
    throw new Error(
      `The local cloud could not listen on ${options.host ?? '127.0.0.1'}:${options.port ?? 0} (${error.code ?? error.message}); ${error.code === 'EADDRINUSE' ? 'another process uses that port: pick another or pass 0 for any free port' : 'check the host and port'}.`,
      { cause: error },
    );
  });
  port = (server.address() as AddressInfo).port;
  endpoint = `http://127.0.0.1:${port}`;
  lifecycle.resume();
  if (options.scheduleTimer ?? true) schedules.start();
  await writeEndpointFile(stateDir, {
    endpoint,
    pid: process.pid,
    region: identity.region,
    credentials,
  });

  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    region: identity.region,
    credentials: { ...credentials },
    stateDir,
    drainAsync: () => invoker.whenDrained(),
    runDueSchedules: (now = clock()) => schedules.runDue(now),
    stop: () =>
      (stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        lean.closeAll();
        await schedules.stop();
        await lifecycle.stop();
        await invoker.stop();
        await handler.idle();
        await closed;
        await logs.flush();
        await metrics.flush();
        await store.idle();
        await removeEndpointFile(stateDir);
      })()),
  };
}
