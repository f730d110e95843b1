// Exit codes a pipeline can rely on.
export const EXIT = {
  ok: 0,
  /** The command ran and found a problem: invalid manifest, function error, failed deploy. */
  failure: 1,
  /** The command line itself is wrong. */
  usage: 2,
  /** Stopped by Ctrl-C (128 + SIGINT). */
  interrupted: 130,
} as const;

/** A mistake in how the command was called; printed with the usage hint. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The command ran and failed in a way already reported; carries the exit code. */
export class CommandFailed extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
    this.name = 'CommandFailed';
  }
}
