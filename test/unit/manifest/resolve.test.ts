import assert from 'node:assert/strict';
import { deployedName } from '../../../src/core/manifest';
import { parse, yaml } from './helpers';

const TEXT = yaml`
  service: shop
  provider: { name: aws, region: us-east-1, profile: work, role: 'arn:aws:iam::123456789012:role/base' }
  stage: dev
  stages:
    prod:
      provider: { region: eu-west-1 }
      defaults: { memory: 1024, environment: { LOG_LEVEL: warn, STAGE: prod } }
      functions:
        hello: { memory: 2048, events: [{ schedule: rate(1 hour) }] }
  defaults:
    runtime: nodejs22.x
    memory: 256
    timeout: 10
    architecture: arm64
    environment: { LOG_LEVEL: info, SHARED: 1 }
    tags: { team: web }
    package: { include: ['src/**'], exclude: ['**/*.md'] }
  functions:
    hello:
      handler: src/hello.handler
      environment: { GREETING: hi, ENABLED: true }
      tags: { owner: ana }
      package: { exclude: ['**/*.test.js'] }
      build: npm run build
      events:
        - http: GET /hello
        - http: { method: POST, path: /hello, auth: AWS_IAM, cors: true }
        - http: { method: GET, path: /feed, stream: true }
        - schedule: { expression: 'cron(0 12 * * ? *)', enabled: false, input: { kind: nightly } }
    worker:
      handler: app/main.handler
      runtime: python3.13
      memory: 512
      timeout: 60
      ephemeralStorage: 2048
      architecture: x86_64
      description: Background work
      role: arn:aws:iam::123456789012:role/worker
      build: { command: make, cwd: worker, output: out }
`;

describe('manifest resolution', () => {
  it('applies Lambda defaults, then defaults, then the function', () => {
    const m = parse(TEXT).manifest!;
    assert.equal(m.stage, 'dev');
    assert.equal(m.file, '/project/flourish.yaml');
    assert.equal(m.root, '/project');
    assert.deepEqual(m.provider, {
      name: 'aws',
      region: 'us-east-1',
      profile: 'work',
      role: 'arn:aws:iam::123456789012:role/base',
    });
    const [hello, worker] = m.functions;
    assert.deepEqual(hello, {
      key: 'hello',
      name: 'shop-dev-hello',
      handler: 'src/hello.handler',
      runtime: 'nodejs22.x',
      memory: 256,
      timeout: 10,
      architecture: 'arm64',
      environment: { LOG_LEVEL: 'info', SHARED: '1', GREETING: 'hi', ENABLED: 'true' },
      ephemeralStorage: 512,
      role: 'arn:aws:iam::123456789012:role/base',
      tags: { team: 'web', owner: 'ana' },
      build: { command: 'npm run build', cwd: '.' },
      package: { include: ['src/**'], exclude: ['**/*.test.js'] },
      events: [
        { type: 'http', method: 'GET', path: '/hello', auth: 'NONE' },
        { type: 'http', method: 'POST', path: '/hello', auth: 'AWS_IAM', cors: true },
        { type: 'http', method: 'GET', path: '/feed', auth: 'NONE', stream: true },
        {
          type: 'schedule',
          expression: 'cron(0 12 * * ? *)',
          enabled: false,
          input: { kind: 'nightly' },
        },
      ],
    });
    assert.deepEqual(worker, {
      key: 'worker',
      name: 'shop-dev-worker',
      handler: 'app/main.handler',
      runtime: 'python3.13',
      description: 'Background work',
      memory: 512,
      timeout: 60,
      architecture: 'x86_64',
      environment: { LOG_LEVEL: 'info', SHARED: '1' },
      ephemeralStorage: 2048,
      role: 'arn:aws:iam::123456789012:role/worker',
      tags: { team: 'web' },
      build: { command: 'make', cwd: 'worker', output: 'out' },
      package: { include: ['src/**'], exclude: ['**/*.md'] },
      events: [],
    });
  });

  it("applies the stage's provider, defaults and function overrides on top", () => {
    const m = parse(TEXT, 'prod').manifest!;
    assert.equal(m.stage, 'prod');
    assert.equal(m.provider.region, 'eu-west-1');
    assert.equal(m.provider.profile, 'work');
    const [hello, worker] = m.functions;
    assert.equal(hello.name, 'shop-prod-hello');
    assert.equal(hello.memory, 2048);
    assert.equal(worker.memory, 512, "the function's own value beats the stage's defaults");
    assert.deepEqual(hello.environment, {
      LOG_LEVEL: 'warn',
      SHARED: '1',
      STAGE: 'prod',
      GREETING: 'hi',
      ENABLED: 'true',
    });
    assert.deepEqual(hello.events, [
      { type: 'schedule', expression: 'rate(1 hour)', enabled: true },
    ]);
  });

  it('uses Lambda defaults and the local provider when the manifest says nothing', () => {
    const m = parse(
      'service: s\nfunctions:\n  f:\n    handler: index.handler\n    runtime: nodejs22.x\n',
    ).manifest!;
    // No region: the target decides (the local cloud's, or the AWS chain's).
    assert.deepEqual(m.provider, { name: 'local' });
    assert.equal(m.stage, 'dev');
    const [f] = m.functions;
    assert.deepEqual(
      [f.memory, f.timeout, f.ephemeralStorage, f.architecture],
      [128, 3, 512, 'x86_64'],
    );
    assert.deepEqual(
      [f.environment, f.tags, f.package, f.events],
      [{}, {}, { include: [], exclude: [] }, []],
    );
  });

  it('takes JSON logging and its levels from defaults, the stage and the function', () => {
    const text = yaml`
      service: shop
      defaults: { runtime: nodejs22.x, logFormat: JSON, applicationLogLevel: WARN }
      stages: { prod: { defaults: { systemLogLevel: WARN } } }
      functions:
        hello: { handler: src/hello.handler }
        quiet: { handler: src/quiet.handler, applicationLogLevel: ERROR }
    `;
    const [hello, quiet] = parse(text, 'prod').manifest!.functions;
    assert.equal(hello.logFormat, 'JSON');
    assert.equal(hello.applicationLogLevel, 'WARN');
    assert.equal(hello.systemLogLevel, 'WARN');
    assert.equal(quiet.applicationLogLevel, 'ERROR');
    const [dev] = parse(text, 'dev').manifest!.functions;
    assert.equal(dev.systemLogLevel, undefined, 'the stage override is for prod only');
    // Text set closer to the function leaves the inherited levels behind.
    const plain = parse(text.replace('applicationLogLevel: ERROR', 'logFormat: Text'), 'prod');
    assert.deepEqual(plain.problems, []);
    const quietText = plain.manifest!.functions[1];
    assert.equal(quietText.logFormat, 'Text');
    assert.equal(quietText.applicationLogLevel, undefined);
    assert.equal(quietText.systemLogLevel, undefined);
  });

  it('leaves logging unset when the manifest says nothing of it', () => {
    const [hello] = parse(TEXT).manifest!.functions;
    assert.equal(hello.logFormat, undefined, 'deploy keeps what the function has');
  });

  it('resolves a stage that has no overrides', () => {
    const m = parse(TEXT, 'qa').manifest!;
    assert.equal(m.functions[0].name, 'shop-qa-hello');
    assert.equal(m.provider.region, 'us-east-1');
  });

  it('leaves the manifest out when it cannot be trusted', () => {
    assert.equal(parse('functions: {}\n').manifest, undefined, 'no service');
    assert.equal(parse('service: s\nfunctions: {\n').manifest, undefined, 'syntax error');
    // Schema errors still give a best-effort manifest for the outline; invalid values fall back.
    const m = parse(
      'service: s\nfunctions:\n  f: { handler: a.b, runtime: nodejs22.x, memory: huge }\n',
    ).manifest!;
    assert.equal(m.functions[0].memory, 128);
  });

  it('names deployed functions <service>-<stage>-<key>', () => {
    assert.equal(deployedName('shop', 'prod', 'hello'), 'shop-prod-hello');
  });
});
