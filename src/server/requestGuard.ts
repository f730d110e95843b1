// Every request handler runs through one guard: a cancelled request answers as cancelled, and
// a failure is logged with its stack and returned as an error that names the request and file.
import {
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  type CancellationToken,
} from 'vscode-languageserver/node';

export interface Logger {
  error(message: string): void;
}

export class RequestCancelled extends Error {
  constructor(what: string) {
    super(`${what} was cancelled`);
    this.name = 'RequestCancelled';
  }
}

/** An AbortSignal that follows an LSP cancellation token (providers speak AbortSignal). */
export function signalOf(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

export async function guard<R>(
  what: string,
  token: CancellationToken,
  logger: Logger,
  work: (signal: AbortSignal) => R | Promise<R>,
): Promise<R | ResponseError<void>> {
  const cancelled = () =>
    new ResponseError<void>(LSPErrorCodes.RequestCancelled, `${what} was cancelled`);
  if (token.isCancellationRequested) return cancelled();
  try {
    const result = await work(signalOf(token));
    return token.isCancellationRequested ? cancelled() : result;
  } catch (error) {
    if (token.isCancellationRequested || error instanceof RequestCancelled) return cancelled();
    logger.error(`Flourish: ${what} failed: ${describeError(error)}`);
    return new ResponseError<void>(
      ErrorCodes.InternalError,
      `Flourish could not answer ${what}: ${error instanceof Error ? error.message : String(error)}. ` +
        'The server log has the details; please report it with the manifest if it persists.',
    );
  }
}

/** The stack when there is one (for the log), else the message. */
export function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
