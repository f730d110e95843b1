// The parts of a streamed response, pushed by the engine as the function writes them and read
// once by the HTTP answer. Reading waits for the next part; the queue ends with the invocation.
// While more than HIGH_WATER bytes wait, the function's stream is paused (its writes wait), and
// resumed once the reader is down to LOW_WATER.
import type { InvocationOutcome, StreamFlow } from '../execution/contract';

export const HIGH_WATER = 1024 * 1024;
export const LOW_WATER = 256 * 1024;

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

  constructor() {
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

  private resume(): void {
    const flow = this.paused;
    this.paused = undefined;
    flow?.resume();
  }
}
