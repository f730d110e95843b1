// Flourish's Node.js runtime for the local cloud. Plain JavaScript with no build step: the
// engine spawns it with `node`, and it speaks only the Lambda Runtime API at
// AWS_LAMBDA_RUNTIME_API, as AWS's runtime interface client does in Lambda. This file is the
// entry: main(), a spare process's hand-over and the invocation loop; the rest is in the
// modules beside it (runtime-state, runtime-client, console-output, errors, handler-loader,
// invoke-buffered, response-streaming), which a spare has loaded before its function arrives.
import net from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { patchConsole } from './console-output.mjs';
import { logError, toErrorDocument, UnhandledPromiseRejection } from './errors.mjs';
import { loadHandler } from './handler-loader.mjs';
import {
  invokeBuffered,
  invokeWithCallback,
  onEmptyEventLoop,
  resultRequest,
} from './invoke-buffered.mjs';
import { defineAwsLambdaGlobal, invokeStreaming, STREAMING } from './response-streaming.mjs';
import { client, jsonRequest, NEXT, postThenNext, RuntimeClient } from './runtime-client.mjs';
import { readFunctionEnvironment, state } from './runtime-state.mjs';

const require = createRequire(import.meta.url);

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

async function main() {
  let connectedTo;
  if (process.env.FLOURISH_SPARE === '1') {
    // The Runtime API the function will use listens already: connect while waiting, so the
    // engine's check of who connected is done before the function arrives.
    connectedTo = process.env.FLOURISH_SPARE_RUNTIME_API;
    [state.apiHost, state.apiPort] = (connectedTo ?? '').split(':');
    client.connect().unref();
    await warmUpLoader();
    await receiveFunction();
  }
  readFunctionEnvironment();
  const { modernClient } = state; // known from here on
  if (connectedTo !== `${state.apiHost}:${state.apiPort}`) {
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
    state.currentRequestId = requestId;
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
    const request = state.currentRequestId
      ? jsonRequest(`/invocation/${state.currentRequestId}/error`, doc, doc.errorType)
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
