// The error documents Lambda itself returns when the platform, not the function, ends an
// invocation: timeouts, runtime exits, out-of-memory kills and oversized responses.
import { MAX_RESPONSE_BYTES } from './runtime-api';
import { timeoutText } from './log-format';

export interface ErrorDocument {
  errorType: string;
  errorMessage: string;
  stackTrace?: string[];
}

export function timeoutError(requestId: string, timeoutSec: number): ErrorDocument {
  return {
    errorType: 'Sandbox.Timedout',
    errorMessage: `RequestId: ${requestId} Error: ${timeoutText(timeoutSec)}`,
  };
}

export function outOfMemoryError(requestId: string): ErrorDocument {
  return {
    errorType: 'Runtime.OutOfMemory',
    errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed`,
  };
}

const SIGNAL_NAMES: Record<string, string> = {
  SIGKILL: 'killed',
  SIGABRT: 'aborted',
  SIGSEGV: 'segmentation fault',
  SIGTERM: 'terminated',
  SIGINT: 'interrupt',
  SIGBUS: 'bus error',
  SIGFPE: 'floating point exception',
  SIGILL: 'illegal instruction',
  SIGHUP: 'hangup',
  SIGPIPE: 'broken pipe',
  SIGTRAP: 'trace/breakpoint trap',
};

/** `exit status 1` / `signal: killed`, worded as Lambda's Go platform words a process exit. */
export function exitReason(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `Runtime exited with error: signal: ${SIGNAL_NAMES[signal] ?? signal}`;
  if (code === 0 || code === null) return 'Runtime exited without providing a reason';
  return `Runtime exited with error: exit status ${code}`;
}

export function exitError(requestId: string, reason: string): ErrorDocument {
  return {
    errorType: 'Runtime.ExitError',
    errorMessage: `RequestId: ${requestId} Error: ${reason}`,
  };
}

/** The runtime's program could not be started (a missing or non-executable bootstrap). */
export function invalidEntrypointError(
  requestId: string,
  command: string,
  error: NodeJS.ErrnoException,
  /** Set when the missing program is the machine's interpreter, not the function's bootstrap. */
  interpreterFor?: string,
): ErrorDocument {
  let reason =
    error.code === 'ENOENT'
      ? `Couldn't find valid bootstrap(s): [${command}]`
      : `fork/exec ${command}: ${error.code === 'EACCES' ? 'permission denied' : error.message}`;
  if (interpreterFor && error.code === 'ENOENT') {
    reason = `the local cloud runs ${interpreterFor} functions with '${command}', which was not found. Install it or point the local cloud at it (nodeExecutable / pythonExecutable).`;
  }
  return {
    errorType: 'Runtime.InvalidEntrypoint',
    errorMessage: `RequestId: ${requestId} Error: ${reason}`,
  };
}

export function responseTooLargeError(bytes: number, limit = MAX_RESPONSE_BYTES): ErrorDocument {
  return {
    errorType: 'Function.ResponseSizeTooLarge',
    errorMessage: `Response payload size (${bytes} bytes) exceeded maximum allowed payload size (${limit} bytes).`,
  };
}

export function unsupportedRuntimeError(runtime: string): ErrorDocument {
  return {
    errorType: 'Runtime.InvalidRuntime',
    errorMessage: `The local cloud cannot run runtime '${runtime}': it runs nodejs*, python3.* and provided* functions. Deploy to AWS to run it, or choose a supported runtime.`,
  };
}

export function encodeDocument(doc: ErrorDocument): Buffer {
  return Buffer.from(JSON.stringify(doc));
}
