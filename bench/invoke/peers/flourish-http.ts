// Flourish's local cloud again, called without the AWS SDK: one SigV4-signed POST per
// invocation on a keep-alive agent, as lambda-local is called with a plain POST. Not one of the
// issue's rows: it shows the server's cost without the SDK client's, next to the HTTP peers.
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import { PAYLOAD } from '../peer';
import { timed } from '../measure';
import { FlourishPeer } from './flourish';

interface Target {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

// The derived signing key changes once a day: SigV4 clients (the SDK too) keep it.
const signingKeys = new Map<string, Buffer>();

function signingKey(target: Target, day: string): Buffer {
  const id = `${target.credentials.secretAccessKey}/${day}/${target.region}`;
  let key = signingKeys.get(id);
  if (!key) {
    let derived: Buffer | string = `AWS4${target.credentials.secretAccessKey}`;
    for (const part of [day, target.region, 'lambda', 'aws4_request'])
      derived = createHmac('sha256', derived).update(part).digest();
    key = derived as Buffer;
    signingKeys.set(id, key);
  }
  return key;
}

/** Signs an Invoke request as the SDK does (host, date and body hash signed). */
function signedHeaders(target: Target, path: string, body: string): Record<string, string> {
  const host = new URL(target.endpoint).host;
  const amzDate = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const bodyHash = createHash('sha256').update(body).digest('hex');
  const canonical = `POST\n${path}\n\nhost:${host}\nx-amz-content-sha256:${bodyHash}\nx-amz-date:${amzDate}\n\nhost;x-amz-content-sha256;x-amz-date\n${bodyHash}`;
  const scope = `${day}/${target.region}/lambda/aws4_request`;
  const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonical).digest('hex')}`;
  const signature = createHmac('sha256', signingKey(target, day)).update(toSign).digest('hex');
  return {
    host,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'x-amz-date': amzDate,
    'x-amz-content-sha256': bodyHash,
    authorization: `AWS4-HMAC-SHA256 Credential=${target.credentials.accessKeyId}/${scope}, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${signature}`,
  };
}

export class FlourishHttpPeer extends FlourishPeer {
  override name = 'Flourish local cloud (signed HTTP, no SDK)';
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private readonly body = JSON.stringify(PAYLOAD);

  private post(functionName: string, logTail: boolean): Promise<{ log: string }> {
    const target = this.target!;
    const path = `/2015-03-31/functions/${functionName}/invocations`;
    const headers = signedHeaders(target, path, this.body);
    if (logTail) headers['x-amz-log-type'] = 'Tail';
    const url = new URL(target.endpoint);
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: url.hostname, port: url.port, method: 'POST', path, agent: this.agent, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            if (res.statusCode !== 200 || res.headers['x-amz-function-error'])
              reject(new Error(`HTTP ${res.statusCode}: ${text.slice(0, 300)}`));
            else {
              const log = String(res.headers['x-amz-log-result'] ?? '');
              resolve({ log: Buffer.from(log, 'base64').toString() });
            }
          });
        },
      );
      req.on('error', reject);
      req.end(this.body);
    });
  }

  override async invoke(): Promise<void> {
    await this.post('bench', false);
  }

  override async cold(i: number): Promise<number> {
    let log = '';
    const ms = await timed(async () => void ({ log } = await this.post(`bench-cold-${i}`, true)));
    if (!/Init Duration: /.test(log))
      throw new Error(`bench-cold-${i} was not a cold start:\n${log}`);
    return ms;
  }

  override async stop(): Promise<void> {
    this.agent.destroy();
    await super.stop();
  }
}
