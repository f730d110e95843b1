// Console output, formatted as Lambda's Node.js runtime does: writeOut() writes straight to
// fd 1 and blocks while the pipe is full, and patchConsole() makes console.log and its kin write
// one log line each with the time, the current request id and the level: tab-separated text, or
// a JSON object when the function logs as JSON (AWS_LAMBDA_LOG_FORMAT). Methods below
// AWS_LAMBDA_LOG_LEVEL write nothing, in either format.
import util from 'node:util';
import { writeSync } from 'node:fs';
import { state } from './runtime-state.mjs';

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes straight to fd 1 and blocks while the pipe is full, so a function that prints without
 * end is slowed to the reader's pace instead of queueing its output in memory.
 */
export function writeOut(text) {
  let buf = Buffer.from(text);
  while (buf.length > 0) {
    try {
      buf = buf.subarray(writeSync(1, buf));
    } catch (err) {
      // fd 1 turns non-blocking if the handler used process.stdout itself: wait, then retry.
      if (err.code !== 'EAGAIN') throw err;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

export function patchConsole() {
  // Read once, as Lambda's runtime does: errors are logged in the same format (errors.mjs).
  state.jsonLogs = process.env.AWS_LAMBDA_LOG_FORMAT?.toUpperCase() === 'JSON';
  const format = state.jsonLogs ? jsonLine : textLine;
  // Newlines inside one message become \r so the message stays one log event. The first
  // argument is always passed on: console.log() logs `undefined`, as Lambda's does.
  const write = (level) =>
    function (message, ...rest) {
      const args = [message, ...rest];
      const line = format(new Date().toISOString(), state.currentRequestId, level, args);
      writeOut(line.replace(/\n/g, '\r') + '\n');
    };
  const floor = Math.max(0, LEVELS.indexOf(process.env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase()));
  const method = (level) => (LEVELS.indexOf(level) >= floor ? write(level) : () => {});
  console.trace = method('TRACE');
  console.debug = method('DEBUG');
  console.info = method('INFO');
  console.log = console.info;
  console.warn = method('WARN');
  console.error = method('ERROR');
  console.fatal = write('FATAL'); // never filtered, as in Lambda
}

function textLine(time, requestId, level, args) {
  return `${time}\t${requestId}\t${level}\t${util.format(...args)}`;
}

/**
 * `{"timestamp","level","requestId","message"}`. One argument stays a value (an object is logged
 * as JSON, an error as its type, message and stack lines); several are formatted into one
 * string, with the first error among them spelt out beside it. A request id not yet known
 * (during init) leaves the key out.
 */
function jsonLine(timestamp, requestId, level, args) {
  const result = { timestamp, level, requestId };
  if (args.length === 1) {
    result.message = args[0];
    try {
      return JSON.stringify(result, errorReplacer);
    } catch {
      result.message = util.format(args[0]);
      return JSON.stringify(result);
    }
  }
  result.message = util.format(...args);
  const error = args.find((arg) => arg instanceof Error);
  if (error) {
    result.errorType = error?.constructor?.name ?? 'UnknownError';
    result.errorMessage = error.message;
    result.stackTrace = typeof error.stack === 'string' ? error.stack.split('\n') : [];
  }
  return JSON.stringify(result);
}

function errorReplacer(_key, value) {
  if (!(value instanceof Error)) return value;
  return Object.assign(
    {
      errorType: value?.constructor?.name ?? 'UnknownError',
      errorMessage: value.message,
      stackTrace: typeof value.stack === 'string' ? value.stack.split('\n') : value.stack,
    },
    value,
  );
}
