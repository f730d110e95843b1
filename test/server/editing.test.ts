import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { checkManifest } from '../../src/core/manifest';
import { TestConnection } from './testConnection';
import { HELLO_JS, makeProject, type Project } from './fixtures';

/** A small seeded generator, so a failure replays exactly. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  ' ',
  '\n',
  '  ',
  ':',
  '- ',
  'memory: 64',
  'runtime: nodejs16.x',
  'x',
  '#',
  '"',
  '[',
  '&a ',
  '*a',
];

function manifest(): string {
  const fns = Array.from(
    { length: 40 },
    (_, i) =>
      `  f${i}:\n    handler: src/hello.handler\n    runtime: nodejs22.x\n    memory: ${128 + i}\n    events:\n      - http: GET /f${i}\n`,
  );
  return `service: shop\nprovider:\n  name: local\nfunctions:\n${fns.join('')}stages:\n  prod:\n    defaults:\n      timeout: 30\n`;
}

describe('server: editing', () => {
  let project: Project;
  let conn: TestConnection;

  beforeEach(async () => {
    project = await makeProject({ 'src/hello.mjs': HELLO_JS });
    conn = await TestConnection.start({ workspaceFolder: project.root });
  });
  afterEach(async () => {
    await conn.dispose();
    await project.remove();
  });

  it('keeps diagnostics equal to a full check through a hundred random keystrokes', async () => {
    const next = random(20261124);
    const uri = project.uri('flourish.yaml');
    const file = path.join(project.root, 'flourish.yaml');
    let text = manifest();
    let version = await conn.open(uri, text);
    for (let step = 0; step < 120; step++) {
      const published = await conn.diagnostics(uri, version);
      const { problems } = await checkManifest(text, { file });
      assert.deepEqual(
        published.diagnostics.map(
          (d) => `${d.code} ${JSON.stringify(d.range)} ${String(d.message)}`,
        ),
        problems.map((p) => `${p.code} ${JSON.stringify(p.range)} ${p.message}`),
        `step ${step}, text:\n${text}`,
      );
      // Delete a few characters or type a piece, somewhere in the file.
      const at = Math.floor(next() * text.length);
      text =
        next() < 0.5
          ? text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 3))
          : text.slice(0, at) + PIECES[Math.floor(next() * PIECES.length)] + text.slice(at);
      version = await conn.change(uri, text);
    }
    assert.deepEqual(conn.errors, []);
  });
});
