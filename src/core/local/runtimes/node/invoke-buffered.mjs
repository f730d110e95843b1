// A buffered (not streamed) invocation: the handler called as Lambda's runtime up to Node.js 22
// does, with callbacks and the wait for an empty event loop (invokeWithCallback), or as from
// Node.js 24, where what it returns is the result (invokeBuffered); then the request that
// reports the outcome, its JSON result or its error (resultRequest).
import { JSONStringifyError, logError, NodeJsExit, toErrorDocument } from './errors.mjs';
import { jsonRequest } from './runtime-client.mjs';
import { state } from './runtime-state.mjs';

// What runs when the event loop has drained (Lambda's runtime keeps one such listener): the
// bootstrap's 'beforeExit' listener calls it, through this live binding.
const noEmptyEventLoopWork = () => undefined;
export let onEmptyEventLoop = noEmptyEventLoopWork;

/**
 * Runs one handler call as Lambda's runtime up to Node.js 22 does (`Runtime.js` and
 * `CallbackContext.js`); settles with { ok, value } or { ok: false, error } once the outcome
 * may be posted. A returned promise settles it. A successful callback() waits for the empty
 * event loop unless callbackWaitsForEmptyEventLoop is false; callback(err), context.done,
 * succeed and fail report at once. A handler that does none of these succeeds with null once
 * the event loop is empty, unless it is an async function: then its promise never settled,
 * which is Runtime.NodeJsExit. Only the first of callback, done, succeed and fail counts.
 */
export function invokeWithCallback(handler, event, context) {
  return new Promise((resolve) => {
    let completed = false;
    const complete = (value) => {
      if (completed) {
        console.error(
          'Invocation has already been reported as done. Cannot call complete more than once per invocation.',
        );
        return;
      }
      completed = true;
      resolve({ ok: true, value });
    };
    // The first of callback, done, succeed and fail counts; only a successful callback() may
    // wait for the empty event loop. Plain closures, not accessors: this runs every invocation.
    let finished = false;
    const finish = (err, value, fromCallback) => {
      if (finished) return;
      finished = true;
      if (err !== undefined && err !== null) {
        onEmptyEventLoop = noEmptyEventLoopWork;
        resolve({ ok: false, error: err });
      } else if (fromCallback && context.callbackWaitsForEmptyEventLoop) {
        onEmptyEventLoop = () => setImmediate(() => complete(value));
      } else {
        onEmptyEventLoop = noEmptyEventLoopWork;
        complete(value);
      }
    };
    context.callbackWaitsForEmptyEventLoop = true;
    context.succeed = (value) => finish(null, value, false);
    context.fail = (err) =>
      finish(err === undefined || err === null ? 'handled' : err, undefined, false);
    context.done = (err, value) => finish(err, value, false);
    const isAsync = handler.constructor?.name === 'AsyncFunction';
    onEmptyEventLoop = () => {
      completed = true;
      if (isAsync) resolve({ ok: false, error: new NodeJsExit() });
      else resolve({ ok: true, value: null });
    };
    const callback = (err, value) => finish(err, value, true);
    try {
      const result = handler(event, context, callback);
      if (result && typeof result.then === 'function') {
        result.then(context.succeed, context.fail);
      }
    } catch (err) {
      callback(err);
    }
  });
}

/**
 * Runs one handler call as Lambda's runtime from Node.js 24 does (`BufferedInvokeProcessor`):
 * what the handler returns, awaited, is the result; the context has no callback methods.
 */
export async function invokeBuffered(handler, event, context) {
  try {
    return { ok: true, value: await handler(event, context) };
  } catch (error) {
    return { ok: false, error };
  }
}

function errorRequest(requestId, err) {
  const doc = toErrorDocument(err);
  logError('Invoke Error', err);
  return jsonRequest(`/invocation/${requestId}/error`, doc, doc.errorType);
}

/** The request that reports a handler's outcome: its JSON result, or its error. */
export function resultRequest(requestId, outcome) {
  if (!outcome.ok) return errorRequest(requestId, outcome.error);
  let body;
  try {
    body = outcome.value === undefined ? undefined : JSON.stringify(outcome.value);
  } catch {
    // Up to Node.js 22 the runtime reports a plain Error, from 24 Runtime.JSONStringifyError.
    const error = state.modernClient
      ? new JSONStringifyError()
      : new Error('Unable to stringify response body');
    return errorRequest(requestId, error);
  }
  return {
    method: 'POST',
    path: `/invocation/${requestId}/response`,
    body: Buffer.from(body ?? 'null'),
    headers: { 'content-type': 'application/json' },
  };
}
