// A worker's stdout and stderr, cut into log events and attributed to the request that is
// running. Bounded: a request keeps at most `maxBytes` of output and a line is cut at
// CloudWatch's event size, so a function that prints without end cannot exhaust the engine.
import { StringDecoder } from 'node:string_decoder';
import type { LogEventInput } from './contract';

/** CloudWatch Logs' largest event. */
export const MAX_EVENT_BYTES = 256 * 1024;
/** Output kept per request (and per stretch of output between requests). */
export const DEFAULT_MAX_LOG_BYTES = 1024 * 1024;

/** The log of one request as it is written: the lines, within a byte budget. */
export class RequestLog {
  private readonly lines: string[] = [];
  private bytes = 0;
  private droppedBytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** Keeps the line if it fits the budget; says whether it did. */
  accept(message: string): boolean {
    if (this.bytes + message.length > this.maxBytes) {
      this.droppedBytes += message.length;
      return false;
    }
    this.bytes += message.length + 1;
    this.lines.push(message);
    return true;
  }

  /** Platform lines (START, END, REPORT) are always kept. */
  force(message: string): void {
    this.bytes += message.length + 1;
    this.lines.push(message);
  }

  countDropped(bytes: number): void {
    this.droppedBytes += bytes;
  }

  get full(): boolean {
    return this.bytes >= this.maxBytes;
  }

  get dropped(): number {
    return this.droppedBytes;
  }

  text(): string {
    return this.lines.length === 0 ? '' : this.lines.join('\n') + '\n';
  }
}

export type EventWriter = (events: LogEventInput[]) => void;

export class WorkerOutput {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private target: RequestLog;

  constructor(
    private readonly write: EventWriter,
    private readonly maxBytes: number,
  ) {
    this.target = new RequestLog(maxBytes);
  }

  /** The log now being written; lines that arrive go to it. */
  get current(): RequestLog {
    return this.target;
  }

  /** Starts a new request log (or a log for output between requests) and returns it. */
  begin(): RequestLog {
    this.target = new RequestLog(this.maxBytes);
    return this.target;
  }

  feed(chunk: Buffer): void {
    if (this.target.full) {
      // Over budget: count and drop without decoding, so a flood costs almost nothing.
      this.target.countDropped(chunk.length);
      this.partial = '';
      return;
    }
    const text = this.partial + this.decoder.write(chunk);
    const now = Date.now();
    const events: LogEventInput[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      this.push(events, text.slice(start, nl), now);
      start = nl + 1;
    }
    this.partial = text.slice(start);
    while (this.partial.length >= MAX_EVENT_BYTES) {
      this.push(events, this.partial.slice(0, MAX_EVENT_BYTES), now);
      this.partial = this.partial.slice(MAX_EVENT_BYTES);
    }
    if (events.length > 0) this.write(events);
  }

  /** Emits a line the worker left without a newline. */
  flush(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest.length > 0) {
      const events: LogEventInput[] = [];
      this.push(events, rest, Date.now());
      if (events.length > 0) this.write(events);
    }
  }

  /** A platform line: always kept, written now. */
  platform(message: string, log: RequestLog = this.target): void {
    log.force(message);
    this.write([{ timestamp: Date.now(), message }]);
  }

  private push(events: LogEventInput[], line: string, timestamp: number): void {
    // Runtimes write one multi-line message as one line with \r in place of \n.
    const message = line.includes('\r') ? line.replace(/\r(?!$)/g, '\n').replace(/\r$/, '') : line;
    if (this.target.accept(message)) events.push({ timestamp, message });
  }
}
