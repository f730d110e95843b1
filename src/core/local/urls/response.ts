// A function's result as the HTTP response of its URL, by Lambda's rules for payload 2.0.

export interface UrlResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** A body written as the function streams it (RESPONSE_STREAM), after `body`. */
  stream?: AsyncIterable<Buffer>;
}

/** What Lambda answers when the function fails or returns something it cannot map. */
export function badGateway(): UrlResponse {
  return {
    status: 502,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: Buffer.from('Internal Server Error'),
  };
}

function json(payload: Buffer): UrlResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: payload };
}

export function mapUrlResult(payload: Buffer): UrlResponse {
  let result: unknown;
  try {
    result = JSON.parse(payload.toString('utf8'));
  } catch {
    return badGateway();
  }
  // Anything that is not an object with a statusCode is the body of a 200 JSON response.
  if (typeof result !== 'object' || result === null || Array.isArray(result)) return json(payload);
  const shaped = result as Record<string, unknown>;
  if (shaped.statusCode === undefined) return json(payload);

  const status = Number(shaped.statusCode);
  if (!Number.isInteger(status) || status < 100 || status > 599) return badGateway();
  const headers: Record<string, string | string[]> = {};
  if (shaped.headers !== undefined) {
    if (typeof shaped.headers !== 'object' || shaped.headers === null) return badGateway();
    for (const [name, value] of Object.entries(shaped.headers)) {
      if (value === null || typeof value === 'object') return badGateway();
      headers[name.toLowerCase()] = String(value);
    }
  }
  if (shaped.cookies !== undefined) {
    if (!Array.isArray(shaped.cookies)) return badGateway();
    headers['set-cookie'] = shaped.cookies.map(String);
  }
  let body = Buffer.alloc(0);
  if (shaped.body !== undefined && shaped.body !== null) {
    const text = typeof shaped.body === 'string' ? shaped.body : JSON.stringify(shaped.body);
    body =
      shaped.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
  }
  return { status, headers, body };
}
