// Reads a request body while hashing all of it (for the signature) and keeping at most `keep`
// bytes in memory; anything over `hardCap` ends the connection.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface ReceivedBody {
  /** The body, or its first `keep` bytes when `truncated`. */
  data: Buffer;
  size: number;
  truncated: boolean;
  sha256Hex: string;
}

export class BodyTooLargeError extends Error {}

export function readBody(
  req: IncomingMessage,
  keep: number,
  hardCap: number,
): Promise<ReceivedBody> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    let kept = 0;
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > hardCap) {
        req.destroy();
        reject(new BodyTooLargeError(`Request body exceeds ${hardCap} bytes.`));
        return;
      }
      hash.update(chunk);
      if (kept < keep) {
        const part = chunk.subarray(0, keep - kept);
        chunks.push(part);
        kept += part.length;
      }
    });
    req.on('end', () =>
      resolve({
        data: Buffer.concat(chunks, kept),
        size,
        truncated: size > kept,
        sha256Hex: hash.digest('hex'),
      }),
    );
    req.on('error', reject);
  });
}
