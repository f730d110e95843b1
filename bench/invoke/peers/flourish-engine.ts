// Flourish's execution engine alone, called in-process: the Runtime API and the worker without
// the Lambda API in front. Not a peer: it shows how much of the SDK path's time the engine is.
import { randomUUID } from 'node:crypto';
import { ExecutionEngine, type ExecutionConfig } from '../../../src/core/local/execution';
import { COLD_SAMPLES, PAYLOAD, type Peer } from '../peer';
import { timed } from '../measure';
import { HANDLER_DIR } from '../zip';

export class FlourishEnginePeer implements Peer {
  name = 'Flourish engine alone (no API)';
  coldSamples = COLD_SAMPLES;
  private engine: ExecutionEngine | undefined;
  private readonly payload = Buffer.from(JSON.stringify(PAYLOAD));

  async unavailable(): Promise<string | undefined> {
    return undefined;
  }

  async start(): Promise<void> {
    this.engine = new ExecutionEngine({ logSink: { write: () => undefined }, maxConcurrency: 64 });
  }

  private config(key: string): ExecutionConfig {
    return {
      functionName: 'bench',
      version: '$LATEST',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench',
      codeDir: HANDLER_DIR,
      handler: 'index.handler',
      runtime: 'nodejs20.x',
      memorySizeMB: 256,
      timeoutSec: 30,
      ephemeralStorageMB: 512,
      architecture: 'x86_64',
      environment: {},
      region: 'us-east-1',
      accountId: '000000000000',
      logGroupName: '/aws/lambda/bench',
      environmentKey: key,
    };
  }

  async invoke(key = 'warm'): Promise<void> {
    const outcome = await this.engine!.invoke(this.config(key), {
      requestId: randomUUID(),
      payload: this.payload,
      invocationType: 'RequestResponse',
    });
    if (outcome.functionError) throw new Error(outcome.payload.toString());
  }

  async cold(i: number): Promise<number> {
    return timed(async () => {
      const outcome = await this.engine!.invoke(this.config(`cold-${i}`), {
        requestId: randomUUID(),
        payload: this.payload,
        invocationType: 'RequestResponse',
      });
      if (!outcome.coldStart) throw new Error(`cold-${i} was not a cold start`);
    });
  }

  async stop(): Promise<void> {
    await this.engine?.shutdown();
  }
}
