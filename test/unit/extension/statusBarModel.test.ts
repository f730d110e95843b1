import assert from 'node:assert/strict';
import { statusBarModel } from '../../../src/extension/statusBarModel';
import { resolveTarget } from '../../../src/extension/targetModel';
import { shopManifest } from './viewFixtures';

const NO_SETTINGS = { target: 'manifest', profile: '', region: '' } as const;

describe('status bar and target model', () => {
  it('resolves the target the manifest names unless a setting overrides it', () => {
    const manifest = shopManifest();
    assert.deepEqual(resolveTarget(manifest, NO_SETTINGS), {
      kind: 'local',
      stage: 'dev',
      profile: undefined,
      region: 'eu-west-1',
    });
    assert.deepEqual(
      resolveTarget(manifest, { target: 'aws', profile: 'ops', region: 'us-east-2' }),
      { kind: 'aws', stage: 'dev', profile: 'ops', region: 'us-east-2' },
    );
    assert.equal(resolveTarget(shopManifest('prod'), NO_SETTINGS).stage, 'prod');
  });

  it('is hidden without a manifest that parses', () => {
    assert.equal(statusBarModel(undefined), undefined);
  });

  it('shows the local cloud and stage with the vm icon', () => {
    assert.deepEqual(statusBarModel(resolveTarget(shopManifest(), NO_SETTINGS)), {
      text: '$(vm) local · dev',
      tooltip: 'Flourish deploys, invokes and reads logs on local · dev. Click to switch.',
    });
  });

  it('shows AWS with region, profile when there is one, and stage with the cloud icon', () => {
    const manifest = shopManifest('prod');
    assert.equal(
      statusBarModel(resolveTarget(manifest, { target: 'aws', profile: 'ops', region: '' }))?.text,
      '$(cloud) aws eu-west-1 (ops) · prod',
    );
    assert.equal(
      statusBarModel(resolveTarget(manifest, { target: 'aws', profile: '', region: 'us-east-2' }))
        ?.text,
      '$(cloud) aws us-east-2 · prod',
    );
    assert.equal(
      statusBarModel({ kind: 'aws', stage: 'dev' })?.text,
      '$(cloud) aws default region · dev',
    );
  });
});
