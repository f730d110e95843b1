// Shared by the local cloud's API tests: a cloud per suite in a temp state dir, SDK clients
// pointed at it, and a small zip writer (stored entries) for deployment packages.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '../../src/core/local';

export const ROLE = 'arn:aws:iam::000000000000:role/flourish-local';

export interface ZipEntry {
  name: string;
  data?: string | Buffer;
  mode?: number;
}

/** A minimal, valid zip with stored (uncompressed) entries; names are written as given. */
export function makeZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const data = Buffer.isBuffer(entry.data) ? entry.data : Buffer.from(entry.data ?? '', 'utf8');
    const crc = zlib.crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
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
    const config = {
      endpoint: cloud.endpoint,
      region: cloud.region,
      credentials: cloud.credentials,
      maxAttempts: 1,
    };
    fixture.cloud = cloud;
    fixture.lambda = new LambdaClient(config);
    fixture.logs = new CloudWatchLogsClient(config);
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
    await rm(stateDir, { recursive: true, force: true });
  };
  return fixture;
}
