// The Python runtime (runtimes/python/bootstrap.py) against what AWS's runtime interface client
// (awslambdaric) does in Lambda: how results are marshalled, the context's objects, error
// documents, init errors and log lines. End to end: the SDK's Lambda client, a local cloud,
// real python3 workers.
import assert from 'node:assert/strict';
import {
  CreateFunctionCommand,
  InvokeCommand,
  waitUntilFunctionActiveV2,
  type InvokeCommandInput,
  type Runtime,
} from '@aws-sdk/client-lambda';
import { makeZip, ROLE, startFixture, type CloudFixture } from './cloud-support';

interface ErrorDoc {
  errorType: string;
  errorMessage: string;
  stackTrace: string[];
}

interface Invoked {
  payload: Buffer;
  text: string;
  functionError?: string;
  log: string;
}

describe('local cloud: the Python runtime', function () {
  this.timeout(60_000);
  let f: CloudFixture;
  let count = 0;

  before(async () => {
    f = await startFixture();
  });
  after(async () => {
    await f.close();
  });

  /** Deploys `files` as a new function and returns its name. */
  async function deploy(
    files: Record<string, string>,
    handler = 'app.handler',
    runtime: Runtime = 'python3.12',
  ): Promise<string> {
    const name = `py-${++count}`;
    const code = makeZip(Object.entries(files).map(([file, data]) => ({ name: file, data })));
    await f.lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: runtime,
        Role: ROLE,
        Handler: handler,
        Code: { ZipFile: code },
      }),
    );
    await waitUntilFunctionActiveV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: name },
    );
    return name;
  }

  async function invoke(name: string, extra: Partial<InvokeCommandInput> = {}): Promise<Invoked> {
    const out = await f.lambda.send(
      new InvokeCommand({ FunctionName: name, LogType: 'Tail', ...extra }),
    );
    const payload = Buffer.from(out.Payload ?? []);
    return {
      payload,
      text: payload.toString('utf8'),
      functionError: out.FunctionError,
      log: Buffer.from(out.LogResult ?? '', 'base64').toString('utf8'),
    };
  }

  const errorOf = (out: Invoked): ErrorDoc => {
    assert.equal(out.functionError, 'Unhandled', out.text);
    return JSON.parse(out.text) as ErrorDoc;
  };

  const py = (...lines: string[]): string => lines.join('\n') + '\n';

  describe('results', () => {
    it('writes Decimals as JSON numbers exactly as written, a NaN Decimal as NaN', async () => {
      const name = await deploy({
        'app.py': py(
          'from decimal import Decimal',
          'def handler(event, context):',
          '    return {"price": Decimal("1.50"), "big": Decimal("12345678901234567890.000001"),',
          '            "none": Decimal("-NaN")}',
        ),
      });
      const out = await invoke(name);
      assert.equal(out.functionError, undefined, out.text);
      assert.equal(out.text, '{"price": 1.50, "big": 12345678901234567890.000001, "none": NaN}');
    });

    it('returns bytes as the raw payload', async () => {
      const name = await deploy({
        'app.py': py('def handler(event, context):', '    return b"\\x00\\xffraw"'),
      });
      const out = await invoke(name);
      assert.equal(out.functionError, undefined, out.text);
      assert.deepEqual(out.payload, Buffer.from([0x00, 0xff, 0x72, 0x61, 0x77]));
    });

    it('keeps non-ASCII characters from python3.12 on, escapes them before', async () => {
      const files = { 'app.py': py('def handler(event, context):', '    return {"price": "£1"}') };
      const recent = await invoke(await deploy(files, 'app.handler', 'python3.12'));
      assert.equal(recent.text, '{"price": "£1"}');
      const older = await invoke(await deploy(files, 'app.handler', 'python3.11'));
      assert.equal(older.text, '{"price": "\\u00a31"}');
    });

    it('still refuses what JSON cannot hold: Runtime.MarshalError, no stack trace', async () => {
      const name = await deploy({
        'app.py': py('def handler(event, context):', '    return {"ids": {1, 2}}'),
      });
      const doc = errorOf(await invoke(name));
      assert.deepEqual(
        { type: doc.errorType, message: doc.errorMessage, trace: doc.stackTrace },
        {
          type: 'Runtime.MarshalError',
          message: 'Unable to marshal response: Object of type set is not JSON serializable',
          trace: [],
        },
      );
    });
  });

  describe('context', () => {
    it('gives client_context as an object with client, custom and env', async () => {
      const name = await deploy({
        'app.py': py(
          'def handler(event, context):',
          '    c = context.client_context',
          '    return {"type": type(c).__name__, "client": type(c.client).__name__,',
          '            "installation_id": c.client.installation_id,',
          '            "app_version_name": c.client.app_version_name,',
          '            "custom": c.custom, "env": c.env}',
        ),
      });
      const clientContext = {
        client: { installation_id: 'inst-1', app_title: 'Shop' },
        custom: { tier: 'gold' },
        env: { locale: 'en_GB' },
      };
      const out = await invoke(name, {
        ClientContext: Buffer.from(JSON.stringify(clientContext)).toString('base64'),
      });
      assert.equal(out.functionError, undefined, out.text);
      assert.deepEqual(JSON.parse(out.text), {
        type: 'ClientContext',
        client: 'Client',
        installation_id: 'inst-1',
        app_version_name: null,
        custom: { tier: 'gold' },
        env: { locale: 'en_GB' },
      });
    });

    it('gives identity as an object whose fields are None without a Cognito identity', async () => {
      const name = await deploy({
        'app.py': py(
          'def handler(event, context):',
          '    i = context.identity',
          '    return [type(i).__name__, i.cognito_identity_id, i.cognito_identity_pool_id,',
          '            context.client_context]',
        ),
      });
      const out = await invoke(name);
      assert.equal(out.functionError, undefined, out.text);
      assert.deepEqual(JSON.parse(out.text), ['CognitoIdentity', null, null, null]);
    });

    it('has log(), which writes to the function log', async () => {
      const name = await deploy({
        'app.py': py(
          'def handler(event, context):',
          '    context.log("via context.log\\n")',
          '    return "ok"',
        ),
      });
      const out = await invoke(name);
      assert.equal(out.text, '"ok"', out.text);
      assert.match(out.log, /^via context\.log$/m);
    });
  });

  describe('errors', () => {
    const failing = py(
      'def helper(data):',
      '    return data["missing"]',
      'def handler(event, context):',
      '    return helper({})',
    );

    it("reports the stack trace of the function's code only, one formatted frame each", async () => {
      const doc = errorOf(await invoke(await deploy({ 'app.py': failing })));
      assert.equal(doc.errorType, 'KeyError');
      assert.equal(doc.stackTrace.length, 2, doc.stackTrace.join(''));
      assert.match(
        doc.stackTrace[0]!,
        /^ {2}File ".*app\.py", line 4, in handler\n {4}return helper\(\{\}\)\n$/,
      );
      assert.match(
        doc.stackTrace[1]!,
        /^ {2}File ".*app\.py", line 2, in helper\n {4}return data\["missing"\]\n$/,
      );
    });

    it('logs the error with the trace indented by no-break spaces', async () => {
      const out = await invoke(await deploy({ 'app.py': failing }));
      assert.match(
        out.log,
        /\[ERROR\] KeyError: 'missing'\nTraceback \(most recent call last\):\n\u00a0\u00a0File ".*app\.py", line 4, in handler\n\u00a0\u00a0\u00a0\u00a0return helper/,
      );
    });

    it('reports an error whose message holds a lone surrogate, and lives on', async () => {
      const name = await deploy({
        'app.py': py(
          'calls = 0',
          'def handler(event, context):',
          '    global calls',
          '    calls += 1',
          '    if calls == 1:',
          '        raise ValueError("x\\ud800y")',
          '    return calls',
        ),
      });
      const doc = errorOf(await invoke(name));
      assert.equal(doc.errorType, 'ValueError');
      assert.equal(doc.errorMessage, 'x\ud800y');
      const next = await invoke(name);
      assert.equal(next.text, '2', 'the same environment answers the next call');
    });

    it('calls a handler attribute that is not callable, and fails there as Python does', async () => {
      const name = await deploy({ 'app.py': 'handler = 42\n' });
      const doc = errorOf(await invoke(name));
      assert.equal(doc.errorType, 'TypeError');
      assert.equal(doc.errorMessage, "'int' object is not callable");
    });
  });

  describe('init errors', () => {
    it('names the module as the handler setting does, without a trace, when it cannot import it', async () => {
      const name = await deploy({ 'app.py': 'x = 1\n' }, 'lib/missing.handler');
      const doc = errorOf(await invoke(name));
      assert.deepEqual(
        { type: doc.errorType, message: doc.errorMessage, trace: doc.stackTrace },
        {
          type: 'Runtime.ImportModuleError',
          message: "Unable to import module 'lib/missing': No module named 'lib'",
          trace: [],
        },
      );
    });

    it('names the module as the handler setting does when the handler is missing', async () => {
      const name = await deploy({ 'pkg/app.py': 'x = 1\n' }, 'pkg/app.nothere');
      const doc = errorOf(await invoke(name));
      assert.equal(doc.errorType, 'Runtime.HandlerNotFound');
      assert.equal(doc.errorMessage, "Handler 'nothere' missing on module 'pkg/app'");
    });

    it('reports a syntax error with the one line where it is', async () => {
      const name = await deploy({ 'app.py': 'x = 1\ndef handler(:\n' });
      const doc = errorOf(await invoke(name));
      assert.equal(doc.errorType, 'Runtime.UserCodeSyntaxError');
      assert.match(doc.errorMessage, /^Syntax error in module 'app': invalid syntax/);
      assert.equal(doc.stackTrace.length, 1, doc.stackTrace.join(''));
      assert.match(doc.stackTrace[0]!, /^ {2}File ".*app\.py" Line 2\n {4}def handler\(:\n$/);
    });

    it('says why a handler name is malformed', async () => {
      const name = await deploy({ 'app.py': 'x = 1\n' }, 'app');
      const doc = errorOf(await invoke(name));
      assert.equal(doc.errorType, 'Runtime.MalformedHandlerName');
      assert.equal(
        doc.errorMessage,
        "Bad handler 'app': not enough values to unpack (expected 2, got 1)",
      );
    });

    it('refuses a built-in module as the handler module', async () => {
      const name = await deploy({ 'app.py': 'x = 1\n' }, 'sys.handler');
      const doc = errorOf(await invoke(name));
      assert.equal(doc.errorType, 'Runtime.BuiltInModuleConflict');
      assert.equal(doc.errorMessage, 'Cannot use built-in module sys as a handler module');
    });

    it('logs the LAMBDA_WARNING line before the error', async () => {
      const out = await invoke(await deploy({ 'app.py': 'x = 1\n' }, 'app.nothere'));
      assert.match(
        out.log,
        /\[WARNING\]\t\S+Z\t\tLAMBDA_WARNING: Unhandled exception\. .*\n\[ERROR\] Runtime\.HandlerNotFound: Handler 'nothere' missing on module 'app'\nTraceback \(most recent call last\):/,
      );
    });
  });

  describe('logging', () => {
    it('logs records made during init with an empty request id', async () => {
      const name = await deploy({
        'app.py': py(
          'import logging',
          'logging.getLogger().warning("loading")',
          'def handler(event, context):',
          '    return "ok"',
        ),
      });
      const out = await invoke(name);
      assert.match(out.log, /^\[WARNING\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\t\tloading$/m);
    });
  });
});
