// Response streaming, as Lambda's runtime interface client does it: the `awslambda` global
// (streamifyResponse, HttpResponseStream), the response stream a streaming handler writes to,
// each write one HTTP chunk of the result, an error ending the body in trailers, and the
// streaming invocation itself (invokeStreaming).
import { Writable } from 'node:stream';
import { InvalidStreamingOperation, logError, toErrorDocument } from './errors.mjs';
import { client, NEXT, warnIfRefused } from './runtime-client.mjs';

export const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HIGH_WATER_MARK = Symbol.for('aws.lambda.runtime.handler.highWaterMark');

export class HttpResponseStream {
  /** A prelude for HTTP integrations (status, headers, cookies): JSON, then 8 NUL bytes. */
  static from(responseStream, prelude) {
    responseStream.setContentType('application/vnd.awslambda.http-integration-response');
    responseStream.write(JSON.stringify(prelude));
    responseStream.write(Buffer.alloc(8));
    return responseStream;
  }
}

export function defineAwsLambdaGlobal() {
  globalThis.awslambda = {
    streamifyResponse(handler, options) {
      handler[STREAMING] = 'response';
      if (typeof options?.highWaterMark === 'number') {
        handler[HIGH_WATER_MARK] = options.highWaterMark;
      }
      return handler;
    },
    HttpResponseStream,
  };
}

// Lambda's runtime writes anything but bytes and strings as its JSON text.
const toChunk = (chunk) =>
  typeof chunk === 'string' || chunk instanceof Uint8Array ? chunk : JSON.stringify(chunk);

/** The handler's response stream: each write is one HTTP chunk of the streamed result. */
class ResponseStream extends Writable {
  constructor(request, highWaterMark) {
    super(highWaterMark === undefined ? undefined : { highWaterMark });
    this.request = request;
    // A stream error is reported in the trailers: it must not also crash the process.
    this.on('error', () => undefined);
  }

  setContentType(type) {
    if (this.request.socket) {
      throw new InvalidStreamingOperation('Cannot set content-type, too late.');
    }
    this.request.headers['content-type'] = type;
  }

  write(chunk, encoding, callback) {
    return super.write(toChunk(chunk), encoding, callback);
  }

  end(chunk, encoding, callback) {
    if (chunk == null || typeof chunk === 'function') return super.end(chunk, encoding, callback);
    return super.end(toChunk(chunk), encoding, callback);
  }

  _write(chunk, encoding, callback) {
    if (chunk.length === 0) callback();
    else this.request.write(chunk, callback);
  }

  _final(callback) {
    this.request.end();
    callback();
  }

  _destroy(err, callback) {
    // Destroyed before the end: with an error, the body ends with it; without, it just ends.
    if (!this.request.ended) {
      if (err == null) this.request.end();
      else endWithError(this.request, err);
    }
    callback(err);
  }

  /** The handler failed: end the body with the error, or only log it if the body has ended. */
  fail(error) {
    if (this.writableEnded || this.destroyed) {
      if (error !== this.errored) logError('Invoke Error', error);
      return;
    }
    endWithError(this.request, error);
    this.destroy(); // drops what is still queued: the body has ended
  }
}

/** Ends the body with trailers that carry the error, as Lambda's runtime does. */
function endWithError(request, err) {
  const doc = toErrorDocument(err);
  logError('Invoke Error', err);
  const body = Buffer.from(JSON.stringify(fitTrailer(doc))).toString('base64');
  request.end(
    `Lambda-Runtime-Function-Error-Type: ${oneLine(doc.errorType).slice(0, 256)}\r\n` +
      `Lambda-Runtime-Function-Error-Body: ${body}\r\n`,
  );
}

/** Error documents in a trailer stay small (the log keeps the whole error): 24 KB of JSON. */
const MAX_TRAILER_DOC = 24 * 1024;

function fitTrailer(doc) {
  if (Buffer.byteLength(JSON.stringify(doc)) <= MAX_TRAILER_DOC) return doc;
  const short = { ...doc, trace: [] };
  if (Buffer.byteLength(JSON.stringify(short)) <= MAX_TRAILER_DOC) return short;
  return { ...short, errorMessage: `${short.errorMessage.slice(0, 8 * 1024)}... (truncated)` };
}

const oneLine = (text) => String(text).replace(/[\r\n]+/g, ' ');

/**
 * Runs a streaming handler with `(event, responseStream, context)` and resolves with the next
 * event, asked for once the body has ended and the handler has settled.
 */
export async function invokeStreaming(handler, next, context, requestId) {
  const request = client.chunked(`/invocation/${requestId}/response`, {
    'lambda-runtime-function-response-mode': 'streaming',
    'transfer-encoding': 'chunked',
    trailer: 'Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body',
    'content-type': 'application/octet-stream',
  });
  const posted = request.response.then(warnIfRefused);
  posted.catch(() => undefined); // awaited below, once the next event is asked for
  const stream = new ResponseStream(request, handler[HIGH_WATER_MARK]);
  const bodyEnded = new Promise((resolve) => stream.once('close', resolve));
  try {
    const event = next.body.length > 0 ? JSON.parse(next.body.toString('utf8')) : undefined;
    const result = handler(event, stream, context);
    if (typeof result?.then !== 'function') {
      throw new Error('Streaming does not support non-async handlers.');
    }
    if ((await result) !== undefined) console.warn('Streaming handlers ignore return values.');
    if (!stream.writableEnded && !stream.destroyed) stream.end();
  } catch (error) {
    stream.fail(error);
  }
  await bodyEnded;
  const [nextEvent] = client.send([NEXT]);
  // Pipelined: the 202 comes first; a dropped connection fails it, and so the loop.
  await posted;
  return nextEvent;
}
