// Flourish's Node.js runtime for the local cloud. Plain JavaScript with no build step: the
// engine spawns it with `node`, and it speaks only the Lambda Runtime API at
// AWS_LAMBDA_RUNTIME_API, as AWS's runtime interface client does in Lambda.
import net from 'node:net';
import path from 'node:path';
import util from 'node:util';
import { Writable } from 'node:stream';
import { existsSync, readFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const API_PREFIX = '/2018-06-01/runtime';
// Read from the environment once the function is known (a spare process learns it late).
let apiHost;
let apiPort;
let taskRoot;
let handlerString;

let currentRequestId;

// ---- a spare process: waits for its function on fd 3 -----------------------------------

/**
 * A spare process was started before its function was known, with a neutral environment and
 * the setup pipe on fd 3. It reads `{ env, cwd }`, closes the pipe, replaces its whole
 * environment and changes into the code folder: from here on it is what a worker spawned for
 * the function would be. An empty pipe means the engine went away: nothing to do.
 */
async function receiveFunction() {
  const text = await new Promise((resolve, reject) => {
    const pipe = new net.Socket({ fd: 3, readable: true, writable: false });
    let data = '';
    pipe.setEncoding('utf8');
    pipe.on('data', (chunk) => (data += chunk));
    pipe.on('end', () => {
      pipe.destroy();
      resolve(data);
    });
    pipe.on('error', reject);
  });
  if (text.trim() === '') process.exit(0);
  const { env, cwd } = JSON.parse(text);
  for (const name of Object.keys(process.env)) delete process.env[name];
  Object.assign(process.env, env); // TZ takes effect on assignment
  process.chdir(cwd);
  // NODE_PATH is read once at start-up by require's resolver: read it again.
  const Module = createRequire(import.meta.url)('node:module');
  if (typeof Module._initPaths === 'function') Module._initPaths();
}

/** The first import of a CommonJS file, done while waiting; it leaves no trace in require.cache. */
async function warmUpLoader() {
  const file = new URL('./warm-up.cjs', import.meta.url);
  try {
    await import(file.href);
  } finally {
    delete createRequire(import.meta.url).cache[fileURLToPath(file)];
  }
}

function readFunctionEnvironment() {
  [apiHost, apiPort] = (process.env.AWS_LAMBDA_RUNTIME_API ?? '').split(':');
  taskRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  handlerString = process.env._HANDLER ?? '';
}

// ---- the Runtime API client -------------------------------------------------------------

/**
 * A small HTTP/1.1 client on one keep-alive socket. It pipelines: a result and the next
 * /next go out in one write, which saves a round trip per invocation. The socket is unref'd
 * while nothing is outstanding, so a callback handler's wait for an empty event loop works.
 */
class RuntimeClient {
  socket = undefined;
  waiting = [];
  buffered = Buffer.alloc(0);

  send(requests) {
    const socket = this.socket ?? this.connect();
    const promises = requests.map(
      () => new Promise((resolve, reject) => this.waiting.push({ resolve, reject })),
    );
    const parts = [];
    for (const { method, path: urlPath, body, headers = {} } of requests) {
      let head = `${method} ${API_PREFIX}${urlPath} HTTP/1.1\r\nhost: ${apiHost}:${apiPort}\r\n`;
      for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
      head += `content-length: ${body ? body.length : 0}\r\n\r\n`;
      parts.push(Buffer.from(head, 'latin1'));
      if (body) parts.push(body);
    }
    socket.ref();
    socket.write(parts.length === 1 ? parts[0] : Buffer.concat(parts));
    return promises;
  }

  connect() {
    const socket = net.connect({ host: apiHost, port: Number(apiPort), noDelay: true });
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.socket = undefined;
      this.buffered = Buffer.alloc(0);
      for (const w of this.waiting.splice(0)) w.reject(new Error(CONNECTION_CLOSED));
    });
    this.socket = socket;
    return socket;
  }

  onData(chunk) {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    for (;;) {
      const headEnd = this.buffered.indexOf('\r\n\r\n');
      if (headEnd === -1) return;
      const lines = this.buffered.toString('latin1', 0, headEnd).split('\r\n');
      const status = Number(lines[0].split(' ')[1]);
      const headers = {};
      for (let i = 1; i < lines.length; i++) {
        const colon = lines[i].indexOf(':');
        headers[lines[i].slice(0, colon).trim().toLowerCase()] = lines[i].slice(colon + 1).trim();
      }
      const length = Number(headers['content-length'] ?? 0);
      const bodyStart = headEnd + 4;
      if (this.buffered.length < bodyStart + length) return;
      const body = this.buffered.subarray(bodyStart, bodyStart + length);
      this.buffered = this.buffered.subarray(bodyStart + length);
      const waiter = this.waiting.shift();
      if (this.waiting.length === 0) this.socket?.unref();
      waiter?.resolve({ status, headers, body });
    }
  }

  /**
   * A POST whose body goes out in chunks; `headers` must say transfer-encoding: chunked. Its
   * head leaves with the first chunk, so the headers may change until then. From then until
   * end() nothing else may be sent on the socket.
   */
  chunked(urlPath, headers) {
    return new ChunkedRequest(this, urlPath, headers);
  }
}

const CONNECTION_CLOSED = 'The Runtime API closed the connection';

class ChunkedRequest {
  socket = undefined;
  ended = false;

  constructor(client, urlPath, headers) {
    this.client = client;
    this.urlPath = urlPath;
    this.headers = headers;
    // Made now so the caller can handle it at once; it joins the queue when the head is sent.
    this.response = new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  /** The head, the first time only; the socket is claimed for this request from then on. */
  takeHead() {
    if (this.socket) return '';
    const client = this.client;
    this.socket = client.socket ?? client.connect();
    client.waiting.push(this.waiter);
    this.socket.ref();
    let head = `POST ${API_PREFIX}${this.urlPath} HTTP/1.1\r\nhost: ${apiHost}:${apiPort}\r\n`;
    for (const [name, value] of Object.entries(this.headers)) head += `${name}: ${value}\r\n`;
    return head + '\r\n';
  }

  /** Sends one chunk; calls back once the socket took it, at once or after 'drain'. */
  write(data, callback) {
    const head = this.takeHead();
    const socket = this.socket;
    if (this.ended || socket.destroyed) {
      callback(new Error(CONNECTION_CLOSED));
      return;
    }
    // Corked, the frame goes out in one write without copying the data.
    socket.cork();
    socket.write(`${head}${data.length.toString(16)}\r\n`, 'latin1');
    socket.write(data);
    const accepted = socket.write('\r\n', 'latin1');
    socket.uncork();
    if (accepted) callback();
    else whenDrained(socket, callback);
  }

  /** Ends the body, with trailer lines (each ending in CRLF) if given. */
  end(trailers = '') {
    if (this.ended) return;
    const head = this.takeHead();
    this.ended = true;
    if (!this.socket.destroyed) this.socket.write(`${head}0\r\n${trailers}\r\n`, 'latin1');
  }
}

function whenDrained(socket, callback) {
  const onDrain = () => {
    socket.off('close', onClose);
    callback();
  };
  const onClose = () => {
    socket.off('drain', onDrain);
    callback(new Error(CONNECTION_CLOSED));
  };
  socket.once('drain', onDrain);
  socket.once('close', onClose);
}

const client = new RuntimeClient();
const NEXT = { method: 'GET', path: '/invocation/next' };

function jsonRequest(urlPath, value, errorType) {
  const body = Buffer.from(JSON.stringify(value));
  const headers = { 'content-type': 'application/json' };
  if (errorType) headers['lambda-runtime-function-error-type'] = errorType;
  return { method: 'POST', path: urlPath, body, headers };
}

function warnIfRefused(res) {
  if (res.status !== 202) {
    writeOut(`Runtime API refused a result (${res.status}): ${res.body.toString('utf8')}\n`);
  }
}

/** Posts a result and asks for the next event in the same write; resolves with that event. */
function postThenNext(result) {
  const [posted, next] = client.send([result, NEXT]);
  posted.then(warnIfRefused, () => undefined);
  return next;
}

// ---- console output, formatted as Lambda's Node.js runtime does ------------------------

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes straight to fd 1 and blocks while the pipe is full, so a function that prints without
 * end is slowed to the reader's pace instead of queueing its output in memory.
 */
function writeOut(text) {
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

function patchConsole() {
  // Newlines inside one message become \r so the message stays one log event.
  const write = (level) =>
    function (...args) {
      const message = util.format(...args).replace(/\n/g, '\r');
      writeOut(`${new Date().toISOString()}\t${currentRequestId}\t${level}\t${message}\n`);
    };
  console.log = write('INFO');
  console.info = write('INFO');
  console.warn = write('WARN');
  console.error = write('ERROR');
  console.debug = write('DEBUG');
  console.trace = function (...args) {
    const stack = new Error().stack.split('\n').slice(2).join('\n');
    write('TRACE')(util.format(...args) + '\n' + stack);
  };
  console.fatal = write('FATAL');
}

function toErrorDocument(err) {
  if (err instanceof Error) {
    return {
      errorType: err.name || 'Error',
      errorMessage: err.message,
      stackTrace: (err.stack ?? '').split('\n'),
    };
  }
  // Lambda's runtime reports a thrown non-Error by its JSON text.
  let message;
  try {
    message = typeof err === 'string' ? err : JSON.stringify(err);
  } catch {
    message = String(err);
  }
  return { errorType: 'string', errorMessage: message, stackTrace: [] };
}

function logError(label, doc) {
  const line = `${label} \t${JSON.stringify({ ...doc, stack: doc.stackTrace, stackTrace: undefined })}`;
  writeOut(
    `${new Date().toISOString()}\t${currentRequestId}\tERROR\t${line.replace(/\n/g, '\r')}\n`,
  );
}

// ---- loading the handler, as the runtime interface client does ------------------------

class ImportModuleError extends Error {
  name = 'Runtime.ImportModuleError';
}
class HandlerNotFound extends Error {
  name = 'Runtime.HandlerNotFound';
}
class MalformedHandlerName extends Error {
  name = 'Runtime.MalformedHandlerName';
}
class UserCodeSyntaxError extends Error {
  name = 'Runtime.UserCodeSyntaxError';
}
class InvalidStreamingOperation extends Error {
  name = 'Runtime.InvalidStreamingOperation';
}

/** `src/a/b.handler` -> module `src/a/b`, path `handler`; the path may be nested (`x.y`). */
function splitHandler(handler) {
  const slash = handler.lastIndexOf('/');
  const dot = handler.indexOf('.', slash + 1);
  if (dot <= slash + 1 || dot === handler.length - 1) {
    throw new MalformedHandlerName(`Bad handler ${handler}`);
  }
  return { modulePath: handler.slice(0, dot), functionPath: handler.slice(dot + 1) };
}

function resolveModuleFile(modulePath) {
  const base = path.resolve(taskRoot, modulePath);
  for (const ext of ['.js', '.mjs', '.cjs']) {
    if (existsSync(base + ext)) return base + ext;
  }
  return undefined;
}

async function loadModule(modulePath) {
  const file = resolveModuleFile(modulePath);
  try {
    if (file) return await import(pathToFileURL(file).href);
    // Like Lambda, fall back to a package installed under the task root's node_modules.
    const pkgDir = path.join(taskRoot, 'node_modules', modulePath);
    if (existsSync(path.join(pkgDir, 'package.json'))) {
      const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
      return await import(pathToFileURL(path.join(pkgDir, pkg.main ?? 'index.js')).href);
    }
  } catch (err) {
    if (err instanceof SyntaxError) {
      throw new UserCodeSyntaxError(`${err.name}: ${err.message}`, { cause: err });
    }
    if (err && (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND')) {
      throw new ImportModuleError(`Error: ${err.message}`, { cause: err });
    }
    throw err;
  }
  throw new ImportModuleError(
    `Error: Cannot find module '${modulePath}'\nRequire stack:\n- ${path.join(taskRoot, modulePath)}`,
  );
}

async function loadHandler() {
  const { modulePath, functionPath } = splitHandler(handlerString);
  const mod = await loadModule(modulePath);
  const lookup = (root) =>
    functionPath.split('.').reduce((obj, key) => (obj == null ? undefined : obj[key]), root);
  let fn = lookup(mod);
  if (fn === undefined && mod.default) fn = lookup(mod.default);
  if (typeof fn !== 'function') {
    throw new HandlerNotFound(
      `${path.basename(modulePath)}.${functionPath} is undefined or not exported`,
    );
  }
  return fn;
}

// ---- the invocation loop ----------------------------------------------------------------

function makeContext(headers, deadlineMs) {
  const env = process.env;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: headers['lambda-runtime-aws-request-id'],
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, deadlineMs - Date.now()),
  };
  const clientContext = headers['lambda-runtime-client-context'];
  if (clientContext) context.clientContext = JSON.parse(clientContext);
  const identity = headers['lambda-runtime-cognito-identity'];
  if (identity) context.identity = JSON.parse(identity);
  return context;
}

/** Runs one handler call; settles with { ok, value } once the result may be posted. */
function runHandler(handler, event, context) {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const callback = (err, value) => {
      const outcome = err != null ? { ok: false, error: err } : { ok: true, value };
      if (context.callbackWaitsForEmptyEventLoop) {
        // Lambda posts a callback's result only once the event loop has drained.
        process.once('beforeExit', () => settle(outcome));
      } else {
        settle(outcome);
      }
    };
    context.done = callback;
    context.succeed = (value) => callback(null, value);
    context.fail = (err) => callback(err ?? new Error('handled'));
    try {
      const result = handler(event, context, callback);
      if (result && typeof result.then === 'function') {
        result.then(
          (value) => settle({ ok: true, value }),
          (error) => settle({ ok: false, error }),
        );
      }
    } catch (error) {
      settle({ ok: false, error });
    }
  });
}

function errorRequest(requestId, err) {
  const doc = toErrorDocument(err);
  logError('Invoke Error', doc);
  return jsonRequest(`/invocation/${requestId}/error`, doc, doc.errorType);
}

/** The request that reports a handler's outcome: its JSON result, or its error. */
function resultRequest(requestId, outcome) {
  if (!outcome.ok) return errorRequest(requestId, outcome.error);
  let body;
  try {
    body = outcome.value === undefined ? undefined : JSON.stringify(outcome.value);
  } catch (error) {
    return errorRequest(requestId, error);
  }
  return {
    method: 'POST',
    path: `/invocation/${requestId}/response`,
    body: Buffer.from(body ?? 'null'),
    headers: { 'content-type': 'application/json' },
  };
}

// ---- response streaming, as Lambda's runtime interface client does it -------------------

const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HIGH_WATER_MARK = Symbol.for('aws.lambda.runtime.handler.highWaterMark');

class HttpResponseStream {
  /** A prelude for HTTP integrations (status, headers, cookies): JSON, then 8 NUL bytes. */
  static from(responseStream, prelude) {
    responseStream.setContentType('application/vnd.awslambda.http-integration-response');
    responseStream.write(JSON.stringify(prelude));
    responseStream.write(Buffer.alloc(8));
    return responseStream;
  }
}

function defineAwsLambdaGlobal() {
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
      if (error !== this.errored) logError('Invoke Error', toErrorDocument(error));
      return;
    }
    endWithError(this.request, error);
    this.destroy(); // drops what is still queued: the body has ended
  }
}

/** Ends the body with trailers that carry the error, as Lambda's runtime does. */
function endWithError(request, err) {
  const doc = toErrorDocument(err);
  logError('Invoke Error', doc);
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
  const short = { ...doc, stackTrace: [] };
  if (Buffer.byteLength(JSON.stringify(short)) <= MAX_TRAILER_DOC) return short;
  return { ...short, errorMessage: `${short.errorMessage.slice(0, 8 * 1024)}... (truncated)` };
}

const oneLine = (text) => String(text).replace(/[\r\n]+/g, ' ');

/**
 * Runs a streaming handler with `(event, responseStream, context)` and resolves with the next
 * event, asked for once the body has ended and the handler has settled.
 */
async function invokeStreaming(handler, next, context, requestId) {
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

async function main() {
  let connectedTo;
  if (process.env.FLOURISH_SPARE === '1') {
    // The Runtime API the function will use listens already: connect while waiting, so the
    // engine's check of who connected is done before the function arrives.
    connectedTo = process.env.FLOURISH_SPARE_RUNTIME_API;
    [apiHost, apiPort] = (connectedTo ?? '').split(':');
    client.connect().unref();
    await warmUpLoader();
    await receiveFunction();
  }
  readFunctionEnvironment();
  if (connectedTo !== `${apiHost}:${apiPort}`) {
    client.socket?.destroy();
    // Connect now: the engine checks who connected while the handler loads.
    client.connect().unref();
  }
  patchConsole();
  defineAwsLambdaGlobal();
  let handler;
  try {
    handler = await loadHandler();
  } catch (err) {
    const doc = toErrorDocument(err);
    logError('Uncaught Exception', doc);
    await client.send([jsonRequest('/init/error', doc, doc.errorType)])[0];
    process.exit(129);
  }

  process.on('uncaughtException', (err) => reportFatal(err, 'Uncaught Exception'));
  process.on('unhandledRejection', (err) => reportFatal(err, 'Unhandled Promise Rejection'));

  const streaming = handler[STREAMING] === 'response';
  let next = await client.send([NEXT])[0];
  for (;;) {
    const requestId = next.headers['lambda-runtime-aws-request-id'];
    currentRequestId = requestId;
    const traceId = next.headers['lambda-runtime-trace-id'];
    if (traceId) process.env._X_AMZN_TRACE_ID = traceId;
    else delete process.env._X_AMZN_TRACE_ID;
    const context = makeContext(next.headers, Number(next.headers['lambda-runtime-deadline-ms']));
    if (streaming) {
      next = await invokeStreaming(handler, next, context, requestId);
      continue;
    }
    let outcome;
    try {
      const event = next.body.length > 0 ? JSON.parse(next.body.toString('utf8')) : undefined;
      outcome = await runHandler(handler, event, context);
    } catch (error) {
      outcome = { ok: false, error };
    }
    next = await postThenNext(resultRequest(requestId, outcome));
  }
}

async function reportFatal(err, label) {
  // An error outside the handler's promise leaves the process in an unknown state: report it
  // for the current request, then exit so the engine starts a fresh environment. A fresh
  // connection, because the shared one may be holding a /next the engine will not answer.
  const doc = toErrorDocument(err);
  logError(label, doc);
  try {
    if (currentRequestId) {
      const request = jsonRequest(`/invocation/${currentRequestId}/error`, doc, doc.errorType);
      await new RuntimeClient().send([request])[0];
    }
  } finally {
    process.exit(129);
  }
}

main().catch((err) => {
  process.stderr.write(`Flourish Node.js runtime failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});
