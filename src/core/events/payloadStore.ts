// Named payloads kept with the project, one JSON file each, at
// `.flourish/events/<function>/<name>.json`: small, reviewable and safe to commit.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/;

export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

export interface SavedPayload {
  name: string;
  file: string;
}

export function payloadFolder(root: string, functionKey: string): string {
  checkName(functionKey, 'function name');
  return path.join(root, '.flourish', 'events', functionKey);
}

export async function listPayloads(root: string, functionKey: string): Promise<SavedPayload[]> {
  const folder = payloadFolder(root, functionKey);
  let entries: string[];
  try {
    entries = await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.endsWith('.json'))
    .map((entry) => ({ name: entry.slice(0, -'.json'.length), file: path.join(folder, entry) }))
    .filter((payload) => NAME.test(payload.name))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The payload's text, checked to be JSON so that an invoke never sends a broken document. */
export async function readPayload(
  root: string,
  functionKey: string,
  name: string,
): Promise<string> {
  const file = payloadFile(root, functionKey, name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new PayloadError(
        `No saved payload "${name}" for ${functionKey} (looked for ${file}). Save one first, or pass the JSON inline.`,
      );
    }
    throw error;
  }
  parsePayloadText(text, file);
  return text;
}

export async function savePayload(
  root: string,
  functionKey: string,
  name: string,
  text: string,
): Promise<SavedPayload> {
  const value = parsePayloadText(text, `payload "${name}"`);
  const file = payloadFile(root, functionKey, name);
  await mkdir(path.dirname(file), { recursive: true });
  // Written whole or not at all: a crash mid-save keeps the previous version.
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`);
  await rename(temporary, file);
  return { name, file };
}

export async function renamePayload(
  root: string,
  functionKey: string,
  from: string,
  to: string,
): Promise<SavedPayload> {
  const source = payloadFile(root, functionKey, from);
  const target = payloadFile(root, functionKey, to);
  if (await exists(target)) {
    throw new PayloadError(
      `A payload named "${to}" already exists for ${functionKey}. Choose another name or delete it first.`,
    );
  }
  if (!(await exists(source))) {
    throw new PayloadError(`No saved payload "${from}" for ${functionKey}.`);
  }
  await rename(source, target);
  return { name: to, file: target };
}

export async function deletePayload(
  root: string,
  functionKey: string,
  name: string,
): Promise<void> {
  await rm(payloadFile(root, functionKey, name), { force: true });
}

/** Parses payload text, or says where the JSON breaks. */
export function parsePayloadText(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PayloadError(`${where} is not valid JSON: ${(error as Error).message}`);
  }
}

function payloadFile(root: string, functionKey: string, name: string): string {
  checkName(name, 'payload name');
  return path.join(payloadFolder(root, functionKey), `${name}.json`);
}

function checkName(name: string, what: string): void {
  if (!NAME.test(name)) {
    throw new PayloadError(
      `"${name}" is not a usable ${what}: use 1-64 letters, digits, spaces, '.', '_' or '-', starting with a letter or digit.`,
    );
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
