// The runner's side of the request channel: write `req-N.json`, wait for `res-N.json`.
// The harness side lives in harness/channelServer.ts.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { waitForFile, writeFileAtomic } from './files';
import type { HarnessRequest, HarnessResponse } from './protocol';

export class HarnessChannel {
  constructor(
    private readonly dir: string,
    private readonly prefix: string,
  ) {}

  async request(request: HarnessRequest, timeoutMs: number): Promise<HarnessResponse> {
    // Unique across every channel object and process talking to this folder.
    const id = `${this.prefix}-${randomUUID()}`;
    const responseFile = path.join(this.dir, `res-${id}.json`);
    writeFileAtomic(path.join(this.dir, `req-${id}.json`), JSON.stringify(request));
    await waitForFile(responseFile, timeoutMs, `the harness to answer a ${request.kind} request`);
    return JSON.parse(readFileSync(responseFile, 'utf8')) as HarnessResponse;
  }
}

export function requestFileId(name: string): string | undefined {
  const match = /^req-(.+)\.json$/.exec(name);
  return match?.[1];
}
