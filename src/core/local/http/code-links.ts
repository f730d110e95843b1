// Code.Location for GetFunction: a time-limited link on this server, tokenised with an HMAC of
// the package hash and the expiry (the local stand-in for Lambda's presigned S3 URL).
import { createHmac, timingSafeEqual } from 'node:crypto';

export const CODE_PATH_PREFIX = '/flourish/code/';
const VALIDITY_MS = 10 * 60 * 1000;

export class CodeLinks {
  constructor(
    private readonly key: string,
    private readonly clock: () => number,
  ) {}

  url(endpoint: string, sha256Hex: string): string {
    const expires = this.clock() + VALIDITY_MS;
    return `${endpoint}${CODE_PATH_PREFIX}${sha256Hex}.zip?expires=${expires}&token=${this.token(sha256Hex, expires)}`;
  }

  /** The package hash a link names, or a reason it is refused. */
  check(
    rawPath: string,
    query: Record<string, string | string[]>,
  ): { sha256Hex: string } | { refused: string } {
    const sha = /^\/flourish\/code\/([0-9a-f]{64})\.zip$/.exec(rawPath)?.[1];
    const expires = Number(query.expires);
    const token = typeof query.token === 'string' ? query.token : '';
    if (!sha || !Number.isFinite(expires)) return { refused: 'The code link is malformed.' };
    if (expires < this.clock())
      return { refused: 'The code link has expired; call GetFunction again for a fresh one.' };
    const expected = Buffer.from(this.token(sha, expires));
    const given = Buffer.from(token);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return { refused: 'The code link token is invalid.' };
    }
    return { sha256Hex: sha };
  }

  private token(sha256Hex: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${sha256Hex}:${expires}`).digest('hex');
  }
}
