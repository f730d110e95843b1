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

const require = createRequire(import.meta.url);

const API_PREFIX = '/2018-06-01/runtime';
// Read from the environment once the function is known (a spare process learns it late).
let apiHost;
let apiPort;
let taskRoot;
let handlerString;
// Lambda's Node.js 24 and later run version 4 of its runtime interface client, which loads,
// invokes and reports errors differently from version 3 (Node.js 22 and earlier).
let modernClient = false;

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
  const Module = require('node:module');
  if (typeof Module._initPaths === 'function') Module._initPaths();
}

/**
 * The first load of a CommonJS file, by require (how handlers load up to Node.js 22) and by
 * import (from Node.js 24), done while waiting; it leaves no trace in require.cache.
 */
async function warmUpLoader() {
  const file = new URL('./warm-up.cjs', import.meta.url);
  try {
    require(fileURLToPath(file));
    delete require.cache[fileURLToPath(file)];
    await import(file.href);
  } finally {
    delete require.cache[fileURLToPath(file)];
  }
}

function readFunctionEnvironment() {
  [apiHost, apiPort] = (process.env.AWS_LAMBDA_RUNTIME_API ?? '').split(':');
  taskRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  handlerString = process.env._HANDLER ?? '';
  const version = /^AWS_Lambda_nodejs(\d+)/.exec(process.env.AWS_EXECUTION_ENV ?? '');
  modernClient = version !== null && Number(version[1]) >= 24;
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

/**
 * The error document Lambda's runtime posts (`Errors.toRapidResponse` in the runtime interface
 * client; `formatError` in its version 4, used from Node.js 24): the stack goes in `trace`
 * (Python's runtime says `stackTrace`), and a thrown value that is not an error is reported by
 * its type and its text.
 */
function toErrorDocument(err) {
  try {
    const isError = modernClient
      ? err instanceof Error
      : util.types.isNativeError(err) || looksLikeError(err);
    if (isError) {
      const stack = escapeDelete(err.stack);
      return {
        errorType: escapeDelete(err.name),
        errorMessage: escapeDelete(err.message),
        trace: modernClient ? (stack?.split('\n') ?? []) : stack.split('\n'),
      };
    }
    return {
      errorType: typeof err,
      errorMessage: modernClient ? String(err) : err.toString(),
      trace: [],
    };
  } catch {
    // Lambda's own words for an error whose name, message or stack cannot be read.
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
      ...(modernClient ? { trace: [] } : {}),
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
 */
function logError(label, err) {
  console.error(label, toFormatted(intoError(err)));
}

function intoError(err) {
  if (err instanceof Error) return err;
  return modernClient ? new Error(String(err)) : new Error(err);
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

// ---- loading the handler, as the runtime interface client does ------------------------

// Named on the prototype, as Lambda's runtime does, so the name is not one of the error's own
// properties (those appear in the logged JSON).
class ImportModuleError extends Error {}
class HandlerNotFound extends Error {}
class MalformedHandlerName extends Error {}
class UserCodeSyntaxError extends Error {}
class InvalidStreamingOperation extends Error {}
class CallbackHandlerDeprecated extends Error {}
class NodeJsExit extends Error {
  constructor() {
    super(
      'The Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled. For more information, see https://nodejs.org/docs/latest/api/process.html#exit-codes',
    );
  }
}
class UnhandledPromiseRejection extends Error {
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
  UnhandledPromiseRejection,
]) {
  type.prototype.name = `Runtime.${type.name}`;
}

const CALLBACK_HANDLER_DEPRECATED =
  'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.';

/**
 * `src/a/b.handler` -> module root `src/a/`, module `b`, function path `handler`; the module is
 * the last segment up to its first dot, and the function path may be nested (`api.handler`).
 */
function splitHandler(handler) {
  if (handler.includes('..')) {
    throw new MalformedHandlerName(
      `'${handler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const last = path.basename(handler);
  const match = /^([^.]*)\.(.*)$/.exec(last);
  if (!match) throw new MalformedHandlerName('Bad handler');
  return {
    moduleRoot: handler.substring(0, handler.indexOf(last)),
    moduleName: match[1],
    functionPath: match[2],
  };
}

const requireIfExists = (file) => (existsSync(file) ? require(file) : undefined);
const importIfExists = async (file) =>
  existsSync(file) ? await import(pathToFileURL(file).href) : undefined;

/** Whether `.js` files in `folder` are ES modules: the nearest package.json says type module. */
function isTypeModule(folder) {
  if (folder.endsWith(`${path.sep}node_modules`)) return false;
  const file = path.join(folder, 'package.json');
  if (existsSync(file)) {
    try {
      return JSON.parse(readFileSync(file, 'utf8'))?.type === 'module';
    } catch {
      return false;
    }
  }
  const parent = path.dirname(folder);
  return parent !== folder && isTypeModule(parent);
}

/**
 * Loads the handler's module in the order of Lambda's runtime interface client. Up to Node.js
 * 22 (`UserFunction.js`): the file as named, `.js` by require unless the package is type
 * module, then `.js` (type module) and `.mjs` by import, `.cjs` by require. From Node.js 24
 * (`module-loader.ts`): the file as named, `.js`, `.mjs`, `.cjs`, all by import. Last, both
 * resolve the module name as require does from the code root, NODE_PATH included, which is how
 * `lib.handler` finds `lib/index.js`.
 */
async function loadModule(moduleRoot, moduleName) {
  const base = path.resolve(taskRoot, moduleRoot, moduleName);
  try {
    if (modernClient) {
      for (const extension of ['', '.js', '.mjs', '.cjs']) {
        const loaded = await importIfExists(base + extension);
        if (loaded) return loaded;
      }
    } else {
      const loaded = requireIfExists(base);
      if (loaded) return loaded;
      const typeModule = isTypeModule(path.dirname(base));
      const loadedJs =
        (!typeModule && requireIfExists(`${base}.js`)) ||
        (typeModule && (await importIfExists(`${base}.js`))) ||
        (await importIfExists(`${base}.mjs`)) ||
        requireIfExists(`${base}.cjs`);
      if (loadedJs) return loadedJs;
    }
    const paths = [taskRoot, modernClient ? path.join(taskRoot, moduleRoot) : moduleRoot];
    return require(require.resolve(moduleName, { paths }));
  } catch (err) {
    if (err instanceof SyntaxError) {
      const wrapped = new UserCodeSyntaxError(String(err));
      if (modernClient) wrapped.stack = err.stack;
      throw wrapped;
    }
    if (err?.code === 'MODULE_NOT_FOUND') throw new ImportModuleError(String(err));
    throw err;
  }
}

/** Finds the handler in the module; from Node.js 24, also in its default export. */
function findHandler(mod, functionPath) {
  const keys = functionPath.split('.');
  if (!modernClient) return keys.reduce((nested, key) => nested && nested[key], mod);
  const findIn = (root) =>
    keys.reduce(
      (nested, key) => (nested && typeof nested === 'object' ? nested[key] : undefined),
      root,
    );
  const found = findIn(mod);
  if (found || mod === null || typeof mod !== 'object' || !('default' in mod)) return found;
  return findIn(mod.default);
}

async function loadHandler() {
  const { moduleRoot, moduleName, functionPath } = splitHandler(handlerString);
  const mod = await loadModule(moduleRoot, moduleName);
  const fn = findHandler(mod, functionPath);
  if (!fn) throw new HandlerNotFound(`${handlerString} is undefined or not exported`);
  if (typeof fn !== 'function') throw new HandlerNotFound(`${handlerString} is not a function`);
  // Lambda's Node.js 24 refuses a callback handler (a third parameter) that does not stream.
  if (modernClient && fn.length >= 3 && fn[STREAMING] !== 'response') {
    throw new CallbackHandlerDeprecated(CALLBACK_HANDLER_DEPRECATED);
  }
  return fn;
}

// ---- the invocation loop ----------------------------------------------------------------

function makeContext(headers, deadlineMs) {
  const env = process.env;
  const context = {
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

// What runs when the event loop has drained (Lambda's runtime keeps one such listener).
const noEmptyEventLoopWork = () => undefined;
let onEmptyEventLoop = noEmptyEventLoopWork;

/**
 * Runs one handler call as Lambda's runtime up to Node.js 22 does (`Runtime.js` and
 * `CallbackContext.js`); settles with { ok, value } or { ok: false, error } once the outcome
 * may be posted. A returned promise settles it. A successful callback() waits for the empty
 * event loop unless callbackWaitsForEmptyEventLoop is false; callback(err), context.done,
 * succeed and fail report at once. A handler that does none of these succeeds with null once
 * the event loop is empty, unless it is an async function: then its promise never settled,
 * which is Runtime.NodeJsExit. Only the first of callback, done, succeed and fail counts.
 */
function invokeWithCallback(handler, event, context) {
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
async function invokeBuffered(handler, event, context) {
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
  process.on('uncaughtException', (err) => {
    logError('Uncaught Exception', err);
    reportFatal(err, 129);
  });
  process.on('unhandledRejection', (reason, promise) => {
    const error = new UnhandledPromiseRejection(reason, promise);
    logError('Unhandled Promise Rejection', error);
    reportFatal(error, 128);
  });
  if (!modernClient) process.on('beforeExit', () => onEmptyEventLoop());
  let handler;
  try {
    handler = await loadHandler();
  } catch (err) {
    logError(modernClient ? 'Init Error' : 'Uncaught Exception', err);
    const doc = toErrorDocument(err);
    await client.send([jsonRequest('/init/error', doc, doc.errorType)])[0];
    process.exit(129);
  }

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
      outcome = modernClient
        ? await invokeBuffered(handler, event, context)
        : await invokeWithCallback(handler, event, context);
    } catch (error) {
      outcome = { ok: false, error };
    }
    next = await postThenNext(resultRequest(requestId, outcome));
  }
}

/**
 * An uncaught exception (exit status 129) or unhandled rejection (128), logged already: as in
 * Lambda, it is reported for the current request (or as the init error before the first), and
 * the process exits, so the engine starts a fresh environment. A fresh connection, because the
 * shared one may be holding a /next the engine will not answer.
 */
async function reportFatal(err, exitStatus) {
  const doc = toErrorDocument(err);
  try {
    const request = currentRequestId
      ? jsonRequest(`/invocation/${currentRequestId}/error`, doc, doc.errorType)
      : jsonRequest('/init/error', doc, doc.errorType);
    await new RuntimeClient().send([request])[0];
  } finally {
    process.exit(exitStatus);
  }
}

main().catch((err) => {
  process.stderr.write(`Flourish Node.js runtime failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});
