// Flourish's local cloud, in its own process, invoked through @aws-sdk/client-lambda exactly as
// the extension and the CLI invoke it.
import {
  CreateFunctionCommand,
  InvokeCommand,
  LambdaClient,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { host, type Hosted } from '../processes';
import { COLD_SAMPLES, PAYLOAD, type Peer } from '../peer';
import { timed } from '../measure';
import { handlerZip } from '../zip';

export function lambdaClient(
  endpoint: string,
  region: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
): LambdaClient {
  return new LambdaClient({
    endpoint,
    region,
    credentials,
    maxAttempts: 1,
    requestHandler: { httpAgent: new http.Agent({ keepAlive: true, maxSockets: 256 }) },
  });
}

export async function invokeOk(client: LambdaClient, functionName: string): Promise<void> {
  const out = await client.send(
    new InvokeCommand({
      FunctionName: functionName,
      Payload: Buffer.from(JSON.stringify(PAYLOAD)),
    }),
  );
  if (out.FunctionError) {
    throw new Error(`${functionName} failed: ${Buffer.from(out.Payload ?? []).toString()}`);
  }
}

export class FlourishPeer implements Peer {
  name = 'Flourish local cloud (SDK)';
  coldSamples = COLD_SAMPLES;
  private hosted: Hosted | undefined;
  private client: LambdaClient | undefined;
  private stateDir = '';
  /** Where the cloud listens and its credentials, once started. */
  protected target:
    | {
        endpoint: string;
        region: string;
        credentials: { accessKeyId: string; secretAccessKey: string };
      }
    | undefined;

  async unavailable(): Promise<string | undefined> {
    return undefined;
  }

  async start(): Promise<void> {
    this.stateDir = mkdtempSync(path.join(os.tmpdir(), 'flourish-bench-'));
    this.hosted = await host(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, '..', 'hosts', 'local-cloud.ts'), this.stateDir],
      { ready: /^\{"endpoint"/ },
    );
    const info = JSON.parse(this.hosted.readyLine) as {
      endpoint: string;
      region: string;
      credentials: { accessKeyId: string; secretAccessKey: string };
    };
    this.target = info;
    this.client = lambdaClient(info.endpoint, info.region, info.credentials);
    const zip = await handlerZip();
    const names = [
      'bench',
      ...Array.from({ length: this.coldSamples }, (_, i) => `bench-cold-${i}`),
    ];
    for (const name of names) {
      await this.client.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: 'nodejs20.x',
          Handler: 'index.handler',
          Role: 'arn:aws:iam::000000000000:role/bench',
          MemorySize: 256,
          Timeout: 30,
          Code: { ZipFile: zip },
        }),
      );
      await waitUntilFunctionActiveV2(
        { client: this.client, maxWaitTime: 60 },
        { FunctionName: name },
      );
    }
  }

  invoke(): Promise<void> {
    return invokeOk(this.client!, 'bench');
  }

  async cold(i: number): Promise<number> {
    let log = '';
    const ms = await timed(async () => {
      const out = await this.client!.send(
        new InvokeCommand({
          FunctionName: `bench-cold-${i}`,
          Payload: Buffer.from(JSON.stringify(PAYLOAD)),
          LogType: 'Tail',
        }),
      );
      log = Buffer.from(out.LogResult ?? '', 'base64').toString();
    });
    // Keep the figure honest: a cold sample must have paid an init.
    if (!/Init Duration: /.test(log))
      throw new Error(`bench-cold-${i} was not a cold start:\n${log}`);
    return ms;
  }

  async stop(): Promise<void> {
    this.client?.destroy();
    await this.hosted?.stop();
    rmSync(this.stateDir, { recursive: true, force: true });
  }
}
