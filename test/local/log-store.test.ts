// The log store's bounds and persistence: per-stream and total caps, and a reload that finds
// exactly what was flushed.
import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LogStore } from '../../src/core/local/logs/log-store';

describe('local cloud: log store', () => {
  let dir: string;
  let now = 1_000;
  const clock = (): number => now;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'flourish-logs-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const lines = (from: number, count: number): { timestamp: number; message: string }[] =>
    Array.from({ length: count }, (_, i) => ({ timestamp: from + i, message: `line ${from + i}` }));

  it('keeps the newest events of a stream and numbers them from the start', () => {
    const store = new LogStore(dir, { clock, maxEventsPerStream: 5, flushDelayMs: 60_000 });
    store.write('/aws/lambda/a', 's1', lines(0, 8));
    const stream = store.groups.get('/aws/lambda/a')!.streams.get('s1')!;
    assert.deepEqual(
      stream.events.map((e) => e.message),
      ['line 3', 'line 4', 'line 5', 'line 6', 'line 7'],
    );
    assert.equal(stream.trimmed, 3);
    assert.deepEqual(
      stream.events.map((e) => e.seq),
      [3, 4, 5, 6, 7],
    );
    return store.flush();
  });

  it('drops the oldest events of a full stream in batches, not one write at a time', () => {
    const store = new LogStore(dir, { clock, maxEventsPerStream: 160, flushDelayMs: 60_000 });
    const stream = () => store.groups.get('/aws/lambda/a')!.streams.get('s')!;
    store.write('/aws/lambda/a', 's', lines(0, 170));
    assert.equal(stream().events.length, 170, 'a sixteenth of the cap may wait to be dropped');
    store.write('/aws/lambda/a', 's', lines(170, 1));
    assert.equal(stream().events.length, 160);
    assert.equal(stream().events[0]!.message, 'line 11');
    assert.equal(stream().trimmed, 11);
    return store.flush();
  });

  it('removes the quietest streams when the total budget is exceeded, on disk too', async () => {
    const store = new LogStore(dir, { clock, maxEventsTotal: 100, flushDelayMs: 60_000 });
    store.write('/aws/lambda/a', 'old', lines(0, 40));
    store.write('/aws/lambda/b', 'middle', lines(100, 40));
    await store.flush();
    now += 1000;
    store.write('/aws/lambda/a', 'new', lines(200, 40));
    const streamsOf = (group: string): string[] => [...store.groups.get(group)!.streams.keys()];
    assert.deepEqual(streamsOf('/aws/lambda/a'), ['new']);
    assert.deepEqual(streamsOf('/aws/lambda/b'), ['middle']);
    await store.flush();
    assert.deepEqual(await readdir(path.join(dir, encodeURIComponent('/aws/lambda/a'))), [
      'new.ndjson',
    ]);

    const reloaded = new LogStore(dir, { clock, flushDelayMs: 60_000 });
    await reloaded.load();
    assert.deepEqual(
      [...reloaded.groups.get('/aws/lambda/a')!.streams.values()].map((s) => [
        s.name,
        s.events.length,
      ]),
      [['new', 40]],
    );
    assert.equal(
      reloaded.groups.get('/aws/lambda/b')!.streams.get('middle')!.events[0]!.message,
      'line 100',
    );
  });

  it('appends to a stream file, and a torn last line from a crash is skipped on load', async () => {
    const store = new LogStore(dir, { clock, flushDelayMs: 60_000 });
    store.write('/aws/lambda/a', 's', lines(0, 3));
    await store.flush();
    store.write('/aws/lambda/a', 's', lines(3, 2));
    await store.flush();
    const file = path.join(dir, encodeURIComponent('/aws/lambda/a'), 's.ndjson');
    const text = await readFile(file, 'utf8');
    assert.equal(text.trimEnd().split('\n').length, 1 + 5, 'a header and five event lines');
    await appendFile(file, '{"t":99,"m":"torn');
    const reloaded = new LogStore(dir, { clock, flushDelayMs: 60_000 });
    await reloaded.load();
    const stream = reloaded.groups.get('/aws/lambda/a')!.streams.get('s')!;
    assert.deepEqual(
      stream.events.map((e) => e.message),
      ['line 0', 'line 1', 'line 2', 'line 3', 'line 4'],
    );
    reloaded.write('/aws/lambda/a', 's', lines(5, 1));
    assert.equal(stream.events.at(-1)!.seq, 5, 'numbering continues after a reload');
    await reloaded.flush();
    const again = new LogStore(dir, { clock, flushDelayMs: 60_000 });
    await again.load();
    assert.deepEqual(
      again.groups
        .get('/aws/lambda/a')!
        .streams.get('s')!
        .events.map((e) => e.seq),
      [0, 1, 2, 3, 4, 5],
    );
  });

  it('writes a whole stream a chunk at a time, and events that arrive meanwhile follow it', async () => {
    const store = new LogStore(dir, { clock, flushDelayMs: 60_000 });
    store.write('/aws/lambda/a', 's', lines(0, 5_000));
    const flushing = store.flush();
    // The new file is built over several turns of the event loop; these land in the middle.
    await new Promise((resolve) => setImmediate(resolve));
    store.write('/aws/lambda/a', 's', lines(5_000, 3));
    await flushing;
    await store.flush();
    const file = path.join(dir, encodeURIComponent('/aws/lambda/a'), 's.ndjson');
    const text = await readFile(file, 'utf8');
    assert.equal(text.trimEnd().split('\n').length, 1 + 5_003, 'every line once');
    const reloaded = new LogStore(dir, { clock, flushDelayMs: 60_000 });
    await reloaded.load();
    const seqs = reloaded.groups
      .get('/aws/lambda/a')!
      .streams.get('s')!
      .events.map((e) => e.seq);
    assert.deepEqual(
      seqs,
      Array.from({ length: 5_003 }, (_, i) => i),
    );
  });

  it('writes the lines of a failed flush with the next one, even with nothing new', async () => {
    const store = new LogStore(dir, { clock, flushDelayMs: 60_000 });
    store.write('/aws/lambda/a', 's', lines(0, 2));
    store.write('/aws/lambda/b', 's', lines(100, 1));
    await store.flush();
    const file = path.join(dir, encodeURIComponent('/aws/lambda/a'), 's.ndjson');
    // A folder where the file was: the append fails; the other stream is written all the same.
    await rm(file);
    await mkdir(file);
    store.write('/aws/lambda/a', 's', lines(2, 2));
    store.write('/aws/lambda/b', 's', lines(101, 1));
    await assert.rejects(store.flush(), /EISDIR/);
    await rm(file, { recursive: true });
    await store.flush();
    const reload = async (): Promise<Record<string, string[]>> => {
      const reloaded = new LogStore(dir, { clock, flushDelayMs: 60_000 });
      await reloaded.load();
      const messages = (group: string): string[] =>
        reloaded.groups
          .get(group)!
          .streams.get('s')!
          .events.map((e) => e.message);
      return { a: messages('/aws/lambda/a'), b: messages('/aws/lambda/b') };
    };
    assert.deepEqual(await reload(), {
      a: ['line 0', 'line 1', 'line 2', 'line 3'],
      b: ['line 100', 'line 101'],
    });
    store.write('/aws/lambda/a', 's', lines(4, 1));
    await store.flush();
    assert.deepEqual((await reload()).a, ['line 0', 'line 1', 'line 2', 'line 3', 'line 4']);
  });

  it("delivers each written event to the group's subscribers until they unsubscribe", async () => {
    const store = new LogStore(dir, { clock, flushDelayMs: 60_000 });
    const seen: string[] = [];
    const unsubscribe = store.subscribe('/aws/lambda/a', (e) =>
      seen.push(`${e.logStreamName}:${e.message}`),
    );
    store.write('/aws/lambda/a', 's', lines(0, 2));
    store.write('/aws/lambda/other', 's', lines(5, 1));
    unsubscribe();
    store.write('/aws/lambda/a', 's', lines(9, 1));
    assert.deepEqual(seen, ['s:line 0', 's:line 1']);
    await store.flush();
  });
});
