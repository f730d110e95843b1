// Shared by the local cloud's API tests: a cloud per suite in a temp state dir, SDK clients
// pointed at it, and a small zip writer (stored entries) for deployment packages.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import {
  localCloudClientConfig,
  startLocalCloud,
  tailLocalLogs,
  type LocalCloud,
  type LocalCloudOptions,
} from '../../src/core/local';

export const ROLE = 'arn:aws:iam::000000000000:role/flourish-local';

export interface ZipEntry {
  name: string;
  data?: string | Buffer;
  mode?: number;
  /** Forge the uncompressed size the headers declare (to test limits without the bytes). */
  declaredSize?: number;
  /** Deflate the data (method 8) instead of storing it. */
  deflate?: boolean;
}

/** A minimal zip writer; names are written as given, so tests can build hostile packages. */
export function makeZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const raw = Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data ?? '', 'utf8');
    const crc = zlib.crc32(raw);
    const data = entry.deflate ? zlib.deflateRawSync(raw) : raw;
    const declared = entry.declaredSize ?? raw.length;
    const method = entry.deflate ? 8 : 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(declared, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(declared, 24);
    central.writeUInt16LE(name.length, 28);
    const mode = entry.mode ?? (entry.name.endsWith('/') ? 0o040755 : 0o100644);
    central.writeUInt32LE((mode << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const centralSize = centrals.reduce((sum, b) => sum + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

export function nodeHandlerZip(body: string, file = 'index.mjs'): Uint8Array {
  return makeZip([{ name: file, data: body }]);
}

export interface CloudFixture {
  cloud: LocalCloud;
  stateDir: string;
  lambda: LambdaClient;
  logs: CloudWatchLogsClient;
  /** Starts a second cloud (e.g. after a restart) on the same state dir. */
  restart(overrides?: Partial<LocalCloudOptions>): Promise<void>;
  close(): Promise<void>;
}

export async function startFixture(
  options: Partial<LocalCloudOptions> = {},
): Promise<CloudFixture> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'flourish-cloud-'));
  const fixture = {} as CloudFixture;
  const connect = async (extra: Partial<LocalCloudOptions>): Promise<void> => {
    const cloud = await startLocalCloud({
      stateDir,
      port: 0,
      idleTimeoutMs: 60_000,
      ...options,
      ...extra,
    });
    // A fresh config per client: the SDK annotates the credentials object it is given.
    const config = () => ({ ...localCloudClientConfig(cloud), maxAttempts: 1 });
    fixture.cloud = cloud;
    fixture.lambda = new LambdaClient(config());
    fixture.logs = new CloudWatchLogsClient(config());
  };
  await connect({});
  fixture.stateDir = stateDir;
  fixture.restart = async (overrides = {}) => {
    fixture.lambda.destroy();
    fixture.logs.destroy();
    await fixture.cloud.stop();
    await connect(overrides);
  };
  fixture.close = async () => {
    fixture.lambda.destroy();
    fixture.logs.destroy();
    await fixture.cloud.stop();
    // A package unpacked for a request that raced the stop can still be landing; retry the rm.
    await rm(stateDir, { recursive: true, force: true, maxRetries: 5 });
  };
  return fixture;
}

/** Asserts that `work` fails with the SDK exception `name`, HTTP `status` and a message. */
export async function expectAwsError(
  work: Promise<unknown>,
  expected: {
    name: string;
    status: number;
    message?: RegExp | string;
    type?: new (...args: never[]) => Error;
  },
): Promise<Error & { $metadata: { httpStatusCode?: number; requestId?: string } }> {
  try {
    await work;
  } catch (error) {
    const e = error as Error & { $metadata: { httpStatusCode?: number; requestId?: string } };
    const isInstance = expected.type === undefined || (error as object) instanceof expected.type;
    if (!isInstance) {
      throw new Error(
        `expected an instance of ${expected.type?.name}, got ${e.name}: ${e.message}`,
        { cause: e },
      );
    }
    if (e.name !== expected.name || e.$metadata?.httpStatusCode !== expected.status) {
      throw new Error(
        `expected ${expected.name} ${expected.status}, got ${e.name} ${e.$metadata?.httpStatusCode}: ${e.message}`,
        {
          cause: e,
        },
      );
    }
    if (expected.message !== undefined) {
      const ok =
        typeof expected.message === 'string'
          ? e.message === expected.message
          : expected.message.test(e.message);
      if (!ok) throw new Error(`unexpected message for ${e.name}: ${e.message}`, { cause: e });
    }
    if (!e.$metadata.requestId) throw new Error(`${e.name} carried no request id`);
    return e;
  }
  throw new Error(`expected ${expected.name}, but the call succeeded`);
}

/**
 * Watches a log group through the live tail until `done` says the lines seen so far are
 * enough. `ready` resolves once the watch is subscribed; `finished` with the lines seen.
 */
export function watchLogs(
  cloud: LocalCloud,
  logGroupName: string,
  done: (messages: string[]) => boolean,
): { ready: Promise<void>; finished: Promise<string[]> } {
  const stop = new AbortController();
  let onReady!: () => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const finished = (async () => {
    const seen: string[] = [];
    for await (const event of tailLocalLogs(localCloudClientConfig(cloud), {
      logGroupName,
      signal: stop.signal,
      onReady,
    })) {
      seen.push(event.message);
      if (done(seen)) stop.abort();
    }
    return seen;
  })();
  return { ready, finished };
}
