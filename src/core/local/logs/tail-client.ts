// `tailLocalLogs`: a typed client for the local cloud's live tail stream. It signs the request
// with the local cloud's credentials and yields events as the functions write them.
import http from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../http/sha256';
import type { TailEvent } from './log-store';
import { TAIL_PATH, type TailLine, type TailQuery } from './tail-endpoint';

export interface TailClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export interface TailOptions extends TailQuery {
  /** Stops the tail; the iterator then ends without an error. */
  signal?: AbortSignal;
  /** Called once the server is subscribed: events written after this are delivered. */
  onReady?: () => void;
}

export class LocalTailError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly errorType: string | undefined,
    readonly requestId: string | undefined,
  ) {
    super(message);
    this.name = 'LocalTailError';
  }
}

export async function* tailLocalLogs(
  config: TailClientConfig,
  options: TailOptions,
): AsyncGenerator<TailEvent> {
  const url = new URL(TAIL_PATH, config.endpoint);
  const query: Record<string, string | string[]> = { logGroupName: options.logGroupName };
  if (options.filterPattern) query.filterPattern = options.filterPattern;
  if (options.logStreamNames?.length) query.logStreamNames = options.logStreamNames;
  const signer = new SignatureV4({
    credentials: config.credentials,
    region: config.region,
    service: 'logs',
    sha256: NodeSha256,
  });
  const signed = await signer.sign({
    method: 'GET',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query,
    headers: { host: url.host },
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, item);
  }
  if (options.signal?.aborted) return;
  const request = http.request({
    host: url.hostname,
    port: url.port,
    path: `${url.pathname}?${search.toString().replace(/\+/g, '%20')}`,
    method: 'GET',
    headers: signed.headers,
    signal: options.signal,
  });
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    request.on('response', resolve);
    request.on('error', reject);
    request.end();
  }).catch((error: unknown) => {
    if (options.signal?.aborted) return undefined;
    throw new Error(
      `Could not open the log tail at ${config.endpoint}: ${(error as Error).message}. Is the local cloud running?`,
      {
        cause: error,
      },
    );
  });
  if (!response) return;
  if (response.statusCode !== 200) {
    let text = '';
    for await (const chunk of response) text += String(chunk);
    const body = safeJson(text);
    throw new LocalTailError(
      `The local cloud refused the log tail of ${options.logGroupName} (HTTP ${response.statusCode}): ${String(body?.message ?? body?.Message ?? text)}`,
      response.statusCode ?? 0,
      headerOf(response, 'x-amzn-errortype'),
      headerOf(response, 'x-amzn-requestid'),
    );
  }
  let buffered = '';
  try {
    for await (const chunk of response) {
      buffered += String(chunk);
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffered.slice(0, newline)) as TailLine;
        buffered = buffered.slice(newline + 1);
        if (line.type === 'ready') options.onReady?.();
        if (line.type !== 'event') continue;
        const { type: _type, ...event } = line;
        yield event;
      }
    }
  } catch (error) {
    if (!options.signal?.aborted) throw ended(config, options, error);
  } finally {
    request.destroy();
  }
  if (!options.signal?.aborted) throw ended(config, options, undefined);
}

function ended(config: TailClientConfig, options: TailOptions, cause: unknown): Error {
  return new Error(
    `The local cloud at ${config.endpoint} ended the log tail of ${options.logGroupName}; it has probably stopped.`,
    { cause },
  );
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function headerOf(response: http.IncomingMessage, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
