import * as assert from 'node:assert/strict';
import { CloudError, toCloudError } from '../../../src/core/cloud';
import {
  DeployError,
  desiredConfiguration,
  formatPlan,
  formatVersionDescription,
  parseVersionDescription,
  type DeployPlan,
  type FunctionPlan,
} from '../../../src/core/deploy';
import { mapBounded } from '../../../src/core/deploy/pool';
import type { FunctionSpec, Manifest } from '../../../src/core/manifest';

const HASH = 'ab'.repeat(32);

describe('version descriptions', () => {
  it('round-trips content hash, configuration fingerprint, commit and dirty flag', () => {
    const meta = {
      contentHash: HASH,
      configFingerprint: '0123456789abcdef',
      commit: 'f'.repeat(40),
      dirty: true,
    };
    const text = formatVersionDescription(meta);
    assert.ok(text.length <= 256);
    assert.equal(
      text,
      `flourish sha256:${HASH} config:0123456789abcdef commit:${'f'.repeat(40)}-dirty`,
    );
    assert.deepEqual(parseVersionDescription(text), meta);
  });

  it('leaves the commit out outside a git repository', () => {
    const text = formatVersionDescription({ contentHash: HASH, configFingerprint: 'a'.repeat(16) });
    assert.deepEqual(parseVersionDescription(text), {
      contentHash: HASH,
      configFingerprint: 'a'.repeat(16),
    });
  });

  it('does not claim versions it did not publish', () => {
    assert.equal(parseVersionDescription('release 1.2'), undefined);
    assert.equal(parseVersionDescription(''), undefined);
    assert.equal(parseVersionDescription(`flourish sha256:${HASH}`), undefined);
  });
});

const fnPlan = (over: Partial<FunctionPlan>): FunctionPlan => ({
  key: 'greet',
  name: 'shop-dev-greet',
  alias: 'dev',
  action: 'unchanged',
  codeChanged: false,
  uploadCode: false,
  configurationChanges: [],
  tagChanges: [],
  publish: false,
  moveAlias: false,
  package: {
    zipPath: '/tmp/greet.zip',
    codeSha256: 'x',
    contentHash: HASH,
    zipBytes: 2048,
    unzippedBytes: 4096,
    fileCount: 2,
    reused: false,
    warnings: [],
  },
  configuration: {
    handler: 'h.handler',
    runtime: 'nodejs22.x',
    memory: 256,
    timeout: 10,
    architecture: 'x86_64',
    environment: {},
    ephemeralStorage: 512,
    logFormat: 'Text',
    role: 'arn:aws:iam::000000000000:role/r',
    description: '',
  },
  tags: {},
  ...over,
});

const plan = (functions: FunctionPlan[]): DeployPlan => ({
  service: 'shop',
  stage: 'dev',
  root: '/tmp/shop',
  target: { kind: 'local', label: 'the local cloud at http://127.0.0.1:1', region: 'us-east-1' },
  functions,
  createdAt: '2026-01-01T00:00:00.000Z',
});

describe('formatPlan', () => {
  it('shows each action, the differences, drift and a summary', () => {
    const text = formatPlan(
      plan([
        fnPlan({ key: 'new', name: 'shop-dev-new', action: 'create', publish: true }),
        fnPlan({
          key: 'greet',
          action: 'update-configuration',
          aliasBefore: { name: 'dev', arn: 'a', version: '3', description: '', revisionId: 'r' },
          configurationChanges: [
            { field: 'memory', from: 256, to: 512 },
            { field: 'environment.TOKEN', from: undefined, to: 'x'.repeat(100) },
          ],
          drift: { since: '3', differences: [{ field: 'timeout', from: 10, to: 30 }] },
          package: {
            ...fnPlan({}).package,
            warnings: [{ code: 'likely-secret', message: '.env looks like a secret' }],
          },
        }),
        fnPlan({
          key: 'stats',
          name: 'shop-dev-stats',
          aliasBefore: { name: 'dev', arn: 'a', version: '2', description: '', revisionId: 'r' },
        }),
      ]),
    );
    const lines = text.split('\n');
    assert.equal(lines[0], 'Plan for shop (stage dev) on the local cloud at http://127.0.0.1:1');
    assert.match(
      lines[1],
      /^ {2}\+ new {4}create shop-dev-new \(2\.0 KB zip, sha256 abababababab\)/,
    );
    assert.match(
      lines[2],
      /^ {2}~ greet {2}update configuration of shop-dev-greet, .*alias dev moves from version 3/,
    );
    assert.equal(lines[3], '      memory: 256 -> 512');
    assert.match(lines[4], /^ {6}environment\.TOKEN: \(unset\) -> "x{50,}\.\.\."$/);
    assert.ok(lines[4].length < 100, 'long values are shortened');
    assert.equal(lines[5], '      warning: .env looks like a secret');
    assert.match(
      lines[6],
      /^ {2}! greet {2}changed outside Flourish since version 3; deploying overwrites:/,
    );
    assert.equal(lines[7], '      timeout: 10 -> 30');
    assert.equal(lines[8], '  = stats  unchanged (alias dev on version 2)');
    assert.equal(
      lines[9],
      '2 functions to deploy, 1 unchanged. 1 function changed outside Flourish.',
    );
  });

  it('says so when there is nothing to deploy', () => {
    assert.match(formatPlan(plan([fnPlan({})])), /Nothing to deploy: 1 function unchanged\.$/);
  });
});

describe('desiredConfiguration', () => {
  const manifest = {
    service: 'shop',
    stage: 'dev',
    provider: { name: 'aws', region: 'eu-west-1' },
    functions: [],
    root: '/p',
    file: '/p/flourish.yaml',
  } as Manifest;
  const fn = {
    key: 'greet',
    name: 'shop-dev-greet',
    handler: 'src/greet.handler',
    runtime: 'nodejs22.x',
    memory: 256,
    timeout: 10,
    architecture: 'arm64',
    environment: { A: '1' },
    ephemeralStorage: 512,
    logFormat: 'Text',
    tags: {},
    package: { include: [], exclude: [] },
    events: [],
  } as FunctionSpec;

  it('takes the role from the function, the provider, the deployed function, then the default', () => {
    const role = (m: Manifest, f: FunctionSpec, deployed?: string, fallback?: string) =>
      desiredConfiguration(m, f, deployed, fallback).role;
    const withProvider = { ...manifest, provider: { ...manifest.provider, role: 'arn:p' } };
    assert.equal(role(withProvider, { ...fn, role: 'arn:f' }, 'arn:d', 'arn:x'), 'arn:f');
    assert.equal(role(withProvider, fn, 'arn:d', 'arn:x'), 'arn:p');
    assert.equal(role(manifest, fn, 'arn:d', 'arn:x'), 'arn:d');
    assert.equal(role(manifest, fn, undefined, 'arn:x'), 'arn:x');
  });

  it('refuses a new function without any role, saying where to set one', () => {
    assert.throws(
      () => desiredConfiguration(manifest, fn, undefined, undefined),
      (e: unknown) =>
        e instanceof DeployError &&
        e.code === 'missing-role' &&
        /set provider\.role \(or functions\.greet\.role\) in \/p\/flourish\.yaml/.test(e.message),
    );
  });

  it('gives an empty description when the manifest has none, as Lambda reports it', () => {
    assert.equal(desiredConfiguration(manifest, fn, 'arn:d', undefined).description, '');
  });
});

describe('toCloudError', () => {
  const ctx = {
    operation: 'UpdateFunctionCode',
    resource: 'function shop-dev-greet',
    kind: 'aws' as const,
    label: 'AWS eu-west-1 (profile dev)',
    profile: 'dev',
  };

  it('keeps the error name, HTTP status and request id, and says what to do', () => {
    const sdkError = Object.assign(new Error('Function not found: shop-dev-greet'), {
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404, requestId: 'req-123' },
    });
    const error = toCloudError(sdkError, ctx) as CloudError;
    assert.ok(error instanceof CloudError);
    assert.equal(error.code, 'ResourceNotFoundException');
    assert.equal(error.httpStatus, 404);
    assert.equal(error.requestId, 'req-123');
    assert.equal(error.notFound, true);
    assert.equal(error.cause, sdkError);
    assert.equal(
      error.message,
      'UpdateFunctionCode on function shop-dev-greet failed (ResourceNotFoundException, HTTP 404, request id req-123): Function not found: shop-dev-greet. It does not exist on AWS eu-west-1 (profile dev): deploy it first with `flourish deploy`, or check the stage and region',
    );
  });

  it('names the profile to sign in again with when the session expired', () => {
    const error = toCloudError(
      Object.assign(new Error('The security token included in the request is expired'), {
        name: 'ExpiredTokenException',
        $metadata: { httpStatusCode: 403 },
      }),
      ctx,
    );
    assert.match(error.message, /aws sso login --profile dev/);
  });

  it('tells a refused connection to the local cloud to start it', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4567'), {
      code: 'ECONNREFUSED',
    });
    const error = toCloudError(refused, {
      ...ctx,
      kind: 'local',
      label: 'the local cloud at http://127.0.0.1:4567',
    }) as CloudError;
    assert.equal(error.code, 'ECONNREFUSED');
    assert.equal(error.retryable, true);
    assert.match(error.message, /start it with `flourish local start`/);
  });

  it('passes an abort through unchanged', () => {
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    assert.equal(toCloudError(abort, ctx), abort);
  });
});

describe('mapBounded', () => {
  it('never runs more than the limit at once and keeps the input order', async () => {
    let running = 0;
    let peak = 0;
    const gates: (() => void)[] = [];
    const work = mapBounded([1, 2, 3, 4, 5], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((resolve) => gates.push(resolve));
      running--;
      return n * 10;
    });
    // Release the held items one at a time, as each new one arrives.
    while (gates.length || running) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      gates.shift()?.();
    }
    assert.deepEqual(await work, [10, 20, 30, 40, 50]);
    assert.equal(peak, 2);
  });
});
