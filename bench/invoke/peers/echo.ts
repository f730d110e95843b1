// The floor: a bare loopback HTTP echo in its own process, called with a keep-alive agent
// (warm) or a fresh connection (cold).
import http from 'node:http';
import path from 'node:path';
import { host, type Hosted } from '../processes';
import { COLD_SAMPLES, PAYLOAD, type Peer } from '../peer';
import { timed } from '../measure';

export function post(
  port: number,
  urlPath: string,
  body: string,
  agent: http.Agent | false,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: urlPath,
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode !== 200)
            reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 500)}`));
          else resolve(text);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export class EchoPeer implements Peer {
  name = 'bare HTTP echo (floor)';
  coldSamples = COLD_SAMPLES;
  private hosted: Hosted | undefined;
  private port = 0;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private readonly body = JSON.stringify(PAYLOAD);

  async unavailable(): Promise<string | undefined> {
    return undefined;
  }

  async start(): Promise<void> {
    this.hosted = await host(process.execPath, [path.join(__dirname, '..', 'hosts', 'echo.mjs')], {
      ready: /^\{"port"/,
    });
    this.port = (JSON.parse(this.hosted.readyLine) as { port: number }).port;
  }

  async invoke(): Promise<void> {
    await post(this.port, '/', this.body, this.agent);
  }

  cold(): Promise<number> {
    return timed(async () => void (await post(this.port, '/', this.body, false)));
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    await this.hosted?.stop();
  }
}
