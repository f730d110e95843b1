// Which region an AWS target deploys to: the option, the manifest, then the SDK's own chain
// (AWS_REGION, the profile's region in the shared config files), us-east-1 last. No network: the
// config files are private temp files and no request is made.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveTarget, type TargetOptions } from '../../../src/core/cloud';
import type { Manifest } from '../../../src/core/manifest';
import { parse } from '../manifest/helpers';

function manifest(provider: string): Manifest {
  const text = `service: shop\nprovider: ${provider}\nfunctions:\n  hello:\n    handler: src/hello.handler\n    runtime: nodejs22.x\n`;
  return parse(text).manifest!;
}

async function regionOf(m: Manifest, options: TargetOptions = {}): Promise<string> {
  const provider = await resolveTarget(m, options);
  try {
    return provider.region;
  } finally {
    provider.dispose();
  }
}

describe('AWS target region', () => {
  const saved = { ...process.env };
  let awsDir: string;

  before(async () => {
    awsDir = await mkdtemp(path.join(os.tmpdir(), 'flourish-region-'));
    await writeFile(
      path.join(awsDir, 'config'),
      '[profile dev]\nregion = eu-west-1\n[default]\nregion = ap-south-1\n',
    );
    await writeFile(path.join(awsDir, 'credentials'), '');
  });
  beforeEach(() => {
    process.env.AWS_CONFIG_FILE = path.join(awsDir, 'config');
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(awsDir, 'credentials');
    for (const key of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE']) delete process.env[key];
  });
  afterEach(() => {
    process.env = { ...saved };
  });
  after(async () => {
    process.env = saved;
    await rm(awsDir, { recursive: true, force: true });
  });

  it('takes the manifest region over the profile and the environment', async () => {
    process.env.AWS_REGION = 'sa-east-1';
    const m = manifest('{ name: aws, region: us-west-2, profile: dev }');
    assert.equal(m.provider.region, 'us-west-2');
    assert.equal(await regionOf(m), 'us-west-2');
  });

  it('leaves an unwritten region unset in the manifest, and takes the profile region', async () => {
    const m = manifest('{ name: aws, profile: dev }');
    assert.equal(m.provider.region, undefined);
    assert.equal(await regionOf(m), 'eu-west-1');
    assert.equal(await regionOf(manifest('{ name: aws }'), { profile: 'dev' }), 'eu-west-1');
  });

  it('takes AWS_REGION over the profile in the config file', async () => {
    process.env.AWS_REGION = 'sa-east-1';
    assert.equal(await regionOf(manifest('{ name: aws, profile: dev }')), 'sa-east-1');
  });

  it('takes the AWS_PROFILE or default profile region when no profile is named', async () => {
    assert.equal(await regionOf(manifest('{ name: aws }')), 'ap-south-1');
    process.env.AWS_PROFILE = 'dev';
    assert.equal(await regionOf(manifest('{ name: aws }')), 'eu-west-1');
  });

  it('falls back to us-east-1 when nothing names a region', async () => {
    await writeFile(path.join(awsDir, 'empty'), '');
    process.env.AWS_CONFIG_FILE = path.join(awsDir, 'empty');
    assert.equal(await regionOf(manifest('{ name: aws }')), 'us-east-1');
    assert.equal(await regionOf(manifest('{ name: aws, profile: missing }')), 'us-east-1');
  });

  it('takes an explicit region over everything', async () => {
    process.env.AWS_REGION = 'sa-east-1';
    const m = manifest('{ name: aws, region: us-west-2, profile: dev }');
    assert.equal(await regionOf(m, { region: 'ca-central-1' }), 'ca-central-1');
    assert.equal(await regionOf(m, { target: 'aws', region: 'ca-central-1' }), 'ca-central-1');
  });
});
