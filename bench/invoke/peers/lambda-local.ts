// lambda-local (npm) in its watch mode: an HTTP server that runs the handler on each POST.
// It has no warm pool to drop, so a cold sample is the first call to a fresh server.
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { freePort, host, type Hosted } from '../processes';
import { COLD_SAMPLES, PAYLOAD, PEERS_DIR, type Peer } from '../peer';
import { timed } from '../measure';
import { HANDLER_DIR } from '../zip';
import { post } from './echo';

const CLI = path.resolve(PEERS_DIR, 'node_modules/lambda-local/build/cli.js');

export class LambdaLocalPeer implements Peer {
  name = 'lambda-local 2 (watch mode, HTTP)';
  coldSamples = COLD_SAMPLES;
  private hosted: Hosted | undefined;
  private port = 0;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private readonly body = JSON.stringify({ event: PAYLOAD });

  async unavailable(): Promise<string | undefined> {
    return existsSync(CLI) ? undefined : `not installed (run bench/invoke/install-peers.sh)`;
  }

  private async launch(): Promise<void> {
    this.port = await freePort();
    this.hosted = await host(
      process.execPath,
      [
        CLI,
        '-l',
        path.join(HANDLER_DIR, 'index.js'),
        '-h',
        'handler',
        '-t',
        '30',
        '-v',
        '0',
        '--watch',
        String(this.port),
      ],
      { port: this.port },
    );
  }

  start(): Promise<void> {
    return this.launch();
  }

  async invoke(): Promise<void> {
    const text = await post(this.port, '/', this.body, this.agent);
    if (!text.includes('ok')) throw new Error(`lambda-local answered ${text.slice(0, 300)}`);
  }

  async cold(): Promise<number> {
    await this.hosted?.stop();
    await this.launch();
    return timed(() => this.invoke());
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    await this.hosted?.stop();
  }
}
