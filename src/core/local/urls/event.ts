// An HTTP request as the function URL event (payload format 2.0), as Lambda builds it.

export interface UrlRequest {
  method: string;
  /** The path after the URL's prefix, still percent-encoded, starting with `/`. */
  rawPath: string;
  rawQuery: string;
  /** Node's `rawHeaders`: names and values alternating, as received. */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
  urlId: string;
  domainName: string;
  requestId: string;
  now: number;
  /** The verified caller of an AWS_IAM URL. */
  caller?: { accessKey: string; accountId: string };
}

const TEXT_TYPES = [
  /^text\//,
  /^application\/(.+\+)?json\b/,
  /^application\/(.+\+)?xml\b/,
  /^application\/javascript\b/,
];

/** Lambda passes text bodies as they are and everything else in base64. */
export function isTextContent(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.trim().toLowerCase();
  return TEXT_TYPES.some((pattern) => pattern.test(type));
}

/** `12/Mar/2020:19:03:58 +0000`, the requestContext.time format. */
export function clfTime(ms: number): string {
  const d = new Date(ms);
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${month}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

export function buildUrlEvent(request: UrlRequest): Record<string, unknown> {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i]!.toLowerCase();
    const value = request.rawHeaders[i + 1]!;
    // Cookies travel in their own list, one entry per cookie, not as a header.
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter((c) => c !== ''),
      );
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  headers['x-forwarded-for'] ??= request.sourceIp;
  headers['x-forwarded-proto'] ??= 'http';
  headers['x-amzn-trace-id'] ??=
    `Root=1-${Math.floor(request.now / 1000).toString(16)}-${request.requestId.replace(/-/g, '').slice(0, 24)}`;

  const queryStringParameters: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(request.rawQuery)) {
    queryStringParameters[key] =
      queryStringParameters[key] === undefined ? value : `${queryStringParameters[key]},${value}`;
  }
  let path: string;
  try {
    path = decodeURIComponent(request.rawPath);
  } catch {
    path = request.rawPath;
  }
  const event: Record<string, unknown> = {
    version: '2.0',
    routeKey: '$default',
    rawPath: request.rawPath,
    rawQueryString: request.rawQuery,
  };
  if (cookies.length > 0) event.cookies = cookies;
  event.headers = headers;
  if (Object.keys(queryStringParameters).length > 0) {
    event.queryStringParameters = queryStringParameters;
  }
  event.requestContext = {
    accountId: request.caller?.accountId ?? 'anonymous',
    apiId: request.urlId,
    ...(request.caller
      ? {
          authorizer: {
            iam: {
              accessKey: request.caller.accessKey,
              accountId: request.caller.accountId,
              callerId: request.caller.accessKey,
              cognitoIdentity: null,
              principalOrgId: null,
              userArn: `arn:aws:iam::${request.caller.accountId}:root`,
              userId: request.caller.accountId,
            },
          },
        }
      : {}),
    domainName: request.domainName,
    domainPrefix: request.urlId,
    http: {
      method: request.method,
      path,
      protocol: 'HTTP/1.1',
      sourceIp: request.sourceIp,
      userAgent: headers['user-agent'] ?? '',
    },
    requestId: request.requestId,
    routeKey: '$default',
    stage: '$default',
    time: clfTime(request.now),
    timeEpoch: request.now,
  };
  if (request.body.length > 0) {
    const text = isTextContent(headers['content-type']);
    event.body = text ? request.body.toString('utf8') : request.body.toString('base64');
    event.isBase64Encoded = !text;
  } else {
    event.isBase64Encoded = false;
  }
  return event;
}
