// The Node.js runtime against what Lambda's runtime interface client does (version 3 up to
// nodejs22.x, version 4 from nodejs24.x): results of handlers that never call back, error
// documents and log lines, module lookup, callback handlers on Node.js 24, the timing of
// callback(err) and the context methods, and unhandled rejections. Through the SDK and a real
// local cloud.
import assert from 'node:assert/strict';
import {
  CreateFunctionCommand,
  InvokeCommand,
  waitUntilFunctionActiveV2,
  type InvokeCommandOutput,
  type Runtime,
} from '@aws-sdk/client-lambda';
import { makeZip, nodeHandlerZip, ROLE, startFixture, type CloudFixture } from './cloud-support';

interface ErrorDocument {
  errorType: string;
  errorMessage: string;
  trace?: string[];
  stackTrace?: string[];
}

describe('local cloud: the Node.js runtime as Lambda runs it', function () {
  this.timeout(60_000);
  let f: CloudFixture;
  let count = 0;

  before(async () => {
    f = await startFixture();
  });
  after(async () => {
    await f.close();
  });

  /** Deploys `code` as a new function and returns its name. */
  async function deploy(
    code: Uint8Array,
    runtime: Runtime = 'nodejs22.x',
    handler = 'index.handler',
  ): Promise<string> {
    const name = `node-rt-${++count}`;
    await f.lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: runtime,
        Role: ROLE,
        Handler: handler,
        Code: { ZipFile: code },
        Timeout: 5,
      }),
    );
    await waitUntilFunctionActiveV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: name },
    );
    return name;
  }

  async function invoke(name: string, payload: unknown = {}): Promise<InvokeCommandOutput> {
    return f.lambda.send(
      new InvokeCommand({
        FunctionName: name,
        LogType: 'Tail',
        Payload: Buffer.from(JSON.stringify(payload)),
      }),
    );
  }

  const body = (out: InvokeCommandOutput): unknown =>
    JSON.parse(Buffer.from(out.Payload ?? []).toString('utf8'));
  const log = (out: InvokeCommandOutput): string =>
    Buffer.from(out.LogResult ?? '', 'base64').toString('utf8');

  /** A handler whose work goes on after it returns: a line logged 50 ms later. */
  const LATE_LINE = `setTimeout(() => console.log('late line'), 50);`;

  it('nodejs22.x: a non-async handler that never calls back succeeds with null once the event loop is empty', async () => {
    const name = await deploy(
      nodeHandlerZip(
        `exports.handler = (event, context) => { ${LATE_LINE} return 42; };`,
        'index.js',
      ),
    );
    const out = await invoke(name);
    assert.equal(out.FunctionError, undefined, log(out));
    assert.equal(body(out), null, 'the returned value is not the result up to Node.js 22');
    assert.match(log(out), /INFO\tlate line\nEND /);
  });

  it('nodejs22.x: an async handler whose promise never settles is Runtime.NodeJsExit', async () => {
    const name = await deploy(
      nodeHandlerZip(`export const handler = async () => new Promise(() => {});`),
    );
    const out = await invoke(name);
    assert.equal(out.FunctionError, 'Unhandled');
    const doc = body(out) as ErrorDocument;
    assert.equal(doc.errorType, 'Runtime.NodeJsExit');
    assert.match(
      doc.errorMessage,
      /^The Lambda runtime client detected an unexpected Node\.js exit code/,
    );
  });

  it('nodejs24.x: what a non-async handler returns is the result', async () => {
    const name = await deploy(
      nodeHandlerZip(
        `exports.handler = (event, context) => { ${LATE_LINE} return 42; };`,
        'index.js',
      ),
      'nodejs24.x',
    );
    const out = await invoke(name);
    assert.equal(out.FunctionError, undefined, log(out));
    assert.equal(body(out), 42);
  });

  it('reports a thrown error with its stack in `trace`', async () => {
    const name = await deploy(
      nodeHandlerZip(`export const handler = async () => { throw new RangeError('too far'); };`),
    );
    const doc = body(await invoke(name)) as ErrorDocument;
    assert.deepEqual(Object.keys(doc).sort(), ['errorMessage', 'errorType', 'trace']);
    assert.equal(doc.errorType, 'RangeError');
    assert.equal(doc.trace![0], 'RangeError: too far');
    assert.ok(doc.trace!.some((line) => line.includes('index.mjs')));
  });

  it('reports a thrown value that is not an error by its type and its text', async () => {
    const name = await deploy(
      nodeHandlerZip(
        `export const handler = async (e) => { throw e.text ? 'plain text' : { a: 1 }; };`,
      ),
    );
    assert.deepEqual(body(await invoke(name, { text: true })), {
      errorType: 'string',
      errorMessage: 'plain text',
      trace: [],
    });
    assert.deepEqual(body(await invoke(name, {})), {
      errorType: 'object',
      errorMessage: '[object Object]',
      trace: [],
    });
  });

  it('reports a result JSON cannot hold as Lambda does, by runtime version', async () => {
    const code = nodeHandlerZip(
      `export const handler = async () => { const a = {}; a.self = a; return a; };`,
    );
    const upTo22 = body(await invoke(await deploy(code, 'nodejs22.x'))) as ErrorDocument;
    assert.equal(upTo22.errorType, 'Error');
    assert.equal(upTo22.errorMessage, 'Unable to stringify response body');
    const from24 = body(await invoke(await deploy(code, 'nodejs24.x'))) as ErrorDocument;
    assert.equal(from24.errorType, 'Runtime.JSONStringifyError');
    assert.equal(from24.errorMessage, 'Unable to stringify response body');
  });

  it('reports a thrown value with no string form, and the environment lives on', async () => {
    const name = await deploy(
      nodeHandlerZip(
        `let calls = 0;
export const handler = async () => { if (++calls === 1) throw Object.create(null); return calls; };`,
      ),
    );
    const failed = await invoke(name);
    assert.equal(failed.FunctionError, 'Unhandled');
    assert.equal((body(failed) as ErrorDocument).errorType, 'handled');
    assert.equal(body(await invoke(name)), 2, 'the same environment answers the next call');
  });

  it("logs Invoke Error as Lambda does: the error's own properties, its stack as lines", async () => {
    const name = await deploy(
      nodeHandlerZip(`export const handler = async () => {
  const err = new Error('refused');
  err.code = 'E_REFUSED';
  err.status = 409;
  throw err;
};`),
    );
    const out = await invoke(name);
    assert.match(
      log(out),
      /\tERROR\tInvoke Error \t\{"errorType":"Error","errorMessage":"refused","code":"E_REFUSED","status":409,"stack":\["Error: refused","    at /,
    );
  });

  it('finds a top-level module from any folder and `lib.handler` in lib/index.js, through NODE_PATH', async () => {
    const nested = await deploy(
      makeZip([
        { name: 'util2.js', data: `exports.twice = (n) => 2 * n;` },
        {
          name: 'src/app.js',
          data: `const { twice } = require('util2'); exports.handler = async (e) => twice(e.n);`,
        },
      ]),
      'nodejs22.x',
      'src/app.handler',
    );
    assert.equal(body(await invoke(nested, { n: 21 })), 42);

    const folder = await deploy(
      makeZip([{ name: 'lib/index.js', data: `exports.handler = async () => 'from lib';` }]),
      'nodejs22.x',
      'lib.handler',
    );
    const out = await invoke(folder);
    assert.equal(out.FunctionError, undefined, JSON.stringify(body(out)));
    assert.equal(body(out), 'from lib');
  });

  it('nodejs22.x: a handler exported only as `export default { handler }` is Runtime.HandlerNotFound', async () => {
    const code = nodeHandlerZip(`export default { handler: async () => 'default' };`);
    const old = await invoke(await deploy(code, 'nodejs22.x'));
    assert.equal(old.FunctionError, 'Unhandled');
    assert.deepEqual(
      { ...(body(old) as ErrorDocument), trace: undefined },
      {
        errorType: 'Runtime.HandlerNotFound',
        errorMessage: 'index.handler is undefined or not exported',
        trace: undefined,
      },
    );
    // Version 4 of the runtime client (Node.js 24) also looks in the default export.
    assert.equal(body(await invoke(await deploy(code, 'nodejs24.x'))), 'default');
  });

  it('nodejs24.x: a callback handler is the init error Runtime.CallbackHandlerDeprecated; the context has no callback methods', async () => {
    const callbackStyle = await deploy(
      nodeHandlerZip(
        `exports.handler = (event, context, callback) => callback(null, 1);`,
        'index.js',
      ),
      'nodejs24.x',
    );
    const out = await invoke(callbackStyle);
    assert.equal(out.FunctionError, 'Unhandled');
    const doc = body(out) as ErrorDocument;
    assert.equal(doc.errorType, 'Runtime.CallbackHandlerDeprecated');
    assert.equal(
      doc.errorMessage,
      'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.',
    );
    assert.match(
      log(out),
      /Phase: init\tStatus: error\tError Type: Runtime\.CallbackHandlerDeprecated/,
    );

    const asyncStyle = await deploy(
      nodeHandlerZip(
        `export const handler = async (event, context) => ['done', 'succeed', 'fail', 'callbackWaitsForEmptyEventLoop'].filter((key) => key in context);`,
      ),
      'nodejs24.x',
    );
    assert.deepEqual(body(await invoke(asyncStyle)), []);
  });

  it('callback(err), context.done, succeed and fail report at once; only callback(null, value) waits for the event loop', async () => {
    const name = await deploy(
      nodeHandlerZip(
        `exports.handler = (event, context, callback) => {
  ${LATE_LINE}
  switch (event.way) {
    case 'callback': return callback(null, 'waited');
    case 'callback-error': return callback(new Error('at once'));
    case 'done': return context.done(null, 'done at once');
    case 'succeed': return context.succeed('succeeded at once');
    case 'fail': return context.fail();
  }
};`,
        'index.js',
      ),
    );
    const waited = await invoke(name, { way: 'callback' });
    assert.equal(body(waited), 'waited');
    assert.match(log(waited), /INFO\tlate line\nEND /);

    for (const way of ['callback-error', 'done', 'succeed', 'fail']) {
      const out = await invoke(name, { way });
      assert.doesNotMatch(log(out), /late line/, `${way} does not wait for the event loop`);
    }
    const failed = await invoke(name, { way: 'fail' });
    assert.deepEqual(body(failed), { errorType: 'string', errorMessage: 'handled', trace: [] });
    assert.match(log(failed), /Invoke Error \t\{"errorType":"Error","errorMessage":"handled"/);
  });

  it('reports an unhandled rejection as Runtime.UnhandledPromiseRejection, and the environment is replaced', async () => {
    const name = await deploy(
      nodeHandlerZip(`export const handler = async (event) => {
  if (event.reject) {
    Promise.reject(new Error('yikes'));
    await new Promise(() => {});
  }
  return process.pid;
};`),
    );
    const pid = body(await invoke(name)) as number;
    const out = await invoke(name, { reject: true });
    assert.equal(out.FunctionError, 'Unhandled');
    const doc = body(out) as ErrorDocument;
    assert.equal(doc.errorType, 'Runtime.UnhandledPromiseRejection');
    assert.equal(doc.errorMessage, 'Error: yikes');
    assert.equal(doc.trace![0], 'Runtime.UnhandledPromiseRejection: Error: yikes');
    assert.match(
      log(out),
      /\tERROR\tUnhandled Promise Rejection \t\{"errorType":"Runtime\.UnhandledPromiseRejection","errorMessage":"Error: yikes","reason":\{"errorType":"Error","errorMessage":"yikes","stack":\["Error: yikes",[^\r\n]*\]\},"promise":\{\},"stack":\["Runtime\.UnhandledPromiseRejection: Error: yikes"/,
    );
    const next = await invoke(name);
    assert.notEqual(body(next), pid, 'the process exited: the next call starts a new one');
  });
});
