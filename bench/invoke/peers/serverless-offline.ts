// serverless-offline 13 under the Serverless Framework v3: its Lambda-compatible invoke
// endpoint, called through @aws-sdk/client-lambda like Flourish. It keeps handlers warm in
// worker threads; cold samples are the first call of functions that have not run yet.
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { copyFileSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, host, type Hosted } from '../processes';
import { COLD_SAMPLES, PEERS_DIR, type Peer } from '../peer';
import { timed } from '../measure';
import { HANDLER_DIR } from '../zip';
import { invokeOk, lambdaClient } from './flourish';

const SLS = path.resolve(PEERS_DIR, 'node_modules/serverless/bin/serverless.js');
const OFFLINE = path.resolve(PEERS_DIR, 'node_modules/serverless-offline');

export class ServerlessOfflinePeer implements Peer {
  name = 'serverless-offline 13 + serverless 3 (SDK)';
  coldSamples = COLD_SAMPLES;
  private hosted: Hosted | undefined;
  private client: LambdaClient | undefined;
  private dir = '';

  async unavailable(): Promise<string | undefined> {
    return existsSync(SLS) && existsSync(OFFLINE)
      ? undefined
      : 'not installed (run bench/invoke/install-peers.sh)';
  }

  async start(): Promise<void> {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'flourish-bench-sls-'));
    copyFileSync(path.join(HANDLER_DIR, 'index.js'), path.join(this.dir, 'index.js'));
    symlinkSync(path.resolve(PEERS_DIR, 'node_modules'), path.join(this.dir, 'node_modules'));
    const functions = ['bench', ...Array.from({ length: this.coldSamples }, (_, i) => `cold${i}`)]
      .map((name) => `  ${name}:\n    handler: index.handler\n    timeout: 30\n`)
      .join('');
    writeFileSync(
      path.join(this.dir, 'serverless.yml'),
      `service: benchsvc\nframeworkVersion: '3'\nprovider:\n  name: aws\n  runtime: nodejs20.x\n  region: us-east-1\n  stage: dev\nplugins:\n  - serverless-offline\nfunctions:\n${functions}`,
    );
    const [lambdaPort, httpPort, websocketPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    this.hosted = await host(
      process.execPath,
      [
        SLS,
        'offline',
        'start',
        '--lambdaPort',
        String(lambdaPort),
        '--httpPort',
        String(httpPort),
        '--websocketPort',
        String(websocketPort),
        '--host',
        '127.0.0.1',
      ],
      {
        cwd: this.dir,
        env: {
          ...process.env,
          SLS_TELEMETRY_DISABLED: '1',
          SLS_NOTIFICATIONS_MODE: 'off',
          SLS_INTERACTIVE_SETUP_DISABLE: '1',
          AWS_ACCESS_KEY_ID: 'bench',
          AWS_SECRET_ACCESS_KEY: 'bench',
        },
        ready: /\[http for lambda\] listening/,
      },
    );
    this.client = lambdaClient(`http://127.0.0.1:${lambdaPort}`, 'us-east-1', {
      accessKeyId: 'bench',
      secretAccessKey: 'bench',
    });
  }

  invoke(): Promise<void> {
    return invokeOk(this.client!, 'benchsvc-dev-bench');
  }

  cold(i: number): Promise<number> {
    return timed(() => invokeOk(this.client!, `benchsvc-dev-cold${i}`));
  }

  async stop(): Promise<void> {
    this.client?.destroy();
    await this.hosted?.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
