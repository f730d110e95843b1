// The execution engine running real Node.js, Python and custom-runtime workers through the
// Lambda Runtime API: handler styles, context, environment, logs, reuse, concurrency, reaping.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  ConcurrencyLimitError,
  type EnvironmentStoppedEvent,
} from '../../src/core/local/execution';
import {
  codeDir,
  config,
  EngineHarness,
  Gate,
  isAlive,
  json,
  RecordingSink,
  removeTempDirs,
  request,
} from './execution-support';

const REPORT =
  /^REPORT RequestId: [0-9a-f-]{36}\tDuration: \d+\.\d{2} ms\tBilled Duration: \d+ ms\tMemory Size: \d+ MB\tMax Memory Used: \d+ MB(\tInit Duration: \d+\.\d{2} ms)?(\tStatus: .*)?\t$/;

describe('execution engine: Node.js runtime', function () {
  const harness = new EngineHarness();
  afterEach(() => harness.cleanUp());
  after(removeTempDirs);

  it('runs a CommonJS async handler with the context Lambda gives, and logs as Lambda does', async () => {
    const sink = new RecordingSink();
    const engine = harness.make({ logSink: sink });
    const dir = codeDir({
      'index.js': `
        exports.handler = async (event, context) => {
          console.log('got', event.n);
          console.warn('multi\\nline');
          return {
            n: event.n,
            functionName: context.functionName,
            functionVersion: context.functionVersion,
            invokedFunctionArn: context.invokedFunctionArn,
            memoryLimitInMB: context.memoryLimitInMB,
            awsRequestId: context.awsRequestId,
            logGroupName: context.logGroupName,
            logStreamName: context.logStreamName,
            remaining: context.getRemainingTimeInMillis(),
            waits: context.callbackWaitsForEmptyEventLoop,
            clientContext: context.clientContext,
          };
        };`,
    });
    const cfg = config({ codeDir: dir, functionName: 'ctx-fn', memorySizeMB: 192, timeoutSec: 7 });
    const clientContext = Buffer.from(JSON.stringify({ custom: { a: 1 } })).toString('base64');
    const req = request({ n: 42 }, { clientContext });
    const outcome = await engine.invoke(cfg, req);

    assert.equal(outcome.functionError, undefined);
    const body = json(outcome) as Record<string, unknown>;
    assert.equal(body.n, 42);
    assert.equal(body.functionName, 'ctx-fn');
    assert.equal(body.functionVersion, '$LATEST');
    assert.equal(body.invokedFunctionArn, cfg.functionArn);
    assert.equal(body.memoryLimitInMB, '192');
    assert.equal(body.awsRequestId, req.requestId);
    assert.equal(body.logGroupName, '/aws/lambda/ctx-fn');
    assert.equal(body.logStreamName, outcome.logStreamName);
    assert.ok((body.remaining as number) > 5000 && (body.remaining as number) <= 7000);
    assert.equal(body.waits, true);
    assert.deepEqual(body.clientContext, { custom: { a: 1 } });

    assert.match(outcome.logStreamName, /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    const lines = outcome.log.slice(0, -1).split('\n');
    assert.equal(lines[0], `START RequestId: ${req.requestId} Version: $LATEST`);
    assert.match(
      lines[1]!,
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t${req.requestId}\\tINFO\\tgot 42$`,
      ),
    );
    assert.match(lines[2]!, new RegExp(`\\t${req.requestId}\\tWARN\\tmulti$`));
    assert.equal(lines[3], 'line', 'a multi-line message stays one event');
    assert.equal(lines.at(-2), `END RequestId: ${req.requestId}`);
    assert.match(lines.at(-1)!, REPORT);
    assert.match(lines.at(-1)!, /Memory Size: 192 MB/);
    assert.match(lines.at(-1)!, /Init Duration: /);
    assert.equal(outcome.coldStart, true);
    assert.ok(outcome.report.initDurationMs! > 0);
    assert.ok(outcome.report.maxMemoryUsedMB > 5 && outcome.report.maxMemoryUsedMB <= 192);
    // The init phase is billed with the first invocation (Lambda, since 1 August 2025).
    assert.equal(
      outcome.report.billedDurationMs,
      Math.ceil(outcome.report.durationMs + outcome.report.initDurationMs!),
    );

    // Every line of the request reached the sink, in the environment's stream.
    const streamed = sink.messages(outcome.logStreamName);
    assert.equal(streamed.length, 5);
    assert.match(streamed[2]!, /\tWARN\tmulti\nline$/);
    assert.equal(streamed.join('\n') + '\n', outcome.log);
    assert.ok(sink.events.every((e) => e.group === '/aws/lambda/ctx-fn'));
  });

  it('reuses a warm environment (same pid, no Init Duration) and starts cold after a config change', async () => {
    const engine = harness.make({ logSink: new RecordingSink() });
    const dir = codeDir({ 'index.js': 'exports.handler = async () => ({ pid: process.pid });' });
    const cfg = config({ codeDir: dir });
    const first = await engine.invoke(cfg, request());
    const second = await engine.invoke(cfg, request());
    assert.equal(first.coldStart, true);
    assert.equal(second.coldStart, false);
    assert.equal(second.report.initDurationMs, undefined);
    assert.doesNotMatch(second.log, /Init Duration/);
    assert.equal((json(first) as { pid: number }).pid, (json(second) as { pid: number }).pid);
    assert.equal(first.logStreamName, second.logStreamName);

    const changed = await engine.invoke({ ...cfg, environmentKey: 'another-key' }, request());
    assert.equal(changed.coldStart, true);
    assert.notEqual((json(changed) as { pid: number }).pid, (json(first) as { pid: number }).pid);
    assert.deepEqual(engine.stats(), { environments: 2, busy: 0 });
  });

  it('attributes every line to its own request, across many warm invocations', async () => {
    const engine = harness.make({ logSink: new RecordingSink() });
    const dir = codeDir({
      'index.js': `exports.handler = async (e) => { for (let i = 0; i < 3; i++) console.log('marker-' + e.i); return e.i; };`,
    });
    const cfg = config({ codeDir: dir });
    for (let i = 0; i < 200; i++) {
      const outcome = await engine.invoke(cfg, request({ i }));
      const markers = outcome.log.match(/marker-\d+/g) ?? [];
      assert.deepEqual(markers, [`marker-${i}`, `marker-${i}`, `marker-${i}`], outcome.log);
    }
  });

  it('loads ESM handlers (.mjs, type:module) from nested paths and nested export paths', async () => {
    const engine = harness.make({ logSink: new RecordingSink() });
    const mjs = codeDir({
      'src/a/b.mjs': 'export const handler = async (e) => ({ esm: true, e });',
    });
    const typeModule = codeDir({
      'package.json': '{"type":"module"}',
      'lib/app.js': 'export const api = { handler: async () => "nested" };',
    });
    const cjs = codeDir({ 'fn.cjs': 'module.exports.main = async () => "cjs";' });
    assert.deepEqual(
      json(await engine.invoke(config({ codeDir: mjs, handler: 'src/a/b.handler' }), request(1))),
      { esm: true, e: 1 },
    );
    assert.equal(
      json(
        await engine.invoke(
          config({ codeDir: typeModule, handler: 'lib/app.api.handler' }),
          request(),
        ),
      ),
      'nested',
    );
    assert.equal(
      json(await engine.invoke(config({ codeDir: cjs, handler: 'fn.main' }), request())),
      'cjs',
    );
  });

  it('supports callback handlers, waiting for the event loop to drain unless told not to', async () => {
    const engine = harness.make({ logSink: new RecordingSink() });
    const dir = codeDir({
      'index.js': `
        exports.handler = (event, context, callback) => {
          context.callbackWaitsForEmptyEventLoop = event.wait;
          setImmediate(() => setImmediate(() => console.log('after callback')));
          if (event.fail) return callback(new TypeError('bad input'));
          callback(null, { ok: true });
        };`,
    });
    const cfg = config({ codeDir: dir });
    const waited = await engine.invoke(cfg, request({ wait: true }));
    assert.deepEqual(json(waited), { ok: true });
    assert.match(waited.log, /INFO\tafter callback\nEND/);

    const partial = codeDir({
      'index.js':
        "exports.handler = async () => { process.stdout.write('no newline'); return 1; };",
    });
    const partialOutcome = await engine.invoke(config({ codeDir: partial }), request());
    assert.match(
      partialOutcome.log,
      /\nno newline\nEND /,
      'a line left open is closed into its own request',
    );

    const failed = await engine.invoke(cfg, request({ wait: true, fail: true }));
    assert.equal(failed.functionError, 'Unhandled');
    const doc = json(failed) as { errorType: string; errorMessage: string; trace: string[] };
    assert.equal(doc.errorType, 'TypeError');
    assert.equal(doc.errorMessage, 'bad input');
    assert.ok(Array.isArray(doc.trace) && doc.trace[0] === 'TypeError: bad input');
  });

  it('reports a thrown error as Lambda does and keeps the environment', async () => {
    const engine = harness.make({ logSink: new RecordingSink() });
    const dir = codeDir({
      'index.js': `
        class ValidationError extends Error { constructor(m) { super(m); this.name = 'ValidationError'; } }
        exports.handler = async (e) => { if (e.fail) throw new ValidationError('nope'); return process.pid; };`,
    });
    const cfg = config({ codeDir: dir });
    const ok = await engine.invoke(cfg, request({}));
    const failed = await engine.invoke(cfg, request({ fail: true }));
    assert.equal(failed.functionError, 'Unhandled');
    assert.deepEqual(Object.keys(json(failed) as object).sort(), [
      'errorMessage',
      'errorType',
      'trace',
    ]);
    assert.equal((json(failed) as { errorType: string }).errorType, 'ValidationError');
    assert.match(
      failed.log,
      /\tERROR\tInvoke Error \t\{"errorType":"ValidationError","errorMessage":"nope"/,
    );
    const after = await engine.invoke(cfg, request({}));
    assert.equal(json(after), json(ok), 'a handled throw does not cost the environment');
  });

  it('reports import failures as Lambda init errors', async () => {
    const engine = harness.make({ logSink: new RecordingSink() });
    const cases: [Record<string, string>, string, string, RegExp][] = [
      [
        { 'other.js': '' },
        'index.handler',
        'Runtime.ImportModuleError',
        /Cannot find module 'index'/,
      ],
      [
        { 'index.js': 'exports.other = () => 1;' },
        'index.handler',
        'Runtime.HandlerNotFound',
        /index\.handler is undefined or not exported/,
      ],
      [
        { 'index.js': 'exports.handler = async () => {{;' },
        'index.handler',
        'Runtime.UserCodeSyntaxError',
        /SyntaxError/,
      ],
      [{ 'index.js': '' }, 'index', 'Runtime.MalformedHandlerName', /^Bad handler$/],
    ];
    for (const [files, handler, errorType, message] of cases) {
      const outcome = await engine.invoke(config({ codeDir: codeDir(files), handler }), request());
      assert.equal(outcome.functionError, 'Unhandled', errorType);
      const doc = json(outcome) as { errorType: string; errorMessage: string };
      assert.equal(doc.errorType, errorType);
      assert.match(doc.errorMessage, message);
      assert.match(
        outcome.log,
        new RegExp(
          `INIT_REPORT Init Duration: [\\d.]+ ms\\tPhase: init\\tStatus: error\\tError Type: ${errorType.replace('.', '\\.')}`,
        ),
      );
      assert.match(outcome.log, /Status: error\tError Type: /);
    }
    assert.deepEqual(
      engine.stats(),
      { environments: 0, busy: 0 },
      'failed environments are not kept',
    );
  });

  it('sets the environment variables Lambda sets, plus the function own', async () => {
    const engine = harness.make({ logSink: new RecordingSink() });
    const dir = codeDir({ 'index.js': 'exports.handler = async () => ({ ...process.env });' });
    const cfg = config({
      codeDir: dir,
      functionName: 'env-fn',
      environment: { STAGE: 'dev', AWS_REGION: 'nope' },
      region: 'eu-west-1',
      memorySizeMB: 512,
    });
    const outcome = await engine.invoke(cfg, request());
    const env = json(outcome) as Record<string, string>;
    assert.equal(env.AWS_LAMBDA_FUNCTION_NAME, 'env-fn');
    assert.equal(env.AWS_LAMBDA_FUNCTION_VERSION, '$LATEST');
    assert.equal(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE, '512');
    assert.equal(env.AWS_LAMBDA_LOG_GROUP_NAME, '/aws/lambda/env-fn');
    assert.equal(env.AWS_LAMBDA_LOG_STREAM_NAME, outcome.logStreamName);
    assert.equal(env.AWS_LAMBDA_INITIALIZATION_TYPE, 'on-demand');
    assert.equal(env._HANDLER, 'index.handler');
    assert.equal(env.AWS_REGION, 'eu-west-1', 'reserved variables win over the function own');
    assert.equal(env.AWS_DEFAULT_REGION, 'eu-west-1');
    assert.equal(env.AWS_EXECUTION_ENV, 'AWS_Lambda_nodejs20.x');
    assert.equal(env.LAMBDA_TASK_ROOT, dir);
    assert.match(env.LAMBDA_RUNTIME_DIR!, /runtimes[/\\]node$/);
    assert.match(env.AWS_LAMBDA_RUNTIME_API!, /^127\.0\.0\.1:\d+$/);
    assert.equal(env.TZ, ':UTC');
    assert.equal(env.LANG, 'en_US.UTF-8');
    assert.ok(env.PATH);
    assert.ok(env.TMPDIR && env.TMPDIR !== process.env.TMPDIR);
    assert.match(
      env._X_AMZN_TRACE_ID!,
      /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/,
    );
    assert.equal(env.STAGE, 'dev');
  });
});

describe('execution engine: Python runtime', function () {
  const harness = new EngineHarness();
  afterEach(() => harness.cleanUp());
  after(removeTempDirs);

  it('runs module/path.function handlers with the context, print and logging as Lambda does', async () => {
    const engine = harness.make({ logSink: new RecordingSink() });
    const dir = codeDir({
      'pkg/__init__.py': '',
      'pkg/app.py': `
import logging, os
logger = logging.getLogger()
logger.setLevel(logging.INFO)

def handler(event, context):
    print("printed", event["n"])
    logger.info("logged %s", event["n"])
    return {
        "n": event["n"],
        "function_name": context.function_name,
        "function_version": context.function_version,
        "aws_request_id": context.aws_request_id,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining": context.get_remaining_time_in_millis(),
        "exec_env": os.environ["AWS_EXECUTION_ENV"],
    }
`,
    });
    const cfg = config({
      codeDir: dir,
      handler: 'pkg/app.handler',
      runtime: 'python3.12',
      functionName: 'py-fn',
      timeoutSec: 5,
    });
    const req = request({ n: 7 });
    const outcome = await engine.invoke(cfg, req);
    assert.equal(outcome.functionError, undefined, outcome.payload.toString());
    const body = json(outcome) as Record<string, unknown>;
    assert.equal(body.n, 7);
    assert.equal(body.function_name, 'py-fn');
    assert.equal(body.function_version, '$LATEST');
    assert.equal(body.aws_request_id, req.requestId);
    assert.equal(body.invoked_function_arn, cfg.functionArn);
    assert.equal(body.memory_limit_in_mb, '256');
    assert.equal(body.log_group_name, '/aws/lambda/py-fn');
    assert.equal(body.log_stream_name, outcome.logStreamName);
    assert.ok((body.remaining as number) > 3000 && (body.remaining as number) <= 5000);
    assert.equal(body.exec_env, 'AWS_Lambda_python3.12');
    assert.match(outcome.log, /\nprinted 7\n/);
    assert.match(
      outcome.log,
      new RegExp(
        `\\n\\[INFO\\]\\t\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t${req.requestId}\\tlogged 7\\n`,
      ),
    );
    assert.match(outcome.log.slice(0, -1).split('\n').at(-1)!, REPORT);
    const warm = await engine.invoke(cfg, request({ n: 8 }));
    assert.equal(warm.coldStart, false);
    assert.equal(
      existsSync(path.join(dir, 'pkg', '__pycache__')),
      false,
      'the code folder stays as deployed',
    );
  });

  it('moves large events and results, and reports an unserialisable result as Runtime.MarshalError', async () => {
    const engine = harness.make({ logSink: new RecordingSink() });
    const dir = codeDir({
      'app.py':
        'def handler(event, context):\n    if event.get("bad"):\n        return {1, 2}\n    return {"size": len(event["blob"]), "echo": event["blob"]}\n',
    });
    const cfg = config({ codeDir: dir, handler: 'app.handler', runtime: 'python3.12' });
    const blob = 'z'.repeat(3 * 1024 * 1024);
    for (let i = 0; i < 2; i++) {
      const outcome = await engine.invoke(cfg, request({ blob }));
      const body = json(outcome) as { size: number; echo: string };
      assert.equal(body.size, blob.length);
      assert.equal(body.echo, blob);
    }
    const bad = await engine.invoke(cfg, request({ bad: true }));
    assert.equal(bad.functionError, 'Unhandled');
    assert.equal((json(bad) as { errorType: string }).errorType, 'Runtime.MarshalError');
  });

  it('reports errors and import failures as Lambda does', async () => {
    const engine = harness.make({ logSink: new RecordingSink() });
    const dir = codeDir({
      'app.py': 'def handler(event, context):\n    raise ValueError("bad " + str(event))\n',
    });
    const failed = await engine.invoke(
      config({ codeDir: dir, handler: 'app.handler', runtime: 'python3.12' }),
      request(1),
    );
    assert.equal(failed.functionError, 'Unhandled');
    const doc = json(failed) as { errorType: string; errorMessage: string; stackTrace: string[] };
    assert.equal(doc.errorType, 'ValueError');
    assert.equal(doc.errorMessage, 'bad 1');
    assert.ok(doc.stackTrace.some((frame) => frame.includes('app.py')));
    assert.match(failed.log, /\[ERROR\] ValueError: bad 1\nTraceback/);

    const missing = await engine.invoke(
      config({ codeDir: dir, handler: 'nothere.handler', runtime: 'python3.12' }),
      request(),
    );
    assert.equal((json(missing) as { errorType: string }).errorType, 'Runtime.ImportModuleError');
    assert.match(
      (json(missing) as { errorMessage: string }).errorMessage,
      /Unable to import module 'nothere'/,
    );
    const noHandler = await engine.invoke(
      config({ codeDir: dir, handler: 'app.other', runtime: 'python3.12' }),
      request(),
    );
    assert.equal((json(noHandler) as { errorType: string }).errorType, 'Runtime.HandlerNotFound');
  });
});

describe('execution engine: provided runtime', function () {
  const harness = new EngineHarness();
  afterEach(() => harness.cleanUp());
  after(removeTempDirs);

  it('runs the function own bootstrap, which speaks the Runtime API', async () => {
    const engine = harness.make({ logSink: new RecordingSink() });
    // A custom runtime in a few lines: long-poll /next, echo the event upper-cased.
    const dir = codeDir({
      bootstrap: `#!/usr/bin/env node
const api = 'http://' + process.env.AWS_LAMBDA_RUNTIME_API + '/2018-06-01/runtime/invocation/';
(async () => {
  for (;;) {
    const next = await fetch(api + 'next');
    const id = next.headers.get('lambda-runtime-aws-request-id');
    const event = await next.text();
    console.log('custom runtime got ' + event);
    await fetch(api + id + '/response', { method: 'POST', body: JSON.stringify({ upper: event.toUpperCase(), handler: process.env._HANDLER, execEnv: process.env.AWS_EXECUTION_ENV ?? null }) });
  }
})();
`,
    });
    const cfg = config({ codeDir: dir, runtime: 'provided.al2023', handler: 'my.handler' });
    const outcome = await engine.invoke(cfg, request('abc'));
    assert.deepEqual(json(outcome), { upper: '"ABC"', handler: 'my.handler', execEnv: null });
    assert.match(outcome.log, /\ncustom runtime got "abc"\n/);
    const warm = await engine.invoke(cfg, request('x'));
    assert.equal(warm.coldStart, false);
  });

  it('runs the classic bash and curl bootstrap from the custom runtime tutorial', async function () {
    if (!existsSync('/usr/bin/curl') && !existsSync('/bin/curl')) this.skip();
    const engine = harness.make({ logSink: new RecordingSink() });
    const dir = codeDir({
      bootstrap: `#!/bin/bash
set -euo pipefail
API="http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation"
while true; do
  HEADERS="$(mktemp)"
  EVENT_DATA=$(curl -sS -LD "$HEADERS" "$API/next")
  REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  echo "handling $REQUEST_ID"
  curl -sS -X POST "$API/$REQUEST_ID/response" -d "{\\"got\\":$EVENT_DATA}" > /dev/null
done
`,
    });
    const cfg = config({ codeDir: dir, runtime: 'provided.al2023' });
    for (let i = 0; i < 2; i++) {
      const req = request({ n: i });
      const outcome = await engine.invoke(cfg, req);
      assert.deepEqual(json(outcome), { got: { n: i } });
      assert.match(outcome.log, new RegExp(`\\nhandling ${req.requestId}\\n`));
    }
  });

  it('reports a missing or non-executable bootstrap as Runtime.InvalidEntrypoint', async () => {
    const engine = harness.make({ logSink: new RecordingSink() });
    const missing = codeDir({ 'README.md': 'no bootstrap here' });
    const req = request();
    const outcome = await engine.invoke(
      config({ codeDir: missing, runtime: 'provided.al2023' }),
      req,
    );
    assert.equal(outcome.functionError, 'Unhandled');
    assert.deepEqual(json(outcome), {
      errorType: 'Runtime.InvalidEntrypoint',
      errorMessage: `RequestId: ${req.requestId} Error: Couldn't find valid bootstrap(s): [${missing}/bootstrap]`,
    });
    const notExecutable = codeDir({ 'bootstrap.txt': '' });
    writeFileSync(path.join(notExecutable, 'bootstrap'), '#!/bin/sh\n');
    const denied = await engine.invoke(
      config({ codeDir: notExecutable, runtime: 'provided' }),
      request(),
    );
    assert.match(
      (json(denied) as { errorMessage: string }).errorMessage,
      /fork\/exec .*bootstrap: permission denied/,
    );
  });
});

describe('execution engine: environments', function () {
  const harness = new EngineHarness();
  const gate = new Gate();
  before(() => gate.open());
  after(() => gate.close());
  afterEach(() => harness.cleanUp());
  after(removeTempDirs);

  const gated = () =>
    codeDir({
      'index.js': `exports.handler = async () => { await (await fetch(process.env.GATE_URL)).text(); return process.pid; };`,
    });

  it('starts environments up to the concurrency cap, then refuses with ConcurrencyLimitError', async () => {
    const engine = harness.make({ logSink: new RecordingSink(), maxConcurrency: 2 });
    const cfg = config({ codeDir: gated(), environment: { GATE_URL: gate.url } });
    const a = engine.invoke(cfg, request());
    const b = engine.invoke(cfg, request());
    await gate.waitForHeld(2);
    assert.deepEqual(engine.stats(), { environments: 2, busy: 2 });
    await assert.rejects(
      engine.invoke(cfg, request()),
      (err: unknown) => err instanceof ConcurrencyLimitError && err.limit === 2,
    );
    gate.release();
    const [ra, rb] = await Promise.all([a, b]);
    assert.notEqual(json(ra), json(rb), 'two environments, two processes');
    assert.deepEqual(engine.stats(), { environments: 2, busy: 0 });

    // At the cap with idle environments of another function, one of them makes room.
    const other = config({
      codeDir: codeDir({ 'index.js': 'exports.handler = async () => "other";' }),
      functionName: 'other',
    });
    const stopped = once(engine, 'environmentStopped') as Promise<[EnvironmentStoppedEvent]>;
    assert.equal(json(await engine.invoke(other, request())), 'other');
    assert.equal((await stopped)[0].reason, 'evicted');
  });

  it('stops an evicted environment once the cold start that took its place is over', async () => {
    const engine = harness.make({ logSink: new RecordingSink(), maxConcurrency: 1 });
    const first = config({
      codeDir: codeDir({ 'index.js': 'exports.handler = async () => process.pid;' }),
    });
    const victimPid = json(await engine.invoke(first, request())) as number;
    const newcomer = config({
      codeDir: gated(),
      functionName: 'newcomer',
      environment: { GATE_URL: gate.url },
    });
    const stopped = once(engine, 'environmentStopped') as Promise<[EnvironmentStoppedEvent]>;
    const held = engine.invoke(newcomer, request());
    await gate.waitForHeld(1);
    // Its place is taken (a third function is refused), but its process is not yet torn down.
    assert.deepEqual(engine.stats(), { environments: 1, busy: 1 });
    assert.ok(isAlive(victimPid), 'the evicted process lives until the cold start is over');
    gate.release();
    await held;
    const [event] = await stopped;
    assert.equal(event.reason, 'evicted');
    assert.equal(event.pid, victimPid);
    assert.equal(isAlive(victimPid), false);
  });

  it('stops an evicted environment after a grace period when the newcomer runs on', async () => {
    const engine = harness.make({ logSink: new RecordingSink(), maxConcurrency: 1 });
    const first = config({
      codeDir: codeDir({ 'index.js': 'exports.handler = async () => process.pid;' }),
    });
    const victimPid = json(await engine.invoke(first, request())) as number;
    const stopped = once(engine, 'environmentStopped') as Promise<[EnvironmentStoppedEvent]>;
    const held = engine.invoke(
      config({ codeDir: gated(), functionName: 'long', environment: { GATE_URL: gate.url } }),
      request(),
    );
    await gate.waitForHeld(1);
    const [event] = await stopped;
    assert.equal(event.pid, victimPid);
    assert.equal(engine.stats().busy, 1, 'the newcomer is still running');
    gate.release();
    assert.equal(typeof json(await held), 'number');
  });

  it('evicts the environment idle longest, whichever function it belongs to', async () => {
    const engine = harness.make({ logSink: new RecordingSink(), maxConcurrency: 2 });
    const fn = (name: string) =>
      config({
        codeDir: codeDir({ 'index.js': 'exports.handler = async () => process.pid;' }),
        functionName: name,
      });
    const a = fn('a');
    const b = fn('b');
    const pidA = json(await engine.invoke(a, request())) as number;
    const pidB = json(await engine.invoke(b, request())) as number;
    // a is used again: b is now the one idle longest.
    assert.equal(json(await engine.invoke(a, request())), pidA);
    const stopped = once(engine, 'environmentStopped') as Promise<[EnvironmentStoppedEvent]>;
    await engine.invoke(fn('c'), request());
    const [event] = await stopped;
    assert.equal(event.reason, 'evicted');
    assert.equal(event.pid, pidB);
    assert.ok(isAlive(pidA));
  });

  it('retire waits for an evicted environment of the function to be gone', async () => {
    const engine = harness.make({ logSink: new RecordingSink(), maxConcurrency: 1 });
    const first = config({
      codeDir: codeDir({ 'index.js': 'exports.handler = async () => process.pid;' }),
      functionName: 'retiring',
    });
    const victimPid = json(await engine.invoke(first, request())) as number;
    const held = engine.invoke(
      config({ codeDir: gated(), functionName: 'newcomer', environment: { GATE_URL: gate.url } }),
      request(),
    );
    await gate.waitForHeld(1);
    assert.ok(isAlive(victimPid));
    await engine.retire('retiring');
    assert.equal(isAlive(victimPid), false, 'retire resolved with the process still there');
    gate.release();
    await held;
  });

  it('stops evicted environments at shutdown', async () => {
    const engine = harness.make({ logSink: new RecordingSink(), maxConcurrency: 1 });
    const first = config({
      codeDir: codeDir({ 'index.js': 'exports.handler = async () => process.pid;' }),
    });
    const victimPid = json(await engine.invoke(first, request())) as number;
    const held = engine.invoke(
      config({ codeDir: gated(), functionName: 'held', environment: { GATE_URL: gate.url } }),
      request(),
    );
    await gate.waitForHeld(1);
    const shutdown = engine.shutdown();
    gate.release();
    await Promise.allSettled([held, shutdown]);
    assert.equal(isAlive(victimPid), false);
  });

  it('serves a burst at the cap with every response and every log line in its own request', async () => {
    const engine = harness.make({ logSink: new RecordingSink(), maxConcurrency: 8 });
    const cfg = config({
      codeDir: codeDir({
        'index.js':
          "exports.handler = async (e) => { console.log('line-' + e.i); await new Promise((r) => setImmediate(r)); return { i: e.i, pid: process.pid }; };",
      }),
    });
    // Eight callers in a closed loop: never more than the cap in flight, so none is refused.
    let next = 0;
    const pids = new Set<number>();
    const caller = async (): Promise<void> => {
      while (next < 400) {
        const i = next++;
        const outcome = await engine.invoke(cfg, request({ i }));
        const body = json(outcome) as { i: number; pid: number };
        assert.equal(body.i, i);
        assert.deepEqual(outcome.log.match(/line-\d+/g), [`line-${i}`]);
        pids.add(body.pid);
      }
    };
    await Promise.all(Array.from({ length: 8 }, caller));
    assert.ok(pids.size <= 8, `at most 8 environments, saw ${pids.size}`);
    assert.deepEqual(engine.stats().busy, 0);
  });

  it('reaps idle environments after idleTimeoutMs and kills their process', async () => {
    const engine = harness.make({ logSink: new RecordingSink(), idleTimeoutMs: 50 });
    const cfg = config({
      codeDir: codeDir({ 'index.js': 'exports.handler = async () => process.pid;' }),
    });
    const stopped = once(engine, 'environmentStopped') as Promise<[EnvironmentStoppedEvent]>;
    const pid = json(await engine.invoke(cfg, request())) as number;
    const [event] = await stopped;
    assert.equal(event.reason, 'idle');
    assert.equal(event.pid, pid);
    assert.equal(isAlive(pid), false);
    assert.deepEqual(engine.stats(), { environments: 0, busy: 0 });
    assert.equal((await engine.invoke(cfg, request())).coldStart, true);
  });

  it('retire stops a function environments, letting a running invocation finish', async () => {
    const engine = harness.make({ logSink: new RecordingSink() });
    const cfg = config({
      codeDir: gated(),
      functionName: 'retiring',
      environment: { GATE_URL: gate.url },
    });
    const running = engine.invoke(cfg, request());
    await gate.waitForHeld(1);
    const retired = engine.retire('retiring');
    gate.release();
    const outcome = await running;
    assert.equal(outcome.functionError, undefined);
    await retired;
    assert.equal(isAlive(json(outcome) as number), false);
    assert.deepEqual(engine.stats(), { environments: 0, busy: 0 });
  });

  it('shutdown during a cold start stops everything and the invocation gets an error outcome', async () => {
    const engine = harness.make({ logSink: new RecordingSink() });
    const cfg = config({ codeDir: codeDir({ 'index.js': 'exports.handler = async () => 1;' }) });
    const running = engine.invoke(cfg, request());
    await engine.shutdown();
    const outcome = await running;
    assert.equal(outcome.functionError, 'Unhandled');
    assert.deepEqual(engine.stats(), { environments: 0, busy: 0 });
  });

  it('rejects with the signal reason when the caller aborts, and refuses work after shutdown', async () => {
    const engine = harness.make({ logSink: new RecordingSink() });
    const cfg = config({ codeDir: gated(), environment: { GATE_URL: gate.url } });
    const controller = new AbortController();
    const running = engine.invoke(cfg, request({}, { signal: controller.signal }));
    await gate.waitForHeld(1);
    controller.abort(new Error('caller went away'));
    await assert.rejects(running, /caller went away/);
    gate.release();
    await engine.shutdown();
    await assert.rejects(engine.invoke(cfg, request()), /execution engine is shut down/);
  });

  it('says in the log why an environment could not start', async () => {
    // A /tmp root under a file cannot be made.
    const file = path.join(codeDir({ 'not-a-folder': '' }), 'not-a-folder');
    const engine = harness.make({ logSink: new RecordingSink(), tmpRoot: path.join(file, 'tmp') });
    const outcome = await engine.invoke(
      config({ codeDir: codeDir({ 'index.js': '' }) }),
      request(),
    );
    assert.equal(outcome.functionError, 'Unhandled');
    assert.match(
      outcome.log,
      /\[flourish\] Could not start an execution environment for test-fn: /,
    );
  });

  it('says which interpreter is missing when node or python3 cannot be found', async () => {
    const engine = harness.make({
      logSink: new RecordingSink(),
      pythonExecutable: '/nonexistent/python3',
    });
    const dir = codeDir({ 'app.py': 'def handler(e, c):\n    return 1\n' });
    const outcome = await engine.invoke(
      config({ codeDir: dir, handler: 'app.handler', runtime: 'python3.12' }),
      request(),
    );
    assert.equal((json(outcome) as { errorType: string }).errorType, 'Runtime.InvalidEntrypoint');
    assert.match(
      (json(outcome) as { errorMessage: string }).errorMessage,
      /runs python3\.12 functions with '\/nonexistent\/python3', which was not found/,
    );
  });

  it('answers an unsupported runtime with an error outcome', async () => {
    const engine = harness.make({ logSink: new RecordingSink() });
    const outcome = await engine.invoke(
      config({ codeDir: codeDir({}), runtime: 'java21' }),
      request(),
    );
    assert.equal(outcome.functionError, 'Unhandled');
    assert.match(
      (json(outcome) as { errorMessage: string }).errorMessage,
      /cannot run runtime 'java21'/,
    );
  });
});
