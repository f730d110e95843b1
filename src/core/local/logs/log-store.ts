// CloudWatch-style log groups and streams, fed by the execution engine through LogSink.
// Events live in memory; each stream is also an append-only NDJSON file (a header line, then
// one line per event) that new events are appended to shortly after they arrive. A crash loses
// at most those moments and a torn last line, which loading skips; a file that grew well past
// what is kept is rewritten atomically.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { LogEventInput, LogSink } from '../execution/contract';
import { writeFileAtomic, WriteQueue } from '../store/atomic-file';

export interface StoredEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
  /** Position in the stream since it was created (kept when old events are trimmed). */
  seq: number;
}

export interface LogStream {
  name: string;
  creationTime: number;
  /** Events dropped from the front to honour the per-stream cap. */
  trimmed: number;
  events: StoredEvent[];
  storedBytes: number;
  /** The seq after the last one written; undefined while the stream has no usable file. */
  persistedSeq?: number;
  /** Event lines in the file, to know when to compact it. */
  fileLines: number;
  /**
   * Lines of the events not yet in the file, serialised as they arrive so a flush only writes
   * them: building thousands of lines at once would hold up the requests in flight.
   */
  pending: string;
  pendingLines: number;
}

export interface LogGroup {
  name: string;
  creationTime: number;
  streams: Map<string, LogStream>;
}

export interface TailEvent {
  logGroupName: string;
  logStreamName: string;
  timestamp: number;
  message: string;
  ingestionTime: number;
}

export type TailListener = (event: TailEvent) => void;

export interface LogStoreOptions {
  clock: () => number;
  /** Newest events kept per stream; older ones are dropped (in batches of up to 1,024). */
  maxEventsPerStream?: number;
  /** Events kept across all groups; past it the streams that went quiet longest are removed. */
  maxEventsTotal?: number;
  /** How long a change may wait before it is written. */
  flushDelayMs?: number;
  onError?: (error: Error) => void;
}

interface StreamHeader {
  name: string;
  creationTime: number;
}

/** One event line: short keys, since a stream may hold many thousands. */
interface EventLine {
  t: number;
  m: string;
  i: number;
  s: number;
}

const STREAM_SUFFIX = '.ndjson';

function eventLine(e: StoredEvent): string {
  const line: EventLine = { t: e.timestamp, m: e.message, i: e.ingestionTime, s: e.seq };
  return `${JSON.stringify(line)}\n`;
}

/** The longest wait before writing again after failed writes. */
const MAX_RETRY_DELAY_MS = 10_000;

/** Lines built per turn of the event loop when a whole stream is rewritten. */
const REWRITE_CHUNK = 2_000;

/** The header and the events' lines, built a chunk per turn so requests are not held up. */
async function linesOf(header: string, events: StoredEvent[]): Promise<string> {
  const parts = [header];
  for (let i = 0; i < events.length; i += REWRITE_CHUNK) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    let chunk = '';
    for (const event of events.slice(i, i + REWRITE_CHUNK)) chunk += eventLine(event);
    parts.push(chunk);
  }
  return parts.join('');
}

export class LogStore implements LogSink {
  readonly groups = new Map<string, LogGroup>();
  private readonly listeners = new Map<string, Set<TailListener>>();
  private readonly dirty = new Map<string, Set<string>>();
  private readonly queue = new WriteQueue();
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly maxEvents: number;
  /** How far past maxEvents a stream may grow before its oldest events are dropped. */
  private readonly trimSlack: number;
  private readonly maxTotal: number;
  private readonly flushDelayMs: number;
  private readonly removed = new Map<string, Set<string>>();
  private total = 0;
  private failedFlushes = 0;

  constructor(
    private readonly dir: string,
    private readonly options: LogStoreOptions,
  ) {
    this.maxEvents = options.maxEventsPerStream ?? 100_000;
    this.trimSlack = Math.min(1024, Math.floor(this.maxEvents / 16));
    this.maxTotal = options.maxEventsTotal ?? 250_000;
    this.flushDelayMs = options.flushDelayMs ?? 200;
  }

  async load(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    for (const groupDir of await fs.readdir(this.dir)) {
      const groupPath = path.join(this.dir, groupDir);
      if (!(await fs.stat(groupPath)).isDirectory()) continue;
      const group = this.group(decodeURIComponent(groupDir), Number.MAX_SAFE_INTEGER);
      for (const file of await fs.readdir(groupPath)) {
        if (!file.endsWith(STREAM_SUFFIX) || file.startsWith('.')) continue;
        const stream = this.parseStream(await fs.readFile(path.join(groupPath, file), 'utf8'));
        if (!stream) continue;
        group.streams.set(stream.name, stream);
        group.creationTime = Math.min(group.creationTime, stream.creationTime);
        this.total += stream.events.length;
      }
    }
  }

  private parseStream(text: string): LogStream | undefined {
    const lines = text.split('\n');
    let header: StreamHeader;
    try {
      header = JSON.parse(lines[0]!) as StreamHeader;
    } catch {
      return undefined;
    }
    const events: StoredEvent[] = [];
    let fileLines = 0;
    for (const line of lines.slice(1)) {
      if (line === '') continue;
      fileLines++;
      try {
        const e = JSON.parse(line) as EventLine;
        events.push({ timestamp: e.t, message: e.m, ingestionTime: e.i, seq: e.s });
      } catch {
        // A line torn by a crash mid-append: skip it.
      }
    }
    const kept = events.slice(Math.max(0, events.length - this.maxEvents));
    const next = (events.at(-1)?.seq ?? -1) + 1;
    return {
      name: header.name,
      creationTime: header.creationTime,
      trimmed: kept[0]?.seq ?? next,
      events: kept,
      storedBytes: kept.reduce((sum, e) => sum + Buffer.byteLength(e.message), 0),
      // After a torn line the file is rewritten whole before anything is appended to it.
      persistedSeq: text.endsWith('\n') ? next : undefined,
      fileLines,
      pending: '',
      pendingLines: 0,
    };
  }

  write(logGroupName: string, logStreamName: string, events: LogEventInput[]): void {
    const now = this.options.clock();
    const group = this.group(logGroupName, now);
    let stream = group.streams.get(logStreamName);
    if (!stream) {
      stream = {
        name: logStreamName,
        creationTime: now,
        trimmed: 0,
        events: [],
        storedBytes: 0,
        fileLines: 0,
        pending: '',
        pendingLines: 0,
      };
      group.streams.set(logStreamName, stream);
    }
    const listeners = this.listeners.get(logGroupName);
    for (const input of events) {
      const event: StoredEvent = {
        timestamp: input.timestamp,
        message: input.message,
        ingestionTime: now,
        seq: stream.trimmed + stream.events.length,
      };
      stream.events.push(event);
      stream.pending += eventLine(event);
      stream.pendingLines++;
      stream.storedBytes += Buffer.byteLength(input.message);
      this.total++;
      if (listeners) {
        for (const listener of listeners) {
          listener({
            logGroupName,
            logStreamName,
            timestamp: event.timestamp,
            message: event.message,
            ingestionTime: now,
          });
        }
      }
    }
    // Trimmed in batches: dropping a line or two from the front of a full stream on every
    // write would move the whole array each time.
    const excess = stream.events.length - this.maxEvents;
    if (excess > this.trimSlack) {
      for (const dropped of stream.events.splice(0, excess)) {
        stream.storedBytes -= Buffer.byteLength(dropped.message);
      }
      stream.trimmed += excess;
      this.total -= excess;
    }
    this.markDirty(logGroupName, logStreamName);
    if (this.total > this.maxTotal) this.evict(stream);
  }

  /** Removes whole streams, quietest first, until a tenth of the budget is free again. */
  private evict(keep: LogStream): void {
    const candidates: { group: LogGroup; stream: LogStream; last: number }[] = [];
    for (const group of this.groups.values()) {
      for (const stream of group.streams.values()) {
        if (stream !== keep) {
          candidates.push({ group, stream, last: stream.events.at(-1)?.timestamp ?? 0 });
        }
      }
    }
    candidates.sort((a, b) => a.last - b.last);
    for (const { group, stream } of candidates) {
      if (this.total <= this.maxTotal * 0.9) break;
      group.streams.delete(stream.name);
      this.total -= stream.events.length;
      this.dirty.get(group.name)?.delete(stream.name);
      let gone = this.removed.get(group.name);
      if (!gone) this.removed.set(group.name, (gone = new Set()));
      gone.add(stream.name);
    }
  }

  subscribe(logGroupName: string, listener: TailListener): () => void {
    let set = this.listeners.get(logGroupName);
    if (!set) this.listeners.set(logGroupName, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(logGroupName);
    };
  }

  /** Writes every changed stream now. */
  flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = [...this.dirty.entries()];
    this.dirty.clear();
    const removed = [...this.removed.entries()];
    this.removed.clear();
    return this.queue.run(async () => {
      for (const [groupName, streams] of removed) {
        const groupDir = path.join(this.dir, encodeURIComponent(groupName));
        for (const streamName of streams) {
          await fs.rm(path.join(groupDir, `${encodeURIComponent(streamName)}${STREAM_SUFFIX}`), {
            force: true,
          });
        }
      }
      let failure: unknown;
      for (const [groupName, streams] of batch) {
        const group = this.groups.get(groupName);
        if (!group) continue;
        const groupDir = path.join(this.dir, encodeURIComponent(groupName));
        for (const streamName of streams) {
          const stream = group.streams.get(streamName);
          if (!stream) continue;
          const file = path.join(groupDir, `${encodeURIComponent(streamName)}${STREAM_SUFFIX}`);
          try {
            await fs.mkdir(groupDir, { recursive: true });
            await this.persist(stream, file);
          } catch (error) {
            // The file may now lack lines or end in a torn one: it is written whole next time,
            // from the events kept, which bounds what waits however long the failure lasts.
            stream.persistedSeq = undefined;
            stream.pending = '';
            stream.pendingLines = 0;
            failure ??= error;
            this.markDirty(groupName, streamName, true);
          }
        }
      }
      this.failedFlushes = failure === undefined ? 0 : this.failedFlushes + 1;
      if (failure !== undefined) throw failure;
    });
  }

  /** Appends the stream's new events, or rewrites the file when it is new or overgrown. */
  private async persist(stream: LogStream, file: string): Promise<void> {
    const next = stream.trimmed + stream.events.length;
    if (stream.persistedSeq === undefined || stream.fileLines > 2 * this.maxEvents) {
      // Everything kept goes into the new file, so what was pending is in it too.
      const events = stream.events.slice();
      stream.pending = '';
      stream.pendingLines = 0;
      const header: StreamHeader = { name: stream.name, creationTime: stream.creationTime };
      await writeFileAtomic(file, await linesOf(`${JSON.stringify(header)}\n`, events));
      stream.fileLines = events.length;
    } else {
      if (stream.pendingLines === 0) return;
      const lines = stream.pending;
      const count = stream.pendingLines;
      stream.pending = '';
      stream.pendingLines = 0;
      await fs.appendFile(file, lines);
      stream.fileLines += count;
    }
    stream.persistedSeq = next;
  }

  private group(name: string, now: number): LogGroup {
    let group = this.groups.get(name);
    if (!group) {
      group = { name, creationTime: now, streams: new Map() };
      this.groups.set(name, group);
    }
    return group;
  }

  /** `retry`: after a failed write, waiting longer the more flushes failed in a row. */
  private markDirty(group: string, stream: string, retry = false): void {
    let streams = this.dirty.get(group);
    if (!streams) this.dirty.set(group, (streams = new Set()));
    streams.add(stream);
    if (this.flushTimer) return;
    const delay = retry
      ? Math.min(MAX_RETRY_DELAY_MS, this.flushDelayMs * 2 ** (this.failedFlushes + 1))
      : this.flushDelayMs;
    this.flushTimer = setTimeout(() => {
      this.flush().catch((error: Error) => this.options.onError?.(error));
    }, delay);
  }
}
