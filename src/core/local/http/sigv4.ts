// Verifies AWS Signature Version 4 on every request by signing the same canonical request again
// with the local cloud's own secret and comparing, as AWS does.
import { timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { ApiError } from './errors';
import { NodeSha256 } from './sha256';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** What the verifier needs to know about one request; the body is already hashed. */
export interface SignedRequest {
  method: string;
  /** The path exactly as sent (still percent-encoded). */
  rawPath: string;
  /** The query string without `?`, as sent. */
  rawQuery: string;
  headers: Record<string, string | string[] | undefined>;
  /** Hex SHA-256 of the whole body as received. */
  bodySha256: string;
}

const CLOCK_SKEW_MS = 15 * 60 * 1000;
const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;

const denied = (type: string, message: string): ApiError => new ApiError(type, 403, message);

export async function verifySignature(
  request: SignedRequest,
  credentials: Credentials,
  expectedService: string,
  now: number,
): Promise<void> {
  const authorization = header(request.headers, 'authorization');
  if (authorization === undefined) {
    throw denied('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  const match = AUTH_PATTERN.exec(authorization);
  if (!match) {
    throw denied(
      'IncompleteSignatureException',
      `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' with AWS4-HMAC-SHA256; got: ${authorization.slice(0, 80)}`,
    );
  }
  const [, accessKeyId, shortDate, region, service, signedHeaderList, signature] = match;
  if (accessKeyId !== credentials.accessKeyId) {
    throw denied(
      'UnrecognizedClientException',
      'The security token included in the request is invalid. Use the credentials of this local cloud (see endpoint.json in its state directory).',
    );
  }
  if (service !== expectedService) {
    throw denied(
      'InvalidSignatureException',
      `Credential should be scoped to correct service: '${expectedService}'.`,
    );
  }
  const amzDate = header(request.headers, 'x-amz-date');
  const signingDate = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (signingDate === undefined || !amzDate!.startsWith(shortDate!)) {
    throw denied(
      'IncompleteSignatureException',
      'Authorization header requires existence of a valid X-Amz-Date header matching the credential scope date.',
    );
  }
  checkFreshness(amzDate!, signingDate, now);

  const declaredHash = header(request.headers, 'x-amz-content-sha256');
  if (declaredHash !== undefined && declaredHash !== request.bodySha256) {
    throw denied(
      'InvalidSignatureException',
      'The provided x-amz-content-sha256 header does not match what was computed.',
    );
  }

  const signedNames = signedHeaderList!.split(';');
  const headers: Record<string, string> = {};
  for (const name of signedNames) {
    const value = header(request.headers, name);
    if (value === undefined) {
      throw denied(
        'InvalidSignatureException',
        `The signed header '${name}' is missing from the request.`,
      );
    }
    headers[name] = value;
  }
  // The body is already consumed; its hash stands in for it, exactly as the client computed it.
  if (declaredHash === undefined) headers['x-amz-content-sha256'] = request.bodySha256;

  const signer = signerFor(credentials, region!, service!);
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: headers.host ?? '',
      path: request.rawPath,
      query: parseQuery(request.rawQuery),
      headers,
    },
    {
      signingDate,
      signingRegion: region,
      signingService: service,
      signableHeaders: new Set(signedNames),
      unsignableHeaders: declaredHash === undefined ? new Set(['x-amz-content-sha256']) : undefined,
    },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))?.[1] ?? '';
  if (!safeEqual(expected, signature!)) {
    throw denied(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
}

// One signer per key, region and service, so its signing-key cache spares four HMACs a request.
const signers = new WeakMap<Credentials, Map<string, SignatureV4>>();

function signerFor(credentials: Credentials, region: string, service: string): SignatureV4 {
  let byScope = signers.get(credentials);
  if (!byScope) signers.set(credentials, (byScope = new Map()));
  const key = `${region}/${service}`;
  let signer = byScope.get(key);
  if (!signer) {
    signer = new SignatureV4({
      credentials,
      region,
      service,
      sha256: NodeSha256,
      uriEscapePath: true,
      applyChecksum: false,
    });
    // Regions come from callers; keep the cache small whatever they send.
    if (byScope.size > 32) byScope.clear();
    byScope.set(key, signer);
  }
  return signer;
}

function checkFreshness(amzDate: string, signingDate: Date, now: number): void {
  const skew = signingDate.getTime() - now;
  if (skew < -CLOCK_SKEW_MS) {
    throw denied(
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(now - CLOCK_SKEW_MS)} (${formatAmzDate(now)} - 15 min.)`,
    );
  }
  if (skew > CLOCK_SKEW_MS) {
    throw denied(
      'InvalidSignatureException',
      `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(now + CLOCK_SKEW_MS)} (${formatAmzDate(now)} + 15 min.)`,
    );
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function header(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
}

export function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
}

export function formatAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Decodes the query as the SDK built it, keeping repeated keys as arrays. */
export function parseQuery(raw: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const previous = query[key];
    if (previous === undefined) query[key] = value;
    else query[key] = Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return query;
}
