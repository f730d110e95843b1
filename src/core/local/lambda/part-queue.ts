// The parts of a streamed response, pushed by the engine as the function writes them and read
// once by the HTTP answer. Reading waits for the next part; the queue ends with the invocation.
// While more than HIGH_WATER bytes wait, the function's stream is paused (its writes wait), and
// resumed once the reader is down to LOW_WATER.
// Lambda's bandwidth limit for streamed responses: the first 6 MB go as fast as they come, the
// rest at up to 2 MB/s. The reader is held to that pace, so past the burst a fast function
// fills the queue and waits, as it would in Lambda.
import { setTimeout as sleep } from 'node:timers/promises';
import type { InvocationOutcome, StreamFlow } from '../execution/contract';

export const HIGH_WATER = 1024 * 1024;
export const LOW_WATER = 256 * 1024;
export const UNCAPPED_BYTES = 6 * 1024 * 1024;
export const CAPPED_BYTES_PER_SECOND = 2 * 1024 * 1024;
/** Past the burst, time the stream went unused is credited up to this much, no more. */
export const PACE_CREDIT_MS = 100;

export interface Pace {
  /** Bytes read at any speed before the cap applies. */
  uncappedBytes: number;
  bytesPerSecond: number;
  now(): number;
  sleep(ms: number): Promise<void>;
}

const LAMBDA_PACE: Pace = {
  uncappedBytes: UNCAPPED_BYTES,
  bytesPerSecond: CAPPED_BYTES_PER_SECOND,
  now: () => performance.now(),
  sleep: (ms) => sleep(ms),
};

export class PartQueue implements AsyncIterable<Buffer> {
  /** The stream's content type, once its first part arrived. */
  contentType: string | undefined;
  /** Resolves when the first part arrives. */
  readonly started: Promise<void>;
  /** Whether the function ended its stream (rather than the invocation ending without it). */
  streamEnded = false;
  private readonly parts: Buffer[] = [];
  private queuedBytes = 0;
  /** The flow that was paused, to resume. */
  private paused: StreamFlow | undefined;
  private ended = false;
  private wake: (() => void) | undefined;
  private markStarted: () => void = () => undefined;
  /** Bytes handed to the reader so far. */
  private readBytes = 0;
  /** Past the burst: when the reader may have its next part. */
  private nextAt: number | undefined;

  constructor(private readonly pace: Pace = LAMBDA_PACE) {
    this.started = new Promise((resolve) => (this.markStarted = resolve));
  }

  push(part: Buffer, contentType: string, flow?: StreamFlow): void {
    if (this.ended) return;
    this.contentType ??= contentType;
    this.parts.push(part);
    this.queuedBytes += part.length;
    if (flow && !this.paused && this.queuedBytes > HIGH_WATER) {
      this.paused = flow;
      flow.pause();
    }
    this.markStarted();
    this.wake?.();
  }

  /**
   * Ends the queue with the invocation, and waits for whichever comes first: the first part
   * (resolves undefined) or the invocation's end (resolves its outcome; rejects as it does).
   */
  follow(running: Promise<InvocationOutcome>): Promise<InvocationOutcome | undefined> {
    void running.then(
      () => this.end(),
      () => this.end(),
    );
    return Promise.race([this.started.then(() => undefined), running]);
  }

  /** No more parts: the stream is complete (`streamEnded`), or the invocation is over. */
  end(streamEnded = false): void {
    this.streamEnded ||= streamEnded;
    this.ended = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    try {
      for (;;) {
        const part = this.parts.shift();
        if (part) {
          await this.keepPace(part.length);
          this.queuedBytes -= part.length;
          if (this.paused && this.queuedBytes <= LOW_WATER) this.resume();
          yield part;
          continue;
        }
        if (this.ended) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
      }
    } finally {
      // The reader is done (or gone): nothing is held back any more, and nothing kept.
      this.ended = true;
      this.parts.length = 0;
      this.queuedBytes = 0;
      this.resume();
    }
  }

  /**
   * Past the burst, waits until the part may go at the capped rate, and books its bytes: the
   * next part goes once they are paid for. A pause earns at most PACE_CREDIT_MS of credit,
   * so a stream that stops and starts again is held to the rate, as a steady one is.
   */
  private async keepPace(bytes: number): Promise<void> {
    const { uncappedBytes, bytesPerSecond, now } = this.pace;
    const capped = Math.min(bytes, this.readBytes + bytes - uncappedBytes);
    this.readBytes += bytes;
    if (capped <= 0) return;
    const wait = (this.nextAt ?? now()) - now();
    if (wait > 0) await this.pace.sleep(wait);
    const at = now();
    this.nextAt =
      Math.max(this.nextAt ?? at, at - PACE_CREDIT_MS) + (capped / bytesPerSecond) * 1000;
  }

  private resume(): void {
    const flow = this.paused;
    this.paused = undefined;
    flow?.resume();
  }
}
