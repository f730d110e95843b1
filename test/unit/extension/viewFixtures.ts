// Fixtures for the view model tests: manifests parsed by the core from inline YAML (so the rows
// are built from what the explorer really holds), and deployed functions as a provider lists them.
import assert from 'node:assert/strict';
import type { FunctionVersion } from '../../../src/core/cloud/provider';
import type { Manifest } from '../../../src/core/manifest';
import { parseWorkspaceManifest } from '../../../src/extension/manifest';

export const MANIFEST_FILE = '/work/shop/flourish.yaml';

export const SHOP_YAML = `service: shop
provider:
  name: local
  region: eu-west-1
stage: dev
stages:
  prod: {}
functions:
  checkout:
    handler: src/checkout.handler
    runtime: nodejs22.x
    memory: 512
    timeout: 15
    description: Takes the money
  refund:
    handler: src/refund.handler
    runtime: python3.12
`;

export function shopManifest(stage?: string): Manifest {
  const parsed = parseWorkspaceManifest(SHOP_YAML, MANIFEST_FILE, stage);
  assert.ok(parsed.manifest, `the fixture parses: ${JSON.stringify(parsed.problems)}`);
  return parsed.manifest;
}

export function deployedFunction(
  name: string,
  version = '$LATEST',
  lastModified = '2026-11-24T12:00:00.000Z',
): FunctionVersion {
  return {
    name,
    arn: `arn:aws:lambda:eu-west-1:000000000000:function:${name}${version === '$LATEST' ? '' : `:${version}`}`,
    version,
    configuration: {
      runtime: 'nodejs22.x',
      handler: 'src/checkout.handler',
      memory: 512,
      timeout: 15,
      architecture: 'arm64',
      environment: {},
      ephemeralStorage: 512,
      logFormat: 'Text',
      role: 'arn:aws:iam::000000000000:role/shop-dev',
      description: `deployed ${version}`,
    },
    codeSha256: 'c2hh',
    codeSize: 1024,
    revisionId: `rev-${version}`,
    lastModified,
  };
}
