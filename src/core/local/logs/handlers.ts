// CloudWatch Logs over JSON 1.1 (`X-Amz-Target: Logs_20140328.<Operation>`): DescribeLogGroups,
// DescribeLogStreams, GetLogEvents and FilterLogEvents.
import { createHash } from 'node:crypto';
import { ApiError, logsInvalidParameter, logsNotFound } from '../http/errors';
import type { Identity } from '../lambda/model';
import { compileFilterPattern, FilterPatternError, type Matcher } from './filter-pattern';
import type { LogGroup, LogStore, LogStream, StoredEvent } from './log-store';

export type LogsInput = Record<string, unknown>;
export type LogsHandler = (
  store: LogStore,
  identity: Identity,
  input: LogsInput,
) => Record<string, unknown>;

function str(input: LogsInput, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw logsInvalidParameter(`${key} must be a string.`);
  return value;
}

function num(input: LogsInput, key: string): number | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw logsInvalidParameter(`${key} must be a number.`);
  return value;
}

function limitOf(input: LogsInput, max: number, fallback: number): number {
  const limit = num(input, 'limit') ?? fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw logsInvalidParameter(
      `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${max}`,
    );
  }
  return limit;
}

function offsetToken(token: string | undefined): number {
  if (token === undefined) return 0;
  const m = /^o:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw logsInvalidParameter('The specified nextToken is invalid.');
  return Number(m[1]);
}

const makeToken = (offset: number): string => Buffer.from(`o:${offset}`).toString('base64url');

function groupArn(identity: Identity, name: string): string {
  return `arn:aws:logs:${identity.region}:${identity.accountId}:log-group:${name}`;
}

/** For the operations whose model says "either logGroupName or logGroupIdentifier, not both". */
function requireGroup(store: LogStore, input: LogsInput): LogGroup {
  const byName = str(input, 'logGroupName');
  const identifier = str(input, 'logGroupIdentifier');
  if (byName !== undefined && identifier !== undefined) {
    throw logsInvalidParameter('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  }
  const name = byName ?? arnGroupName(identifier);
  if (name === undefined)
    throw logsInvalidParameter('logGroupName or logGroupIdentifier is required.');
  const group = store.groups.get(name);
  if (!group) throw logsNotFound('The specified log group does not exist.');
  return group;
}

function arnGroupName(identifier: string | undefined): string | undefined {
  if (identifier === undefined) return undefined;
  const m = /^arn:aws[a-zA-Z-]*:logs:[^:]*:\d*:log-group:([^:]+)(:\*)?$/.exec(identifier);
  return m ? m[1] : identifier;
}

function lastEvent(stream: LogStream): StoredEvent | undefined {
  return stream.events[stream.events.length - 1];
}

export const describeLogGroups: LogsHandler = (store, identity, input) => {
  const prefix = str(input, 'logGroupNamePrefix') ?? '';
  const pattern = str(input, 'logGroupNamePattern');
  const limit = limitOf(input, 50, 50);
  const groups = [...store.groups.values()]
    .filter((g) => g.name.startsWith(prefix) && (pattern === undefined || g.name.includes(pattern)))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const start = offsetToken(str(input, 'nextToken'));
  const page = groups.slice(start, start + limit);
  return {
    logGroups: page.map((g) => ({
      logGroupName: g.name,
      creationTime: g.creationTime,
      metricFilterCount: 0,
      arn: `${groupArn(identity, g.name)}:*`,
      logGroupArn: groupArn(identity, g.name),
      storedBytes: [...g.streams.values()].reduce((sum, s) => sum + s.storedBytes, 0),
      logGroupClass: 'STANDARD',
    })),
    nextToken: start + page.length < groups.length ? makeToken(start + page.length) : undefined,
  };
};

export const describeLogStreams: LogsHandler = (store, identity, input) => {
  const group = requireGroup(store, input);
  const prefix = str(input, 'logStreamNamePrefix');
  const orderBy = str(input, 'orderBy') ?? 'LogStreamName';
  if (orderBy !== 'LogStreamName' && orderBy !== 'LastEventTime') {
    throw logsInvalidParameter(`orderBy must be LogStreamName or LastEventTime, not ${orderBy}.`);
  }
  if (orderBy === 'LastEventTime' && prefix !== undefined) {
    throw logsInvalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
  }
  const limit = limitOf(input, 50, 50);
  const streams = [...group.streams.values()].filter(
    (s) => prefix === undefined || s.name.startsWith(prefix),
  );
  const key = (s: LogStream): number | string =>
    orderBy === 'LastEventTime' ? (lastEvent(s)?.timestamp ?? 0) : s.name;
  streams.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  if (input.descending === true) streams.reverse();
  const start = offsetToken(str(input, 'nextToken'));
  const page = streams.slice(start, start + limit);
  return {
    logStreams: page.map((s) => ({
      logStreamName: s.name,
      creationTime: s.creationTime,
      firstEventTimestamp: s.events[0]?.timestamp,
      lastEventTimestamp: lastEvent(s)?.timestamp,
      lastIngestionTime: lastEvent(s)?.ingestionTime,
      arn: `${groupArn(identity, group.name)}:log-stream:${s.name}`,
      storedBytes: s.storedBytes,
    })),
    nextToken: start + page.length < streams.length ? makeToken(start + page.length) : undefined,
  };
};

/**
 * `startTime` is inclusive in both operations; `endTime` is exclusive in GetLogEvents ("equal to
 * or later than this time are not included") and inclusive in FilterLogEvents ("later than").
 */
function inTimeRange(
  event: StoredEvent,
  startTime: number | undefined,
  endTime: number | undefined,
  endInclusive: boolean,
): boolean {
  return (
    (startTime === undefined || event.timestamp >= startTime) &&
    (endTime === undefined ||
      event.timestamp < endTime ||
      (endInclusive && event.timestamp === endTime))
  );
}

/** Tokens hold the stream position (`f/<seq>` forward, `b/<seq>` backward) as CloudWatch's do. */
export const getLogEvents: LogsHandler = (store, _identity, input) => {
  const group = requireGroup(store, input);
  const streamName = str(input, 'logStreamName');
  const stream = streamName === undefined ? undefined : group.streams.get(streamName);
  if (!stream) throw logsNotFound('The specified log stream does not exist.');
  const limit = limitOf(input, 10000, 10000);
  const startTime = num(input, 'startTime');
  const endTime = num(input, 'endTime');
  const token = str(input, 'nextToken');
  const matching = stream.events.filter((e) => inTimeRange(e, startTime, endTime, false));
  let page: StoredEvent[];
  let forwardFrom: number | undefined;
  const parsed = token === undefined ? undefined : /^([fb])\/(\d+)$/.exec(token);
  if (token !== undefined && !parsed)
    throw logsInvalidParameter('The specified nextToken is invalid.');
  if (parsed?.[1] === 'f' || (parsed === undefined && input.startFromHead === true)) {
    forwardFrom = parsed ? Number(parsed[2]) : 0;
    const from = forwardFrom;
    page = matching.filter((e) => e.seq >= from).slice(0, limit);
  } else {
    const before = parsed ? Number(parsed[2]) : Number.MAX_SAFE_INTEGER;
    const earlier = matching.filter((e) => e.seq < before);
    page = earlier.slice(Math.max(0, earlier.length - limit));
  }
  const first = page[0];
  const last = page[page.length - 1];
  const end = last ? last.seq + 1 : (forwardFrom ?? stream.trimmed + stream.events.length);
  const beginning = first ? first.seq : parsed && parsed[1] === 'b' ? Number(parsed[2]) : end;
  return {
    events: page.map((e) => ({
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: e.ingestionTime,
    })),
    nextForwardToken: `f/${end}`,
    nextBackwardToken: `b/${beginning}`,
  };
};

interface FilterKey {
  t: number;
  s: string;
  q: number;
}

/** A FilterLogEvents token: the last event returned and the direction (`b`: latest first). */
interface FilterToken extends FilterKey {
  d?: 'b';
}

function compareKey(a: FilterKey, b: FilterKey): number {
  return a.t - b.t || (a.s < b.s ? -1 : a.s > b.s ? 1 : 0) || a.q - b.q;
}

function readFilterToken(token: string): FilterToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch (error) {
    throw new ApiError(
      'InvalidParameterException',
      400,
      'The specified nextToken is invalid.',
      {},
      {},
      { cause: error },
    );
  }
  const t = parsed as Partial<FilterToken> | null;
  if (
    t === null ||
    typeof t !== 'object' ||
    typeof t.t !== 'number' ||
    typeof t.s !== 'string' ||
    typeof t.q !== 'number' ||
    (t.d !== undefined && t.d !== 'b')
  ) {
    throw logsInvalidParameter('The specified nextToken is invalid.');
  }
  return t as FilterToken;
}

/** startFromHead=false needs a startTime on or after this (per the FilterLogEvents model). */
const LATEST_FIRST_SINCE = Date.UTC(2024, 0, 1);

export function compile(pattern: string | undefined): Matcher {
  try {
    return compileFilterPattern(pattern);
  } catch (error) {
    if (error instanceof FilterPatternError) {
      throw new ApiError('InvalidParameterException', 400, error.message, {}, {}, { cause: error });
    }
    throw error;
  }
}

export const filterLogEvents: LogsHandler = (store, _identity, input) => {
  const group = requireGroup(store, input);
  const names = input.logStreamNames;
  const prefix = str(input, 'logStreamNamePrefix');
  if (names !== undefined && prefix !== undefined) {
    throw logsInvalidParameter('logStreamNames and logStreamNamePrefix cannot both be specified.');
  }
  if (names !== undefined && (!Array.isArray(names) || names.some((n) => typeof n !== 'string'))) {
    throw logsInvalidParameter('logStreamNames must be a list of strings.');
  }
  const wanted = names === undefined ? undefined : new Set(names as string[]);
  const matcher = compile(str(input, 'filterPattern'));
  const limit = limitOf(input, 10000, 10000);
  const startTime = num(input, 'startTime');
  const endTime = num(input, 'endTime');
  const token = str(input, 'nextToken');
  const after = token === undefined ? undefined : readFilterToken(token);
  const startFromHead = input.startFromHead;
  if (startFromHead !== undefined && typeof startFromHead !== 'boolean')
    throw logsInvalidParameter('startFromHead must be a boolean.');
  if (
    after === undefined &&
    startFromHead === false &&
    startTime !== undefined &&
    startTime < LATEST_FIRST_SINCE
  ) {
    throw logsInvalidParameter(
      'startFromHead set to false is supported only when startTime is on or after Jan 1, 2024 00:00:00 UTC.',
    );
  }
  // The token's direction wins over startFromHead, as the model says.
  const latestFirst = after ? after.d === 'b' : startFromHead === false;
  const direction = latestFirst ? -1 : 1;
  const found: { key: FilterKey; stream: string; event: StoredEvent }[] = [];
  for (const stream of group.streams.values()) {
    if (wanted && !wanted.has(stream.name)) continue;
    if (prefix !== undefined && !stream.name.startsWith(prefix)) continue;
    for (const event of stream.events) {
      if (!inTimeRange(event, startTime, endTime, true)) continue;
      const key = { t: event.timestamp, s: stream.name, q: event.seq };
      if (after && direction * compareKey(key, after) <= 0) continue;
      if (matcher(event.message)) found.push({ key, stream: stream.name, event });
    }
  }
  found.sort((a, b) => direction * compareKey(a.key, b.key));
  const page = found.slice(0, limit);
  const last = page[page.length - 1];
  const next: FilterToken | undefined =
    found.length > limit && last ? { ...last.key, ...(latestFirst ? { d: 'b' } : {}) } : undefined;
  return {
    events: page.map(({ stream, event }) => ({
      logStreamName: stream,
      timestamp: event.timestamp,
      message: event.message,
      ingestionTime: event.ingestionTime,
      eventId: `${createHash('sha1').update(stream).digest('hex').slice(0, 12)}-${event.seq}`,
    })),
    searchedLogStreams: [],
    nextToken: next && Buffer.from(JSON.stringify(next)).toString('base64url'),
  };
};

export const LOGS_OPERATIONS: Record<string, LogsHandler> = {
  DescribeLogGroups: describeLogGroups,
  DescribeLogStreams: describeLogStreams,
  GetLogEvents: getLogEvents,
  FilterLogEvents: filterLogEvents,
};
