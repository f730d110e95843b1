// Where a local cloud keeps its state, its credentials, and the endpoint.json that tells the
// CLI and the extension how to reach a running one.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Credentials } from './http/sigv4';
import { readJsonIfExists, writeFileAtomic } from './store/atomic-file';

export interface LocalCloudInfo {
  endpoint: string;
  pid: number;
  region: string;
  credentials: Credentials;
}

export interface LocalCloudClientConfig {
  endpoint: string;
  region: string;
  credentials: Credentials;
}

const ENDPOINT_FILE = 'endpoint.json';
const CREDENTIALS_FILE = 'credentials.json';

/** `$FLOURISH_HOME`, or `~/.flourish/local-cloud`. */
export function defaultStateDir(): string {
  return process.env.FLOURISH_HOME ?? path.join(os.homedir(), '.flourish', 'local-cloud');
}

/** The running local cloud of `stateDir`, or undefined when none is running there. */
export async function readLocalCloudInfo(stateDir: string): Promise<LocalCloudInfo | undefined> {
  const info = await readJsonIfExists<LocalCloudInfo>(path.join(stateDir, ENDPOINT_FILE));
  if (!info || !isAlive(info.pid)) return undefined;
  return info;
}

/** What to hand to any AWS SDK client so it talks to the local cloud. */
export function localCloudClientConfig(
  info: LocalCloudInfo | LocalCloudClientConfig,
): LocalCloudClientConfig {
  return {
    endpoint: info.endpoint,
    region: info.region,
    credentials: {
      accessKeyId: info.credentials.accessKeyId,
      secretAccessKey: info.credentials.secretAccessKey,
    },
  };
}

export async function writeEndpointFile(stateDir: string, info: LocalCloudInfo): Promise<void> {
  await writeFileAtomic(path.join(stateDir, ENDPOINT_FILE), JSON.stringify(info, null, 2), 0o600);
}

export async function removeEndpointFile(stateDir: string): Promise<void> {
  await fs.rm(path.join(stateDir, ENDPOINT_FILE), { force: true });
}

/** The cloud's own access key, made on first start and kept readable by its owner only. */
export async function loadOrCreateCredentials(stateDir: string): Promise<Credentials> {
  const file = path.join(stateDir, CREDENTIALS_FILE);
  const existing = await readJsonIfExists<Credentials>(file);
  if (existing?.accessKeyId && existing.secretAccessKey) return existing;
  const created: Credentials = {
    accessKeyId: `LKIA${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64'),
  };
  await writeFileAtomic(file, JSON.stringify(created, null, 2), 0o600);
  return created;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
