// A second floor: @aws-sdk/client-lambda `Invoke` against the bare echo, which answers in
// Lambda's shape without checking anything. What it costs over the bare echo is the SDK
// client's own work (middleware, signing, parsing), which every SDK row pays too.
import type { LambdaClient } from '@aws-sdk/client-lambda';
import path from 'node:path';
import { host, type Hosted } from '../processes';
import type { Peer } from '../peer';
import { timed } from '../measure';
import { invokeOk, lambdaClient } from './flourish';
import { COLD_SAMPLES } from '../peer';

export class SdkEchoPeer implements Peer {
  name = 'bare HTTP echo via the AWS SDK (floor)';
  coldSamples = COLD_SAMPLES;
  private hosted: Hosted | undefined;
  private client: LambdaClient | undefined;
  private endpoint = '';

  async unavailable(): Promise<string | undefined> {
    return undefined;
  }

  async start(): Promise<void> {
    this.hosted = await host(process.execPath, [path.join(__dirname, '..', 'hosts', 'echo.mjs')], {
      ready: /^\{"port"/,
    });
    this.endpoint = `http://127.0.0.1:${(JSON.parse(this.hosted.readyLine) as { port: number }).port}`;
    this.client = this.newClient();
  }

  private newClient(): LambdaClient {
    return lambdaClient(this.endpoint, 'us-east-1', {
      accessKeyId: 'bench',
      secretAccessKey: 'bench',
    });
  }

  invoke(): Promise<void> {
    return invokeOk(this.client!, 'bench');
  }

  /** A fresh client and connection: the SDK's first-call costs, with nothing to start behind it. */
  async cold(): Promise<number> {
    const client = this.newClient();
    try {
      return await timed(() => invokeOk(client, 'bench'));
    } finally {
      client.destroy();
    }
  }

  async stop(): Promise<void> {
    this.client?.destroy();
    await this.hosted?.stop();
  }
}
