// @architect/sandbox 8: an HTTP route backed by the handler. Sandbox starts a process for each
// invocation, so a cold sample is simply the first request after the sandbox starts.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { freePort, host, type Hosted } from '../processes';
import { COLD_SAMPLES, PAYLOAD, PEERS_DIR, type Peer } from '../peer';
import { timed } from '../measure';
import { HANDLER_DIR } from '../zip';
import { post } from './echo';

const CLI = path.resolve(PEERS_DIR, 'node_modules/@architect/sandbox/src/cli/cli.js');

export class SandboxPeer implements Peer {
  name = '@architect/sandbox 8 (HTTP)';
  coldSamples = COLD_SAMPLES;
  private hosted: Hosted | undefined;
  private port = 0;
  private dir = '';
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private readonly body = JSON.stringify(PAYLOAD);

  async unavailable(): Promise<string | undefined> {
    return existsSync(CLI) ? undefined : 'not installed (run bench/invoke/install-peers.sh)';
  }

  private async launch(): Promise<void> {
    this.port = await freePort();
    this.hosted = await host(
      process.execPath,
      [CLI, '--port', String(this.port), '--host', '127.0.0.1', '--quiet', '--disable-symlinks'],
      {
        cwd: this.dir,
        env: {
          ...process.env,
          ARC_ENV: 'testing',
          AWS_ACCESS_KEY_ID: 'bench',
          AWS_SECRET_ACCESS_KEY: 'bench',
          AWS_REGION: 'us-east-1',
        },
        port: this.port,
      },
    );
  }

  async start(): Promise<void> {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'flourish-bench-arc-'));
    writeFileSync(
      path.join(this.dir, 'app.arc'),
      '@app\nbenchapp\n\n@http\npost /bench\n\n@aws\nruntime nodejs20.x\n',
    );
    const fn = path.join(this.dir, 'src', 'http', 'post-bench');
    mkdirSync(fn, { recursive: true });
    copyFileSync(path.join(HANDLER_DIR, 'index.js'), path.join(fn, 'index.js'));
    await this.launch();
  }

  async invoke(): Promise<void> {
    const text = await post(this.port, '/bench', this.body, this.agent);
    if (!text.includes('"ok":true')) throw new Error(`sandbox answered ${text.slice(0, 300)}`);
  }

  async cold(): Promise<number> {
    await this.hosted?.stop();
    await this.launch();
    return timed(() => this.invoke());
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    await this.hosted?.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
