// resolveTarget: the local cloud found from its state folder or started on demand, and the
// AWS path (SDK default chain, named profiles) pointed at a local cloud by endpoint.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CloudError, resolveTarget, type CloudProvider } from '../../src/core/cloud';
import { applyDeploy, invokeFunction, planDeploy } from '../../src/core/deploy';
import { startLocalCloud, type LocalCloud } from '../../src/core/local';
import { json, TestProject } from '../unit/deploy/localProject';

describe('deploy targets', function () {
  this.timeout(60_000);
  let stateDir: string;
  let cloud: LocalCloud;
  let project: TestProject;
  const providers: CloudProvider[] = [];
  const track = (p: CloudProvider) => (providers.push(p), p);

  before(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'flourish-target-'));
    cloud = await startLocalCloud({ stateDir, port: 0 });
    project = await TestProject.create();
  });
  after(async () => {
    for (const p of providers) p.dispose();
    await cloud?.stop();
    await project?.remove();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('finds the running local cloud from its state folder', async () => {
    const manifest = await project.load();
    const provider = track(await resolveTarget(manifest, { localStateDir: stateDir }));
    assert.equal(provider.kind, 'local');
    assert.equal(provider.endpoint, cloud.endpoint);
    assert.equal(provider.label, `the local cloud at ${cloud.endpoint}`);
    const plan = await planDeploy(manifest, provider, {
      cacheDir: project.cacheDir,
      functions: ['greet'],
    });
    assert.equal((await applyDeploy(plan, provider)).ok, true);
  });

  it('asks the caller to start a local cloud when none is running, or says how to', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'flourish-target-empty-'));
    try {
      const manifest = await project.load();
      await assert.rejects(
        resolveTarget(manifest, { localStateDir: empty }),
        (e: unknown) =>
          e instanceof CloudError &&
          e.code === 'LocalCloudNotRunning' &&
          e.message.includes(empty) &&
          /flourish local start/.test(e.message),
      );
      let asked = 0;
      const provider = track(
        await resolveTarget(manifest, {
          localStateDir: empty,
          ensureLocalCloud: async () => {
            asked++;
            return { ...cloud, pid: process.pid };
          },
        }),
      );
      assert.equal(asked, 1);
      assert.ok(await provider.getFunction('shop-dev-greet'));
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  describe('the AWS path', () => {
    const saved = { ...process.env };
    let awsDir: string;

    before(async () => {
      // A named profile in private config files: the SDK's own chain resolves it.
      awsDir = await mkdtemp(path.join(os.tmpdir(), 'flourish-aws-'));
      await writeFile(
        path.join(awsDir, 'credentials'),
        `[flourish-test]\naws_access_key_id = ${cloud.credentials.accessKeyId}\naws_secret_access_key = ${cloud.credentials.secretAccessKey}\n` +
          '[wrong]\naws_access_key_id = AKIAWRONG\naws_secret_access_key = nope\n',
      );
      await writeFile(path.join(awsDir, 'config'), '[profile flourish-test]\nregion = us-east-1\n');
      process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(awsDir, 'credentials');
      process.env.AWS_CONFIG_FILE = path.join(awsDir, 'config');
      for (const key of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
        delete process.env[key];
      }
    });
    after(async () => {
      process.env = saved;
      await rm(awsDir, { recursive: true, force: true });
    });

    it('signs with a named profile through the default chain, at the endpoint given', async () => {
      const manifest = await project.load();
      const provider = track(
        await resolveTarget(manifest, {
          target: 'aws',
          profile: 'flourish-test',
          endpoint: cloud.endpoint,
        }),
      );
      assert.equal(provider.kind, 'aws');
      assert.equal(provider.label, `AWS us-east-1 (profile flourish-test) at ${cloud.endpoint}`);
      const out = await invokeFunction(manifest, provider, 'greet', '{"name":"Sol"}');
      assert.equal(json(out.payload).name, 'Sol');
    });

    it('sends live tail to the endpoint given, and says when a log group does not exist', async () => {
      const provider = track(
        await resolveTarget(await project.load(), {
          target: 'aws',
          profile: 'flourish-test',
          endpoint: cloud.endpoint,
        }),
      );
      const drain = async (groups: string[]) => {
        for await (const _ of provider.tailLogs(groups)) break;
      };
      await assert.rejects(drain(['/aws/lambda/shop-dev-never']), (e: unknown) => {
        assert.ok(e instanceof CloudError, String(e));
        assert.equal(e.code, 'ResourceNotFoundException');
        assert.match(e.message, /invoke the function once, then tail again/);
        return true;
      });
      // The local cloud does not speak StartLiveTail (HTTP/2 event streams), but the request
      // reaches it rather than a `stream-` host, and its answer keeps status and request id.
      await assert.rejects(drain(['/aws/lambda/shop-dev-greet']), (e: unknown) => {
        assert.ok(e instanceof CloudError, String(e));
        assert.equal(e.operation, 'StartLiveTail');
        assert.equal(e.httpStatus, 400);
        assert.ok(e.requestId);
        return true;
      });
    });

    it('keeps the name, status and request id when the credentials are refused', async () => {
      const provider = track(
        await resolveTarget(await project.load(), {
          target: 'aws',
          profile: 'wrong',
          endpoint: cloud.endpoint,
        }),
      );
      await assert.rejects(provider.getFunction('shop-dev-greet'), (e: unknown) => {
        assert.ok(e instanceof CloudError, String(e));
        assert.equal(e.operation, 'GetFunction');
        assert.ok(e.httpStatus === 403 || e.httpStatus === 401, String(e.httpStatus));
        assert.ok(e.requestId, 'request id kept');
        assert.match(e.message, /The credentials of profile "wrong" were not recognised/);
        return true;
      });
    });

    it('says which profile has no credentials', async () => {
      const provider = track(
        await resolveTarget(await project.load(), {
          target: 'aws',
          profile: 'missing-profile',
          endpoint: cloud.endpoint,
        }),
      );
      await assert.rejects(provider.getFunction('shop-dev-greet'), (e: unknown) => {
        assert.ok(e instanceof CloudError, String(e));
        assert.match(e.message, /missing-profile/);
        return true;
      });
    });
  });
});
