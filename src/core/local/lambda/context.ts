// What every Lambda handler receives: the cloud's services and one parsed request.
import type { IncomingHttpHeaders } from 'node:http';
import type { ReceivedBody } from '../http/body';
import { invalidRequestContent } from '../http/errors';
import type { CodeStore } from '../store/code-store';
import type { StateStore } from '../store/state-store';
import type { Invoker } from './invoker';
import type { Lifecycle } from './lifecycle';
import type { Identity } from './model';

export interface LambdaServices {
  identity: Identity;
  store: StateStore;
  code: CodeStore;
  lifecycle: Lifecycle;
  invoker: Invoker;
  clock: () => number;
  /** A download URL for a stored package, valid for a few minutes. */
  codeLocation(sha256Hex: string): string;
  /** The cloud's base URL (function URLs are served under it). */
  endpoint(): string;
  /** Refuses a role Lambda could not assume yet (simulated IAM propagation). */
  assumeRole?(roleArn: string): void;
}

export interface LambdaRequest {
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  headers: IncomingHttpHeaders;
  body: ReceivedBody;
  requestId: string;
  /** Aborted when the caller disconnects. */
  signal: AbortSignal;
}

export interface LambdaResponse {
  status: number;
  json?: unknown;
  raw?: Buffer;
  /** A body written as it is produced (chunked), instead of `json` or `raw`. */
  stream?: AsyncIterable<Buffer>;
  headers?: Record<string, string>;
}

export type LambdaHandler = (
  services: LambdaServices,
  request: LambdaRequest,
) => Promise<LambdaResponse>;

export function jsonBody(request: LambdaRequest): Record<string, unknown> {
  if (request.body.size === 0) return {};
  try {
    const parsed: unknown = JSON.parse(request.body.data.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error('the body is not a JSON object');
    }
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw invalidRequestContent(
      `Could not parse request body into json: ${(error as Error).message}`,
    );
  }
}

export function queryString(request: LambdaRequest, name: string): string | undefined {
  const value = request.query[name];
  return Array.isArray(value) ? value[0] : value;
}

export function queryList(request: LambdaRequest, name: string): string[] {
  const value = request.query[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function headerValue(request: LambdaRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
