// Bounded loopback load test (npm run test:load): 10,000 invocations at concurrency 64 through
// the SDK against a local cloud in its own process. No response may be lost or wrong, no
// START/END/REPORT line may be missing, and the server's memory is sampled before and after.
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateFunctionCommand,
  InvokeCommand,
  LambdaClient,
  waitUntilFunctionActiveV2,
} from '@aws-sdk/client-lambda';
import { nodeHandlerZip, ROLE } from './cloud-support';

const TOTAL = Number(process.env.FLOURISH_LOAD_TOTAL ?? 10_000);
const CONCURRENCY = Number(process.env.FLOURISH_LOAD_CONCURRENCY ?? 64);

interface Started {
  type: 'started';
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

function ask<T>(child: ChildProcess, message: object, answer: string): Promise<T> {
  return new Promise((resolve) => {
    const listen = (reply: { type: string }): void => {
      if (reply.type !== answer) return;
      child.off('message', listen);
      resolve(reply as T);
    };
    child.on('message', listen);
    child.send(message);
  });
}

async function countLines(logs: CloudWatchLogsClient, filterPattern: string): Promise<number> {
  let count = 0;
  let nextToken: string | undefined;
  do {
    const page = await logs.send(
      new FilterLogEventsCommand({ logGroupName: '/aws/lambda/load', filterPattern, nextToken }),
    );
    count += page.events!.filter((e) => e.message!.startsWith(filterPattern)).length;
    nextToken = page.nextToken;
  } while (nextToken);
  return count;
}

describe('local cloud: load', function () {
  this.timeout(15 * 60_000);
  let stateDir: string;
  let child: ChildProcess;
  let lambda: LambdaClient;
  let logs: CloudWatchLogsClient;

  before(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'flourish-load-'));
    child = fork(path.join(__dirname, 'cloud-process.ts'), [stateDir, String(CONCURRENCY)], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const [started] = (await once(child, 'message')) as [Started];
    const config = { endpoint: started.endpoint, region: started.region, maxAttempts: 1 };
    lambda = new LambdaClient({
      ...config,
      credentials: { ...started.credentials },
      requestHandler: { httpAgent: { keepAlive: true, maxSockets: CONCURRENCY } },
    });
    logs = new CloudWatchLogsClient({ ...config, credentials: { ...started.credentials } });
  });

  after(async () => {
    lambda?.destroy();
    logs?.destroy();
    if (child && child.exitCode === null) {
      const exited = once(child, 'exit');
      child.send({ type: 'stop' });
      await exited;
    }
    await rm(stateDir, { recursive: true, force: true });
  });

  it(`answers ${TOTAL} invocations at concurrency ${CONCURRENCY} with no lost response or log line`, async () => {
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'load',
        Runtime: 'nodejs20.x',
        Role: ROLE,
        Handler: 'index.handler',
        Code: {
          ZipFile: nodeHandlerZip('export const handler = async (event) => ({ n: event.n });'),
        },
      }),
    );
    await waitUntilFunctionActiveV2(
      { client: lambda, maxWaitTime: 60, minDelay: 1 },
      { FunctionName: 'load' },
    );
    // Warm the environments up so the memory baseline includes them.
    await Promise.all(
      Array.from({ length: CONCURRENCY }, (_, n) =>
        lambda.send(
          new InvokeCommand({ FunctionName: 'load', Payload: Buffer.from(JSON.stringify({ n })) }),
        ),
      ),
    );
    const rssBefore = (await ask<{ rss: number }>(child, { type: 'rss' }, 'rss')).rss;

    let answered = 0;
    let throttled = 0;
    const wrong: string[] = [];
    // Two equal rounds: memory that keeps growing in the second round would point to a leak.
    const round = async (from: number, to: number): Promise<void> => {
      let next = from;
      const lane = async (): Promise<void> => {
        while (next < to) {
          const n = next++;
          for (;;) {
            try {
              const out = await lambda.send(
                new InvokeCommand({
                  FunctionName: 'load',
                  Payload: Buffer.from(JSON.stringify({ n })),
                }),
              );
              const body = Buffer.from(out.Payload!).toString();
              if (out.FunctionError || body !== JSON.stringify({ n })) {
                wrong.push(`${n}: ${out.FunctionError ?? ''} ${body}`);
              }
              answered++;
              break;
            } catch (error) {
              // A throttle is an answer too; the caller retries, as the SDK's retry strategy would.
              if ((error as Error).name !== 'TooManyRequestsException') throw error;
              throttled++;
            }
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    };
    const rss = async (): Promise<number> =>
      (await ask<{ rss: number }>(child, { type: 'rss' }, 'rss')).rss;
    const started = process.hrtime.bigint();
    await round(0, TOTAL / 2);
    const rssMiddle = await rss();
    await round(TOTAL / 2, TOTAL);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const rssAfter = await rss();

    const expected = TOTAL + CONCURRENCY;
    const [starts, ends, reports] = [
      await countLines(logs, 'START'),
      await countLines(logs, 'END'),
      await countLines(logs, 'REPORT'),
    ];
    const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
    console.log(
      `      ${TOTAL} invocations in ${seconds.toFixed(1)} s (${(TOTAL / seconds).toFixed(0)}/s), ${throttled} throttled and retried; ` +
        `server RSS ${mb(rssBefore)} MB before, ${mb(rssMiddle)} MB halfway, ${mb(rssAfter)} MB after ` +
        `(first half +${mb(rssMiddle - rssBefore)} MB, second half +${mb(rssAfter - rssMiddle)} MB); ` +
        `log lines START ${starts}, END ${ends}, REPORT ${reports}`,
    );
    assert.equal(answered, TOTAL);
    assert.deepEqual(wrong, []);
    assert.equal(starts, expected);
    assert.equal(ends, expected);
    assert.equal(reports, expected);
  });
});
