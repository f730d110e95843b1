// Validation runs a short quiet time after the last edit, once per document; a newer edit
// cancels both the pending timer and a run already under way (through its AbortSignal).

export type ValidationRun = (uri: string, signal: AbortSignal) => Promise<void>;

interface Pending {
  /** Clears the quiet-time timer; undefined once the run has started. */
  clearTimer: (() => void) | undefined;
  controller: AbortController;
}

export class DiagnosticsScheduler {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly delayMs: number,
    private readonly run: ValidationRun,
    private readonly onError: (uri: string, error: unknown) => void,
  ) {}

  /** Validates `uri` after the quiet time, cancelling any earlier request for it. */
  schedule(uri: string): void {
    this.cancel(uri);
    const entry: Pending = { clearTimer: undefined, controller: new AbortController() };
    const start = () => {
      entry.clearTimer = undefined;
      this.run(uri, entry.controller.signal)
        .catch((error: unknown) => this.onError(uri, error))
        .finally(() => {
          if (this.pending.get(uri) === entry) this.pending.delete(uri);
        });
    };
    // Even a zero delay goes through a timer, so a burst of queued changes collapses into one run.
    const timer = setTimeout(start, this.delayMs);
    entry.clearTimer = () => clearTimeout(timer);
    this.pending.set(uri, entry);
  }

  cancel(uri: string): void {
    const entry = this.pending.get(uri);
    if (!entry) return;
    this.pending.delete(uri);
    entry.clearTimer?.();
    entry.controller.abort(new Error(`validation of ${uri} was superseded by a newer edit`));
  }

  dispose(): void {
    for (const uri of [...this.pending.keys()]) this.cancel(uri);
  }
}
