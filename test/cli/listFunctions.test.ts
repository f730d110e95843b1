// Listing an account's functions page by page, as the explorer's Deployed view does.
import * as assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { resolveProvider } from '../../src/core/cloud';
import { startLocalCloud, type LocalCloud } from '../../src/core/local';
import { cli } from './runCliHelper';

describe('listing deployed functions', function () {
  this.timeout(60_000);
  let project: string;
  let stateDir: string;
  let cloud: LocalCloud;

  before(async () => {
    project = await mkdtemp(path.join(tmpdir(), 'flourish-list-'));
    stateDir = await mkdtemp(path.join(tmpdir(), 'flourish-list-state-'));
    await mkdir(path.join(project, 'src'));
    await writeFile(path.join(project, 'src', 'a.js'), 'exports.handler = async () => 1;\n');
    const functions = ['one', 'two', 'three']
      .map((key) => `  ${key}:\n    handler: src/a.handler\n    runtime: nodejs22.x\n`)
      .join('');
    await writeFile(
      path.join(project, 'flourish.yaml'),
      `service: list\nprovider:\n  name: local\nfunctions:\n${functions}`,
    );
    cloud = await startLocalCloud({ stateDir, port: 0 });
    const deployed = await cli(['deploy', '--state-dir', stateDir], project);
    assert.equal(deployed.code, 0, deployed.stderr);
  });

  after(async () => {
    await cloud?.stop();
    await rm(project, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  });

  it('pages through every function with its configuration', async () => {
    const provider = await resolveProvider({ target: 'local', localStateDir: stateDir });
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await provider.listFunctions({ marker, maxItems: 2 });
      assert.ok(page.items.length <= 2);
      seen.push(...page.items.map((f) => f.name));
      for (const fn of page.items) {
        assert.equal(fn.version, '$LATEST');
        assert.equal(fn.configuration.runtime, 'nodejs22.x');
      }
      marker = page.nextToken;
      pages += 1;
    } while (marker);
    assert.equal(pages, 2);
    assert.deepEqual(seen.sort(), ['list-dev-one', 'list-dev-three', 'list-dev-two']);
    provider.dispose?.();
  });
});
