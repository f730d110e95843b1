// `npm start` runs `flourish quickstart` on examples/hello: the whole loop a new user sees first.
// Here on a copy of the example, against a local cloud this test starts and stops itself.
import * as assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startLocalCloud, type LocalCloud } from '../../src/core/local';
import { cli } from './runCliHelper';

const EXAMPLE = path.resolve(__dirname, '../../examples/hello');

describe('flourish quickstart (npm start) on the example', function () {
  this.timeout(120_000);
  let project: string;
  let stateDir: string;
  let cloud: LocalCloud;

  before(async () => {
    project = await mkdtemp(path.join(tmpdir(), 'flourish-quickstart-'));
    stateDir = await mkdtemp(path.join(tmpdir(), 'flourish-quickstart-state-'));
    // The example with its saved payloads, without what earlier runs cached in it.
    await cp(EXAMPLE, project, {
      recursive: true,
      filter: (source) => !source.includes(`${path.sep}.flourish${path.sep}cache`),
    });
    cloud = await startLocalCloud({ stateDir, port: 0 });
  });

  after(async () => {
    await cloud?.stop();
    await rm(project, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  });

  it('deploys the example, invokes each function with its saved payload, calls its URLs', async () => {
    const run = await cli(
      ['quickstart', '--manifest', path.join(project, 'flourish.yaml'), '--state-dir', stateDir],
      project,
    );
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    const out = run.stdout;
    assert.match(out, /greet: deployed, version 1 is alias dev/);
    assert.match(out, /stats: deployed, version 1 is alias dev/);
    // Each function ran for real, with the payload saved beside the example.
    assert.match(out, /-> \{"message":"Hello, Ada!"/);
    assert.match(out, /-> \{"count": 10, "mean": 3\.9/);
    assert.match(out, /REPORT RequestId: [0-9a-f-]{36}\tDuration: /);
    // The http event became a function URL that answers.
    assert.match(out, /-> 200 \{"message":"Hello, Flourish!"/);
    assert.match(out, /greet: v1 \[dev\]/);
    // The streaming function: gathered by a plain Invoke, streamed by its URL.
    assert.match(out, /countdown: deployed, version 1 is alias dev/);
    assert.match(out, /-> 3\n\s+2\n\s+1\n\s+Liftoff!/);
    assert.match(
      out,
      /GET http:\/\/[^\s]+\/countdown\?name=Flourish\n\s+-> 200 3\n\s*2\n\s*1\n\s*Liftoff!/,
    );
    assert.match(out, /npx flourish invoke countdown --stream -f /);
  });
});
