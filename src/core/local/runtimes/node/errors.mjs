// Errors as Lambda's Node.js runtime has them: the Runtime.* error classes it reports (named on
// the prototype), the error document it posts for a failed invocation or init
// (toErrorDocument), and its log line for an error (logError), which up to Node.js 22 and from
// Node.js 24 differ in small ways.
import util from 'node:util';
import { state } from './runtime-state.mjs';

// Named on the prototype, as Lambda's runtime does, so the name is not one of the error's own
// properties (those appear in the logged JSON).
export class ImportModuleError extends Error {}
export class HandlerNotFound extends Error {}
export class MalformedHandlerName extends Error {}
export class UserCodeSyntaxError extends Error {}
export class InvalidStreamingOperation extends Error {}
export class CallbackHandlerDeprecated extends Error {}
export class NodeJsExit extends Error {
  constructor() {
    super(
      'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes',
    );
  }
}
/** A result JSON.stringify cannot take (a cycle, a BigInt), as Lambda's runtime reports it. */
export class JSONStringifyError extends Error {
  constructor() {
    super('Unable to stringify response body');
  }
}
export class UnhandledPromiseRejection extends Error {
  constructor(reason, promise) {
    super(reason);
    this.reason = reason;
    this.promise = promise;
  }
}
for (const type of [
  ImportModuleError,
  HandlerNotFound,
  MalformedHandlerName,
  UserCodeSyntaxError,
  InvalidStreamingOperation,
  CallbackHandlerDeprecated,
  NodeJsExit,
  JSONStringifyError,
  UnhandledPromiseRejection,
]) {
  type.prototype.name = `Runtime.${type.name}`;
}

/**
 * The error document Lambda's runtime posts (`Errors.toRapidResponse` in the runtime interface
 * client; `formatError` in its version 4, used from Node.js 24): the stack goes in `trace`
 * (Python's runtime says `stackTrace`), and a thrown value that is not an error is reported by
 * its type and its text.
 */
export function toErrorDocument(err) {
  try {
    const isError = state.modernClient
      ? err instanceof Error
      : util.types.isNativeError(err) || looksLikeError(err);
    if (isError) {
      const stack = escapeDelete(err.stack);
      return {
        errorType: escapeDelete(err.name),
        errorMessage: escapeDelete(err.message),
        trace: state.modernClient ? (stack?.split('\n') ?? []) : stack.split('\n'),
      };
    }
    return {
      errorType: typeof err,
      errorMessage: state.modernClient ? String(err) : err.toString(),
      trace: [],
    };
  } catch {
    // Lambda's own words for an error whose name, message or stack cannot be read.
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
      ...(state.modernClient ? { trace: [] } : {}),
    };
  }
}

function looksLikeError(value) {
  return Boolean(
    value &&
    value.name &&
    value.message &&
    value.stack &&
    typeof value.name === 'string' &&
    typeof value.message === 'string' &&
    typeof value.stack === 'string',
  );
}

// Lambda's runtime writes DEL (0x7F) in an error's name, message and stack as %7F.
const escapeDelete = (text) => text?.replaceAll('\x7F', '%7F');

/**
 * Logs an error as Lambda's runtime does (`structuredConsole.logError`): through console.error,
 * the label, a tab, and the error as JSON with its enumerable properties and its stack as lines.
 * A function that logs as JSON logs the error alone, which its JSON line spells out.
 */
export function logError(label, err) {
  if (state.jsonLogs) {
    let error;
    try {
      error = intoError(err);
    } catch {
      error = toErrorDocument(err); // no string form: log what the caller receives
    }
    console.error(error);
    return;
  }
  let formatted;
  try {
    formatted = toFormatted(intoError(err));
  } catch {
    // A thrown value with no string form (Object.create(null)): log what the caller receives,
    // so the error is still posted and the runtime lives on.
    formatted = '\t' + JSON.stringify(toErrorDocument(err));
  }
  console.error(label, formatted);
}

function intoError(err) {
  if (err instanceof Error) return err;
  return state.modernClient ? new Error(String(err)) : new Error(err);
}

function toFormatted(error) {
  try {
    return '\t' + JSON.stringify(error, (_key, value) => withEnumerableProperties(value));
  } catch {
    return '\t' + JSON.stringify(toErrorDocument(error));
  }
}

function withEnumerableProperties(value) {
  if (!(value instanceof Error)) return value;
  const shown = Object.assign(
    { errorType: value.name, errorMessage: value.message, code: value.code },
    value,
  );
  if (typeof value.stack === 'string') shown.stack = value.stack.split('\n');
  return shown;
}
