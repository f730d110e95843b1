import { strict as assert } from 'node:assert';
import {
  CancellationTokenSource,
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
} from 'vscode-languageserver/node';
import { DiagnosticsScheduler } from '../../src/server/diagnosticsScheduler';
import { guard } from '../../src/server/requestGuard';
import { readServerOptions } from '../../src/server/serverOptions';

/** A promise with its resolver, to hold work at a known point. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('server: scheduling, cancellation and options', () => {
  it('aborts a validation under way when the document changes again', async () => {
    const started = deferred<AbortSignal>();
    const release = deferred();
    const second = deferred<string>();
    let runs = 0;
    const scheduler = new DiagnosticsScheduler(
      0,
      async (uri, signal) => {
        runs++;
        if (runs === 1) {
          started.resolve(signal);
          await release.promise;
        } else second.resolve(uri);
      },
      (uri, error) => assert.fail(`${uri}: ${String(error)}`),
    );
    scheduler.schedule('file:///a/flourish.yaml');
    const first = await started.promise;
    assert.equal(first.aborted, false);
    scheduler.schedule('file:///a/flourish.yaml');
    assert.equal(first.aborted, true);
    assert.match(String(first.reason), /superseded by a newer edit/);
    release.resolve();
    assert.equal(await second.promise, 'file:///a/flourish.yaml');
    scheduler.dispose();
  });

  it('reports a failed run instead of leaving an unhandled rejection', async () => {
    const failed = deferred<string>();
    const scheduler = new DiagnosticsScheduler(
      0,
      async () => {
        throw new Error('boom');
      },
      (uri, error) => failed.resolve(`${uri} ${(error as Error).message}`),
    );
    scheduler.schedule('file:///b/flourish.yaml');
    assert.equal(await failed.promise, 'file:///b/flourish.yaml boom');
  });

  it('answers a cancelled request as cancelled, before or during the work', async () => {
    const logged: string[] = [];
    const log = { error: (m: string) => logged.push(m) };
    const before = new CancellationTokenSource();
    before.cancel();
    const early = await guard('hover in x', before.token, log, () => 'never');
    assert.ok(early instanceof ResponseError);
    assert.equal(early.code, LSPErrorCodes.RequestCancelled);

    const during = new CancellationTokenSource();
    const late = await guard('completion in x', during.token, log, async (signal) => {
      during.cancel();
      assert.equal(signal.aborted, true, 'the provider sees the cancellation');
      return ['stale'];
    });
    assert.ok(late instanceof ResponseError);
    assert.equal(late.code, LSPErrorCodes.RequestCancelled);
    assert.deepEqual(logged, []);
  });

  it('turns a failure into an error naming the request, and logs the stack', async () => {
    const logged: string[] = [];
    const source = new CancellationTokenSource();
    const result = await guard(
      'hover in file:///c/flourish.yaml',
      source.token,
      {
        error: (m) => logged.push(m),
      },
      () => {
        throw new TypeError('undefined is not a function');
      },
    );
    assert.ok(result instanceof ResponseError);
    assert.equal(result.code, ErrorCodes.InternalError);
    assert.match(result.message, /hover in file:\/\/\/c\/flourish\.yaml/);
    assert.match(result.message, /undefined is not a function/);
    assert.equal(logged.length, 1);
    assert.match(logged[0]!, /TypeError: undefined is not a function\n\s+at /);
  });

  it('reads initializationOptions defensively', () => {
    assert.deepEqual(readServerOptions(undefined), { diagnosticsDelayMs: 175, stage: undefined });
    assert.deepEqual(readServerOptions({ diagnosticsDelayMs: 0, stage: 'prod' }), {
      diagnosticsDelayMs: 0,
      stage: 'prod',
    });
    assert.equal(readServerOptions({ diagnosticsDelayMs: -5 }).diagnosticsDelayMs, 175);
    assert.equal(readServerOptions({ diagnosticsDelayMs: 'fast' }).diagnosticsDelayMs, 175);
    assert.equal(readServerOptions({ diagnosticsDelayMs: 1e9 }).diagnosticsDelayMs, 10_000);
  });
});
