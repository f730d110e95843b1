// The live tail: a signed GET that stays open and streams matching log events as NDJSON, one
// JSON object per line, as they are written. StartLiveTail needs HTTP/2 event streams, which
// the local cloud does not speak; this is the equivalent the product uses for the local target.
import type { ServerResponse } from 'node:http';
import { compile } from './handlers';
import type { LogStore, TailEvent } from './log-store';

export const TAIL_PATH = '/flourish/logs/tail';
const HEARTBEAT_MS = 15_000;

/** One line of the stream. `ready` says the subscription is in place; events follow it. */
export type TailLine = { type: 'ready' } | { type: 'heartbeat' } | ({ type: 'event' } & TailEvent);

export interface TailQuery {
  logGroupName: string;
  logStreamNames?: string[];
  filterPattern?: string;
}

export function streamTail(
  store: LogStore,
  query: TailQuery,
  res: ServerResponse,
  headers: Record<string, string>,
): void {
  const matcher = compile(query.filterPattern);
  const streams =
    query.logStreamNames && query.logStreamNames.length > 0
      ? new Set(query.logStreamNames)
      : undefined;
  res.writeHead(200, {
    ...headers,
    'Content-Type': 'application/x-ndjson',
    'Cache-Control': 'no-store',
  });
  const send = (line: TailLine): void => {
    res.write(`${JSON.stringify(line)}\n`);
  };
  const unsubscribe = store.subscribe(query.logGroupName, (event) => {
    if (streams && !streams.has(event.logStreamName)) return;
    if (matcher(event.message)) send({ type: 'event', ...event });
  });
  const heartbeat = setInterval(() => send({ type: 'heartbeat' }), HEARTBEAT_MS);
  heartbeat.unref();
  res.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
  send({ type: 'ready' });
}
