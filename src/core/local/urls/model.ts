// What the local cloud keeps about each function URL, and how Lambda renders it.
import { functionArn, type FunctionRecord, type Identity } from '../lambda/model';

export type UrlAuthType = 'NONE' | 'AWS_IAM';
export type UrlInvokeMode = 'BUFFERED' | 'RESPONSE_STREAM';

export interface UrlCors {
  AllowCredentials?: boolean;
  AllowHeaders?: string[];
  AllowMethods?: string[];
  AllowOrigins?: string[];
  ExposeHeaders?: string[];
  MaxAge?: number;
}

export interface FunctionUrlRecord {
  /** 32 lower-case letters and digits, as Lambda's `<url-id>`; never changes. */
  urlId: string;
  /** `$LATEST` or an alias name. */
  qualifier: string;
  authType: UrlAuthType;
  cors?: UrlCors;
  invokeMode: UrlInvokeMode;
  creationTime: number;
  lastModifiedTime: number;
}

/** Where a URL is served: a path prefix on the cloud's own endpoint (see README). */
export const URL_PATH_PREFIX = '/lambda-url/';

export function functionUrl(endpoint: string, urlId: string): string {
  return `${endpoint}${URL_PATH_PREFIX}${urlId}/`;
}

export function renderUrlConfig(
  identity: Identity,
  endpoint: string,
  fn: FunctionRecord,
  url: FunctionUrlRecord,
): Record<string, unknown> {
  const rendered: Record<string, unknown> = {
    FunctionUrl: functionUrl(endpoint, url.urlId),
    FunctionArn: functionArn(
      identity,
      fn.name,
      url.qualifier === '$LATEST' ? undefined : url.qualifier,
    ),
    AuthType: url.authType,
    CreationTime: new Date(url.creationTime).toISOString(),
    LastModifiedTime: new Date(url.lastModifiedTime).toISOString(),
    InvokeMode: url.invokeMode,
  };
  if (url.cors) rendered.Cors = url.cors;
  return rendered;
}
