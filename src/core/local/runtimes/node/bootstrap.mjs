// Flourish's Node.js runtime for the local cloud. Plain JavaScript with no build step: the
// engine spawns it with `node`, and it speaks only the Lambda Runtime API at
// AWS_LAMBDA_RUNTIME_API, as AWS's runtime interface client does in Lambda.
import http from 'node:http';
import path from 'node:path';
import util from 'node:util';
import { existsSync, readFileSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const API_PREFIX = '/2018-06-01/runtime';
const [apiHost, apiPort] = (process.env.AWS_LAMBDA_RUNTIME_API ?? '').split(':');
const taskRoot = process.env.LAMBDA_TASK_ROOT ?? process.cwd();
const handlerString = process.env._HANDLER ?? '';
// One socket is enough: /next and /response never overlap. Idle keep-alive sockets are unref'd
// by the agent, so a waiting callback handler can still see the event loop drain.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

let currentRequestId;

// ---- the Runtime API client -------------------------------------------------------------

function request(method, urlPath, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: apiHost, port: Number(apiPort), method, path: API_PREFIX + urlPath, agent, headers },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function postJson(urlPath, value, headers = {}) {
  const body = Buffer.from(JSON.stringify(value));
  return request('POST', urlPath, body, {
    'content-type': 'application/json',
    'content-length': body.length,
    ...headers,
  });
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

async function postError(requestId, err) {
  const doc = toErrorDocument(err);
  logError('Invoke Error', doc);
  await postJson(`/invocation/${requestId}/error`, doc, {
    'lambda-runtime-function-error-type': doc.errorType,
  });
}

async function main() {
  patchConsole();
  let handler;
  try {
    handler = await loadHandler();
  } catch (err) {
    const doc = toErrorDocument(err);
    logError('Uncaught Exception', doc);
    await postJson('/init/error', doc, { 'lambda-runtime-function-error-type': doc.errorType });
    process.exit(129);
  }

  process.on('uncaughtException', (err) => reportFatal(err, 'Uncaught Exception'));
  process.on('unhandledRejection', (err) => reportFatal(err, 'Unhandled Promise Rejection'));

  for (;;) {
    const next = await request('GET', '/invocation/next');
    const requestId = next.headers['lambda-runtime-aws-request-id'];
    currentRequestId = requestId;
    const traceId = next.headers['lambda-runtime-trace-id'];
    if (traceId) process.env._X_AMZN_TRACE_ID = traceId;
    else delete process.env._X_AMZN_TRACE_ID;
    const context = makeContext(next.headers, Number(next.headers['lambda-runtime-deadline-ms']));
    let outcome;
    try {
      const event = next.body.length > 0 ? JSON.parse(next.body.toString('utf8')) : undefined;
      outcome = await runHandler(handler, event, context);
    } catch (error) {
      outcome = { ok: false, error };
    }
    if (outcome.ok) {
      let body;
      try {
        body = outcome.value === undefined ? 'null' : JSON.stringify(outcome.value);
      } catch (error) {
        await postError(requestId, error);
        continue;
      }
      const buf = Buffer.from(body ?? 'null');
      await request('POST', `/invocation/${requestId}/response`, buf, {
        'content-type': 'application/json',
        'content-length': buf.length,
      });
    } else {
      await postError(requestId, outcome.error);
    }
  }
}

async function reportFatal(err, label) {
  // An error outside the handler's promise leaves the process in an unknown state: report it
  // for the current request, then exit so the engine starts a fresh environment.
  const doc = toErrorDocument(err);
  logError(label, doc);
  try {
    if (currentRequestId) {
      await postJson(`/invocation/${currentRequestId}/error`, doc, {
        'lambda-runtime-function-error-type': doc.errorType,
      });
    }
  } finally {
    process.exit(129);
  }
}

main().catch((err) => {
  process.stderr.write(`Flourish Node.js runtime failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});
