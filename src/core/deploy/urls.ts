// HTTP events become one Lambda function URL on the stage alias. A URL has one auth type, one
// CORS setting and one invoke mode, and serves every method and path: the routes of several
// http events share it, and the function sees the method and path in its event
// (requestContext.http).
import type { FunctionUrlInfo, FunctionUrlInput, UrlCors } from '../cloud/provider';
import type { FunctionSpec, HttpEvent } from '../manifest/types';

export interface DesiredUrl extends FunctionUrlInput {
  /** `GET /hello`, for plans. */
  routes: string[];
  /** Settings the events disagree on, and what was chosen. */
  warnings: string[];
}

export type UrlAction = 'create' | 'update' | 'delete' | 'unchanged' | 'none';

export interface UrlDecision {
  action: UrlAction;
  /** The public permission must be granted or taken away (it follows auth NONE). */
  authChanged: boolean;
}

export function httpEvents(fn: FunctionSpec): HttpEvent[] {
  return fn.events.filter((e): e is HttpEvent => e.type === 'http');
}

/** Whether the function's URL streams its responses: one of its http events says `stream: true`. */
export function streamsResponse(fn: FunctionSpec): boolean {
  return fn.events.some((event) => event.type === 'http' && event.stream === true);
}

/** The URL a function's http events ask for, or undefined when it has none. */
export function desiredUrl(fn: FunctionSpec): DesiredUrl | undefined {
  const events = httpEvents(fn);
  if (events.length === 0) return undefined;
  const warnings: string[] = [];
  const auths = new Set(events.map((e) => e.auth));
  // One URL, one auth type: when the events disagree, the stricter one protects all routes.
  const authType = auths.has('AWS_IAM') ? 'AWS_IAM' : 'NONE';
  if (auths.size > 1) {
    warnings.push(
      `the http events of ${fn.key} mix auth NONE and AWS_IAM, but they share one function URL: all routes use AWS_IAM`,
    );
  }
  const desired: DesiredUrl = {
    authType,
    routes: events.map((e) => `${e.method} ${e.path}`),
    warnings,
  };
  if (events.some((e) => e.cors)) desired.cors = corsFor(events);
  // One URL, one invoke mode: a streamed route makes every route streamed.
  const streamed = events.filter((e) => e.stream).length;
  if (streamed > 0) {
    desired.invokeMode = 'RESPONSE_STREAM';
    if (streamed < events.length) {
      warnings.push(
        `some http events of ${fn.key} stream and some do not, but they share one function URL: all routes stream`,
      );
    }
  }
  return desired;
}

/** Any origin, the events' methods, any request header; preflights cached for 5 minutes. */
export function corsFor(events: HttpEvent[]): UrlCors {
  const methods = new Set(events.map((e) => e.method));
  return {
    allowOrigins: ['*'],
    allowMethods: methods.has('ANY') ? ['*'] : [...methods].sort(),
    allowHeaders: ['*'],
    exposeHeaders: [],
    maxAge: 300,
    allowCredentials: false,
  };
}

export function decideUrl(
  desired: FunctionUrlInput | undefined,
  current: FunctionUrlInfo | undefined,
): UrlDecision {
  if (!desired) return { action: current ? 'delete' : 'none', authChanged: Boolean(current) };
  // A new URL starts with no permission: only a public one needs one granted.
  if (!current) return { action: 'create', authChanged: desired.authType === 'NONE' };
  const authChanged = desired.authType !== current.authType;
  const same =
    !authChanged &&
    sameCors(desired.cors, current.cors) &&
    (desired.invokeMode ?? 'BUFFERED') === (current.invokeMode ?? 'BUFFERED');
  return { action: same ? 'unchanged' : 'update', authChanged };
}

function sameCors(a: UrlCors | undefined, b: UrlCors | undefined): boolean {
  if (!a || !b) return !a && !b;
  const list = (v: string[], upper = false) =>
    JSON.stringify([...v].map((s) => (upper ? s.toUpperCase() : s.toLowerCase())).sort());
  return (
    list(a.allowOrigins) === list(b.allowOrigins) &&
    list(a.allowMethods, true) === list(b.allowMethods, true) &&
    list(a.allowHeaders) === list(b.allowHeaders) &&
    list(a.exposeHeaders) === list(b.exposeHeaders) &&
    a.maxAge === b.maxAge &&
    a.allowCredentials === b.allowCredentials
  );
}
