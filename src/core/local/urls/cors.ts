// CORS for function URLs: Lambda answers preflights itself and adds the allow headers to
// responses when the URL has a Cors configuration and the request's Origin is allowed.
import type { UrlCors } from './model';

function originAllowed(cors: UrlCors, origin: string): boolean {
  return (cors.AllowOrigins ?? []).some((allowed) => allowed === '*' || allowed === origin);
}

/** Headers to add to a normal response; empty when CORS does not apply. */
export function corsHeaders(
  cors: UrlCors | undefined,
  origin: string | undefined,
): Record<string, string> {
  if (!cors || origin === undefined || !originAllowed(cors, origin)) return {};
  const headers: Record<string, string> = {
    'access-control-allow-origin':
      (cors.AllowOrigins ?? []).includes('*') && !cors.AllowCredentials ? '*' : origin,
  };
  if (cors.AllowCredentials) headers['access-control-allow-credentials'] = 'true';
  if (cors.ExposeHeaders?.length)
    headers['access-control-expose-headers'] = cors.ExposeHeaders.join(',');
  return headers;
}

/** The answer to an OPTIONS preflight, or undefined when it is not one Lambda would answer. */
export function preflight(
  cors: UrlCors | undefined,
  method: string,
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> | undefined {
  const origin = headers.origin;
  const requested = headers['access-control-request-method'];
  if (
    !cors ||
    method !== 'OPTIONS' ||
    typeof origin !== 'string' ||
    typeof requested !== 'string'
  ) {
    return undefined;
  }
  const answer = corsHeaders(cors, origin);
  const methods = cors.AllowMethods ?? [];
  if (Object.keys(answer).length === 0) return answer;
  if (!methods.includes('*') && !methods.includes(requested.toUpperCase())) return {};
  answer['access-control-allow-methods'] = methods.join(',');
  if (cors.AllowHeaders?.length)
    answer['access-control-allow-headers'] = cors.AllowHeaders.join(',');
  if (cors.MaxAge !== undefined) answer['access-control-max-age'] = String(cors.MaxAge);
  return answer;
}
