// The parts of a streamed response, pushed by the engine as the function writes them and read
// once by the HTTP answer. Reading waits for the next part; the queue ends with the invocation.
export class PartQueue implements AsyncIterable<Buffer> {
  /** The stream's content type, once its first part arrived. */
  contentType: string | undefined;
  /** Resolves when the first part arrives. */
  readonly started: Promise<void>;
  /** Whether the function ended its stream (rather than the invocation ending without it). */
  streamEnded = false;
  private readonly parts: Buffer[] = [];
  private ended = false;
  private wake: (() => void) | undefined;
  private markStarted: () => void = () => undefined;

  constructor() {
    this.started = new Promise((resolve) => (this.markStarted = resolve));
  }

  push(part: Buffer, contentType: string): void {
    if (this.ended) return;
    this.contentType ??= contentType;
    this.parts.push(part);
    this.markStarted();
    this.wake?.();
  }

  /** No more parts: the stream is complete (`streamEnded`), or the invocation is over. */
  end(streamEnded = false): void {
    this.streamEnded ||= streamEnded;
    this.ended = true;
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    for (;;) {
      const part = this.parts.shift();
      if (part) {
        yield part;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }
}
