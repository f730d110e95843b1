// Verifies AWS Signature Version 4 on every request by signing the same canonical request again
// with the local cloud's own secret and comparing, as AWS does. The canonical forms follow the
// SDK's signer (@smithy/signature-v4) exactly; test/local/sigv4.test.ts holds them side by side.
import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import { ApiError } from './errors';

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

  // The canonical request, as the client built it: the signed headers (x-amz-date always, as
  // the SDK's signer adds it), their values trimmed and folded; the body stands in by its hash.
  const names = new Set(signedHeaderList!.split(';'));
  names.add('x-amz-date');
  const sortedNames = [...names].sort();
  let canonicalHeaders = '';
  for (const name of sortedNames) {
    const value = header(request.headers, name);
    if (value === undefined) {
      throw denied(
        'InvalidSignatureException',
        `The signed header '${name}' is missing from the request.`,
      );
    }
    canonicalHeaders += `${name}:${foldHeaderValue(value)}\n`;
  }
  const canonicalRequest =
    `${request.method}\n${canonicalPath(request.rawPath)}\n${request.rawQuery === '' ? '' : canonicalQuery(parseQuery(request.rawQuery))}\n` +
    `${canonicalHeaders}\n${sortedNames.join(';')}\n${declaredHash ?? request.bodySha256}`;
  const scope = `${shortDate}/${region}/${service}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${hash('sha256', canonicalRequest, 'hex')}`;
  const expected = hmacHex(signingKey(credentials, shortDate!, region!, service!), stringToSign);
  if (!safeEqual(expected, signature!)) {
    throw denied(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
  }
}

/** A signing key as HMAC-SHA256 uses it: the key XOR ipad and XOR opad (RFC 2104). */
interface HmacKey {
  inner: Buffer;
  outer: Buffer;
}

function hmacKey(key: Buffer): HmacKey {
  const inner = Buffer.alloc(64, 0x36);
  const outer = Buffer.alloc(64, 0x5c);
  for (let i = 0; i < key.length; i++) {
    inner[i]! ^= key[i]!;
    outer[i]! ^= key[i]!;
  }
  return { inner, outer };
}

/** HMAC-SHA256 as two one-shot hashes: much less work than an Hmac object per request. */
function hmacHex(key: HmacKey, message: string): string {
  const text = Buffer.from(message, 'utf8');
  const inner = Buffer.allocUnsafe(64 + text.length);
  key.inner.copy(inner, 0);
  text.copy(inner, 64);
  const outer = Buffer.allocUnsafe(96);
  key.outer.copy(outer, 0);
  hash('sha256', inner, 'buffer').copy(outer, 64);
  return hash('sha256', outer, 'hex');
}

// Derived signing keys per secret, day, region and service: four HMACs once a day, not per
// request. Regions and services come from callers; the cache stays small whatever they send.
const signingKeys = new WeakMap<Credentials, Map<string, HmacKey>>();
const MAX_SIGNING_KEYS = 32;

function signingKey(
  credentials: Credentials,
  shortDate: string,
  region: string,
  service: string,
): HmacKey {
  let keys = signingKeys.get(credentials);
  if (!keys) signingKeys.set(credentials, (keys = new Map()));
  const scope = `${shortDate}/${region}/${service}`;
  let cached = keys.get(scope);
  if (!cached) {
    let key = Buffer.from(`AWS4${credentials.secretAccessKey}`, 'utf8');
    for (const part of [shortDate, region, service, 'aws4_request'])
      key = createHmac('sha256', key).update(part).digest();
    if (keys.size >= MAX_SIGNING_KEYS) keys.clear();
    cached = hmacKey(key);
    keys.set(scope, cached);
  }
  return cached;
}

/** A header value as SigV4 canonicalises it: line breaks and runs of blanks become one space. */
function foldHeaderValue(value: string): string {
  return /[\r\n\t]| {2}|^ | $/.test(value)
    ? value
        .replace(/[\r\n]/g, ' ')
        .replace(/[ \t]+/g, ' ')
        .replace(/^ | $/g, '')
    : value;
}

/** RFC 3986 escaping, as the SDK's signer escapes URI parts. */
function escapeUri(part: string): string {
  return encodeURIComponent(part).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

const PLAIN_PATH = /^(\/[A-Za-z0-9_~-]+(\.[A-Za-z0-9_~-]+)*)+\/?$|^\/$/;

/** The path as sent (already encoded once), normalised and encoded again, as the SDK signs it. */
export function canonicalPath(rawPath: string): string {
  // Most paths are plain (no escapes, no dot or empty segments): they stand for themselves.
  if (PLAIN_PATH.test(rawPath)) return rawPath;
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalised = `${rawPath.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && rawPath.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalised).replace(/%2F/g, '/');
}

/** Query parameters sorted by encoded name, repeated values sorted, as the SDK signs them. */
export function canonicalQuery(query: Record<string, string | string[]>): string {
  const parts: [string, string][] = [];
  for (const [name, value] of Object.entries(query)) {
    if (name.toLowerCase() === 'x-amz-signature') continue;
    const key = escapeUri(name);
    const pairs = (Array.isArray(value) ? value : [value]).map((v) => `${key}=${escapeUri(v)}`);
    parts.push([key, Array.isArray(value) ? pairs.sort().join('&') : pairs[0]!]);
  }
  return parts
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, pairs]) => pairs)
    .join('&');
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
  if (!AMZ_DATE.test(value)) return undefined;
  const n = (from: number, to: number): number => Number(value.slice(from, to));
  return new Date(Date.UTC(n(0, 4), n(4, 6) - 1, n(6, 8), n(9, 11), n(11, 13), n(13, 15)));
}

const AMZ_DATE = /^\d{8}T\d{6}Z$/;

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
