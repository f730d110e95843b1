import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  deletePayload,
  listPayloads,
  PayloadError,
  readPayload,
  renamePayload,
  SAMPLE_EVENTS,
  savePayload,
} from '../../../src/core/events';

describe('saved payloads', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'flourish-payloads-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('saves, lists, reads, renames and deletes', async () => {
    assert.deepEqual(await listPayloads(root, 'greet'), []);
    const saved = await savePayload(root, 'greet', 'ada', '{"name":"Ada"}');
    assert.equal(saved.file, path.join(root, '.flourish', 'events', 'greet', 'ada.json'));
    await savePayload(root, 'greet', 'Bob smith', '{"name":"Bob"}');
    assert.deepEqual(
      (await listPayloads(root, 'greet')).map((p) => p.name),
      ['ada', 'Bob smith'],
    );
    assert.deepEqual(JSON.parse(await readPayload(root, 'greet', 'ada')), { name: 'Ada' });
    await renamePayload(root, 'greet', 'ada', 'lovelace');
    assert.deepEqual(
      (await listPayloads(root, 'greet')).map((p) => p.name),
      ['Bob smith', 'lovelace'],
    );
    await deletePayload(root, 'greet', 'lovelace');
    assert.deepEqual(
      (await listPayloads(root, 'greet')).map((p) => p.name),
      ['Bob smith'],
    );
  });

  it('pretty-prints what it saves so diffs stay readable', async () => {
    const saved = await savePayload(root, 'greet', 'ada', '{"name":"Ada","tags":[1,2]}');
    assert.equal(
      await readFile(saved.file, 'utf8'),
      '{\n  "name": "Ada",\n  "tags": [\n    1,\n    2\n  ]\n}\n',
    );
  });

  it('refuses invalid JSON and says where', async () => {
    await assert.rejects(savePayload(root, 'greet', 'broken', '{"name": '), (error: Error) => {
      assert.ok(error instanceof PayloadError);
      assert.match(error.message, /payload "broken" is not valid JSON/);
      return true;
    });
    assert.deepEqual(await listPayloads(root, 'greet'), []);
  });

  it('refuses names that could leave the folder', async () => {
    for (const name of ['../escape', 'a/b', '', '.hidden', 'x'.repeat(65)]) {
      await assert.rejects(savePayload(root, 'greet', name, '{}'), PayloadError, name);
    }
    await assert.rejects(listPayloads(root, '../other'), PayloadError);
  });

  it('never overwrites on rename and names a missing payload', async () => {
    await savePayload(root, 'greet', 'a', '{"v":1}');
    await savePayload(root, 'greet', 'b', '{"v":2}');
    await assert.rejects(renamePayload(root, 'greet', 'a', 'b'), /already exists/);
    assert.deepEqual(JSON.parse(await readPayload(root, 'greet', 'b')), { v: 2 });
    await assert.rejects(readPayload(root, 'greet', 'missing'), /No saved payload "missing"/);
  });

  it('reports a hand-edited file that is no longer JSON', async () => {
    const saved = await savePayload(root, 'greet', 'a', '{}');
    await writeFile(saved.file, '{ nope');
    await assert.rejects(readPayload(root, 'greet', 'a'), /is not valid JSON/);
  });
});

describe('sample events', () => {
  it('has one per common trigger, each serialisable', () => {
    assert.deepEqual(
      SAMPLE_EVENTS.map((s) => s.id),
      ['http-api', 's3-put', 'sqs', 'schedule', 'dynamodb-stream'],
    );
    for (const sample of SAMPLE_EVENTS) {
      assert.deepEqual(JSON.parse(JSON.stringify(sample.payload)), sample.payload);
    }
  });
});
