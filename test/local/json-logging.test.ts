// LoggingConfig with LogFormat JSON, as Lambda's advanced logging controls: the setting is kept
// and frozen in versions, the runtimes write JSON lines from the application level up, and the
// platform writes platform.start / platform.report records from the system level up.
import assert from 'node:assert/strict';
import {
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  PublishVersionCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  type LoggingConfig,
  type Runtime,
} from '@aws-sdk/client-lambda';
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AwsLambdaProvider } from '../../src/core/cloud';
import { parseReportLine } from '../../src/core/cost/report';
import { readRequestLog } from '../../src/core/deploy/invoke';
import { localCloudClientConfig } from '../../src/core/local';
import { METRICS_FILTER } from '../../src/core/metrics/collect';
import { makeZip, nodeHandlerZip, ROLE, startFixture, type CloudFixture } from './cloud-support';

const NODE_HANDLER = `
export const handler = async (event) => {
  console.debug('debug line');
  console.info('info line');
  console.warn('warn', { n: 1 });
  console.log({ nested: { ok: true } });
  console.error(new TypeError('bad input'));
  console.log();
  if (event.fail) throw new RangeError('out of range');
  return process.env.AWS_LAMBDA_LOG_FORMAT;
};`;

const PYTHON_HANDLER = `
import logging
logger = logging.getLogger("app")

def handler(event, context):
    logger.debug("debug line")
    logger.info("info %s", "line", extra={"order": 7})
    print("plain print")
    try:
        raise KeyError("missing")
    except KeyError:
        logger.exception("caught")
    if event.get("fail"):
        raise ValueError("no good")
    return "done"
`;

interface Logged {
  lines: string[];
  json: Record<string, unknown>[];
}

describe('local cloud: JSON logs (LoggingConfig)', function () {
  this.timeout(60_000);
  let f: CloudFixture;

  before(async () => {
    f = await startFixture();
  });
  after(async () => {
    await f.close();
  });

  const create = async (
    name: string,
    runtime: Runtime,
    code: Uint8Array,
    handler: string,
    logging?: LoggingConfig,
  ): Promise<void> => {
    await f.lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: runtime,
        Role: ROLE,
        Handler: handler,
        Code: { ZipFile: code },
        ...(logging ? { LoggingConfig: logging } : {}),
      }),
    );
    await waitUntilFunctionActiveV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: name },
    );
  };

  const invoke = async (
    name: string,
    payload: unknown = {},
    qualifier?: string,
  ): Promise<Logged & { functionError?: string; result: unknown }> => {
    const out = await f.lambda.send(
      new InvokeCommand({
        FunctionName: name,
        Qualifier: qualifier,
        LogType: 'Tail',
        Payload: Buffer.from(JSON.stringify(payload)),
      }),
    );
    const lines = Buffer.from(out.LogResult!, 'base64').toString('utf8').trimEnd().split('\n');
    const json = lines
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const result: unknown = JSON.parse(Buffer.from(out.Payload!).toString());
    return { lines, json, functionError: out.FunctionError, result };
  };

  const update = async (name: string, logging: LoggingConfig) => {
    const out = await f.lambda.send(
      new UpdateFunctionConfigurationCommand({ FunctionName: name, LoggingConfig: logging }),
    );
    await waitUntilFunctionUpdatedV2(
      { client: f.lambda, maxWaitTime: 30, minDelay: 1 },
      { FunctionName: name },
    );
    return out.LoggingConfig;
  };

  it('keeps the format and levels, INFO by default, and shows them back', async () => {
    await create('shown', 'nodejs20.x', nodeHandlerZip(NODE_HANDLER), 'index.handler', {
      LogFormat: 'JSON',
    });
    const config = await f.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'shown' }),
    );
    assert.deepEqual(config.LoggingConfig, {
      LogFormat: 'JSON',
      ApplicationLogLevel: 'INFO',
      SystemLogLevel: 'INFO',
      LogGroup: '/aws/lambda/shown',
    });
    // Levels alone keep the format; what is left out stays as it was.
    assert.deepEqual(await update('shown', { ApplicationLogLevel: 'ERROR' }), {
      LogFormat: 'JSON',
      ApplicationLogLevel: 'ERROR',
      SystemLogLevel: 'INFO',
      LogGroup: '/aws/lambda/shown',
    });
    assert.deepEqual(await update('shown', { LogFormat: 'Text' }), {
      LogFormat: 'Text',
      LogGroup: '/aws/lambda/shown',
    });
  });

  it('writes a Node.js function console as JSON from its level up, and platform records', async () => {
    await create('node-json', 'nodejs20.x', nodeHandlerZip(NODE_HANDLER), 'index.handler', {
      LogFormat: 'JSON',
      ApplicationLogLevel: 'INFO',
    });
    const { lines, json, result } = await invoke('node-json');
    assert.equal(result, 'JSON', 'AWS_LAMBDA_LOG_FORMAT');
    assert.ok(
      lines.every((line) => line.startsWith('{')),
      `every line is JSON:\n${lines.join('\n')}`,
    );
    const start = json.find((r) => r.type === 'platform.start')!;
    const requestId = (start.record as { requestId: string }).requestId;
    assert.deepEqual(start.record, {
      requestId,
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:node-json',
      version: '$LATEST',
    });
    assert.match(String(start.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(!lines.some((line) => line.includes('END RequestId')), 'JSON logs have no END');

    const app = json.filter((r) => 'level' in r);
    assert.deepEqual(
      app.map((r) => r.level),
      ['INFO', 'WARN', 'INFO', 'ERROR', 'INFO'],
      'console.debug is below INFO',
    );
    assert.ok(!('message' in app[4]), 'console.log() logs undefined, which JSON leaves out');
    assert.deepEqual(Object.keys(app[0]), ['timestamp', 'level', 'requestId', 'message']);
    assert.equal(app[0].requestId, requestId);
    assert.equal(app[0].message, 'info line');
    assert.equal(app[1].message, 'warn { n: 1 }', 'several arguments are formatted');
    assert.deepEqual(app[2].message, { nested: { ok: true } }, 'one object stays JSON');
    const error = app[3].message as Record<string, unknown>;
    assert.equal(error.errorType, 'TypeError');
    assert.equal(error.errorMessage, 'bad input');
    assert.equal((error.stackTrace as string[])[0], 'TypeError: bad input');

    const report = json.find((r) => r.type === 'platform.report')!;
    const record = report.record as { metrics: Record<string, number>; status: string };
    assert.equal(record.status, 'success');
    assert.deepEqual(Object.keys(record.metrics), [
      'durationMs',
      'billedDurationMs',
      'memorySizeMB',
      'maxMemoryUsedMB',
      'initDurationMs',
    ]);
    const parsed = parseReportLine(lines.find((line) => line.includes('platform.report'))!);
    assert.equal(parsed?.requestId, requestId);
    assert.equal(parsed?.memorySizeMB, 128);
    assert.ok(parsed?.initDurationMs !== undefined, 'the first call is a cold start');
  });

  it('logs a Node.js handler error as one JSON line and reports it', async () => {
    const { json, functionError } = await invoke('node-json', { fail: true });
    assert.equal(functionError, 'Unhandled');
    const logged = json.filter((r) => r.level === 'ERROR').at(-1)!;
    assert.deepEqual(Object.keys(logged), ['timestamp', 'level', 'requestId', 'message']);
    const message = logged.message as Record<string, unknown>;
    assert.equal(message.errorType, 'RangeError');
    assert.equal(message.errorMessage, 'out of range');
    const report = json.find((r) => r.type === 'platform.report')!;
    assert.equal((report.record as { status: string }).status, 'success');
  });

  it('is read by the metrics filter and by the request log reader', async () => {
    const { json } = await invoke('node-json');
    const requestId = (json[0].record as { requestId: string }).requestId;
    const found = await f.logs.send(
      new FilterLogEventsCommand({
        logGroupName: '/aws/lambda/node-json',
        filterPattern: METRICS_FILTER,
      }),
    );
    const reports = found.events!.map((e) => parseReportLine(e.message!)).filter(Boolean);
    assert.equal(reports.length, 3, 'one report for each of the three calls so far');
    const provider = new AwsLambdaProvider({ kind: 'local', ...localCloudClientConfig(f.cloud) });
    try {
      const whole = await readRequestLog(provider, '/aws/lambda/node-json', requestId);
      const lines = whole!.trimEnd().split('\n');
      assert.match(lines[0], /"type":"platform.start"/);
      assert.match(lines.at(-1)!, /"type":"platform.report"/);
      assert.equal(lines.length, 7, lines.join('\n'));
    } finally {
      provider.dispose();
    }
  });

  it('drops platform records below the system level, and versions freeze the setting', async () => {
    await update('node-json', { SystemLogLevel: 'WARN', ApplicationLogLevel: 'ERROR' });
    await f.lambda.send(new PublishVersionCommand({ FunctionName: 'node-json' }));
    const { json } = await invoke('node-json', {}, '1');
    assert.deepEqual(
      json.map((r) => r.type ?? r.level),
      ['ERROR'],
      'only the console.error line: no platform records, nothing under ERROR',
    );
    await update('node-json', { LogFormat: 'Text' });
    const text = await invoke('node-json');
    assert.equal(text.result, 'Text', 'AWS_LAMBDA_LOG_FORMAT');
    assert.ok(
      text.lines.some((line) => /\tINFO\tundefined$/.test(line)),
      'console.log()',
    );
    assert.ok(text.lines.some((line) => line.startsWith('START RequestId: ')));
    assert.ok(text.lines.some((line) => /\tINFO\tinfo line$/.test(line)));
    assert.ok(text.lines.some((line) => line.startsWith('REPORT RequestId: ')));
    const frozen = await invoke('node-json', {}, '1');
    assert.deepEqual(
      frozen.json.map((r) => r.level),
      ['ERROR'],
      'version 1 still logs as JSON at ERROR',
    );
  });

  it('writes a Python function logging as JSON, and print as it is', async () => {
    const code = makeZip([{ name: 'app.py', data: PYTHON_HANDLER }]);
    await create('py-json', 'python3.12', code, 'app.handler', {
      LogFormat: 'JSON',
      ApplicationLogLevel: 'DEBUG',
    });
    const { lines, json, functionError } = await invoke('py-json', { fail: true });
    assert.equal(functionError, 'Unhandled');
    assert.ok(lines.includes('plain print'), lines.join('\n'));
    const app = json.filter((r) => 'level' in r);
    const requestId = (
      json.find((r) => r.type === 'platform.start')!.record as {
        requestId: string;
      }
    ).requestId;

    const debug = app.find((r) => r.message === 'debug line')!;
    assert.deepEqual(Object.keys(debug), ['timestamp', 'level', 'message', 'logger', 'requestId']);
    assert.equal(debug.level, 'DEBUG');
    assert.equal(debug.logger, 'app');
    assert.equal(debug.requestId, requestId);
    assert.match(String(debug.timestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const info = app.find((r) => r.message === 'info line')!;
    assert.equal(info.order, 7, 'extra= fields come after');

    const caught = app.find((r) => r.message === 'caught')!;
    assert.deepEqual(Object.keys(caught), [
      'timestamp',
      'level',
      'message',
      'logger',
      'stackTrace',
      'errorType',
      'errorMessage',
      'requestId',
      'location',
    ]);
    assert.equal(caught.level, 'ERROR');
    assert.equal(caught.errorType, 'KeyError');
    assert.equal(caught.errorMessage, "'missing'");
    assert.match(String(caught.location), /app\.py:handler:\d+$/);

    const failed = app.at(-1)!;
    assert.deepEqual(Object.keys(failed), [
      'timestamp',
      'level',
      'errorMessage',
      'errorType',
      'requestId',
      'stackTrace',
    ]);
    assert.equal(failed.errorType, 'ValueError');
    assert.equal(failed.requestId, requestId);
    const raw = lines.find((line) => line.includes('"errorType": "ValueError"'));
    assert.ok(raw, 'Python writes its JSON with spaces after separators');
  });

  it('keeps Python logging at WARNING without a level, as Lambda does in Text', async () => {
    const code = makeZip([{ name: 'app.py', data: PYTHON_HANDLER }]);
    await create('py-text', 'python3.12', code, 'app.handler');
    const { lines } = await invoke('py-text');
    assert.ok(!lines.some((line) => line.includes('info line')), lines.join('\n'));
    assert.ok(lines.some((line) => line.startsWith('[ERROR]') && line.includes('caught')));
  });
});
