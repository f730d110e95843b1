// `flourish metrics` shows throttles next to the numbers from the logs: a function on a local
// cloud with a concurrency cap of 1 is held at a gate while two more requests are refused.
// Credentials that may not read metrics leave throttles n/a with the reason, not a failure.
import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { InvokeCommand, LambdaClient, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { CloudError, resolveTarget } from '../../src/core/cloud';
import { localCloudClientConfig, startLocalCloud, type LocalCloud } from '../../src/core/local';
import { loadManifest } from '../../src/core/manifest';
import { collectServiceMetrics, type ServiceMetrics } from '../../src/core/metrics';
import { Gate } from '../local/gate';
import { cli } from './runCliHelper';

const manifest = (gatePort: number) => `service: cli
provider:
  name: local
stage: dev
functions:
  gated:
    handler: src/gated.handler
    runtime: nodejs22.x
    memory: 128
    environment:
      GATE_PORT: "${gatePort}"
`;

// Waits at the test's gate, then answers.
const HANDLER = `const net = require('node:net');
exports.handler = () => new Promise((resolve, reject) => {
  const socket = net.connect(Number(process.env.GATE_PORT), '127.0.0.1');
  socket.on('data', () => { socket.destroy(); resolve('passed'); });
  socket.on('error', reject);
});
`;

describe('flourish metrics: throttles', function () {
  this.timeout(120_000);
  const gate = new Gate();
  let project: string;
  let stateDir: string;
  let cloud: LocalCloud;
  const run = (...args: string[]) => cli([...args, '--state-dir', stateDir], project);

  before(async () => {
    await gate.start();
    project = await mkdtemp(path.join(tmpdir(), 'flourish-cli-metrics-'));
    stateDir = await mkdtemp(path.join(tmpdir(), 'flourish-cli-metrics-state-'));
    await mkdir(path.join(project, 'src'));
    await writeFile(path.join(project, 'flourish.yaml'), manifest(gate.port));
    await writeFile(path.join(project, 'src', 'gated.js'), HANDLER);
    cloud = await startLocalCloud({ stateDir, port: 0, maxConcurrency: 1 });
    const deployed = await run('deploy', '--json');
    assert.equal(deployed.code, 0, deployed.stderr);

    const lambda = new LambdaClient({ ...localCloudClientConfig(cloud), maxAttempts: 1 });
    try {
      const running = lambda.send(new InvokeCommand({ FunctionName: 'cli-dev-gated' }));
      await gate.held(1);
      for (const qualifier of [undefined, 'dev']) {
        await assert.rejects(
          lambda.send(new InvokeCommand({ FunctionName: 'cli-dev-gated', Qualifier: qualifier })),
          TooManyRequestsException,
        );
      }
      gate.open();
      await running;
    } finally {
      lambda.destroy();
    }
  });

  after(async () => {
    await gate.stop();
    await cloud?.stop();
    await rm(project, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  });

  it('reports throttles per function, per timeline bucket and in the totals (--json)', async () => {
    const result = await run('metrics', '--since', '1h', '--json');
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout) as ServiceMetrics;
    const gated = json.functions.find((f) => f.key === 'gated')!.metrics;
    assert.deepEqual(gated.throttles, { available: true, count: 2 });
    assert.equal(
      gated.timeline.reduce((n, b) => n + b.throttles, 0),
      2,
    );
    // Throttled requests are neither invocations nor billed.
    assert.equal(gated.invocations, 1);
    assert.equal(json.totals.cost.requests, 1);
    assert.deepEqual(json.totals.throttles, { available: true, count: 2 });
  });

  it('shows a THROTTLES column and the total in the text output', async () => {
    const result = await run('metrics', '--since', '1h');
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split('\n');
    const header = lines.find((l) => l.startsWith('FUNCTION'))!;
    const row = lines.find((l) => l.startsWith('gated'))!;
    assert.match(header, /ERRORS\s+THROTTLES\s+COLD/);
    const column = header.indexOf('THROTTLES');
    assert.equal(row.slice(column).split(/\s+/)[0], '2');
    assert.match(result.stdout, /Total 1 invocations, 0 errors, 2 throttles;/);
  });

  it('leaves throttles n/a with the reason when the credentials may not read metrics', async () => {
    const spec = await loadManifest(path.join(project, 'flourish.yaml'), { stage: 'dev' });
    const provider = await resolveTarget(spec, { localStateDir: stateDir });
    try {
      // The provider as it is, except for credentials without cloudwatch:GetMetricData.
      const denied = new CloudError('User is not authorized to perform: cloudwatch:GetMetricData', {
        code: 'AccessDenied',
        operation: 'GetMetricData',
        resource: 'function cli-dev-gated',
        httpStatus: 403,
      });
      const restricted = Object.assign(Object.create(provider) as typeof provider, {
        getThrottles: () => Promise.reject(denied),
      });
      const to = Date.now();
      const metrics = await collectServiceMetrics(spec, restricted, { from: to - 3_600_000, to });
      const gated = metrics.functions[0]!.metrics;
      assert.equal(gated.invocations, 1);
      assert.deepEqual(gated.throttles, { available: false, reason: denied.message });
      assert.deepEqual(metrics.totals.throttles, gated.throttles);
    } finally {
      provider.dispose();
    }
  });
});
