// The queue between a function's streamed response and its reader: order, end, and the flow
// control that holds a function back while its reader is behind.
import assert from 'node:assert/strict';
import {
  HIGH_WATER,
  LOW_WATER,
  PartQueue,
  type Pace,
} from '../../src/core/local/lambda/part-queue';

/** A pace on a clock of its own: sleeping moves it on, and records how long. */
function fakePace(
  uncappedBytes: number,
  bytesPerSecond: number,
): Pace & { slept: number[]; clock: number } {
  const pace = {
    uncappedBytes,
    bytesPerSecond,
    clock: 0,
    slept: [] as number[],
    now: () => pace.clock,
    sleep: async (ms: number) => {
      pace.slept.push(ms);
      pace.clock += ms;
    },
  };
  return pace;
}

function recorder(): { calls: string[]; pause(): void; resume(): void } {
  const calls: string[] = [];
  return { calls, pause: () => calls.push('pause'), resume: () => calls.push('resume') };
}

describe('local cloud: streamed parts queue', () => {
  it('hands parts over in order and ends when told', async () => {
    const queue = new PartQueue();
    queue.push(Buffer.from('a'), 'text/plain');
    queue.push(Buffer.from('b'), 'text/html');
    queue.end(true);
    const read: string[] = [];
    for await (const part of queue) read.push(part.toString());
    assert.deepEqual(read, ['a', 'b']);
    assert.equal(queue.contentType, 'text/plain');
    assert.equal(queue.streamEnded, true);
  });

  it('pauses the stream past the high-water mark and resumes it at the low one', async () => {
    const flow = recorder();
    const queue = new PartQueue();
    const part = Buffer.alloc(256 * 1024);
    const parts = HIGH_WATER / part.length + 1;
    for (let i = 0; i < parts; i++) queue.push(part, 'x', flow);
    assert.deepEqual(flow.calls, ['pause'], 'paused once, when over the mark');
    const reader = queue[Symbol.asyncIterator]();
    let read = 0;
    while ((parts - read) * part.length > LOW_WATER) {
      assert.deepEqual(flow.calls, ['pause'], `still paused after ${read} parts`);
      await reader.next();
      read++;
    }
    assert.deepEqual(flow.calls, ['pause', 'resume']);
    queue.end();
    while (!(await reader.next()).done) read++;
    assert.equal(read, parts);
  });

  it('lets the stream go, and keeps nothing, once its reader is gone', async () => {
    const flow = recorder();
    const queue = new PartQueue();
    for (let i = 0; i < 5; i++) queue.push(Buffer.alloc(HIGH_WATER / 2), 'x', flow);
    const reader = queue[Symbol.asyncIterator]();
    await reader.next();
    await reader.return(undefined);
    assert.deepEqual(flow.calls, ['pause', 'resume']);
    queue.push(Buffer.from('late'), 'x', flow);
    assert.deepEqual(flow.calls, ['pause', 'resume'], 'a late part is dropped, not queued');
  });

  it('hands the first bytes over at once and holds the rest to the capped rate', async () => {
    const pace = fakePace(10, 100); // 10 bytes uncapped, then 100 bytes a second
    const queue = new PartQueue(pace);
    for (let i = 0; i < 6; i++) queue.push(Buffer.alloc(5), 'x');
    queue.end(true);
    const readAt: number[] = [];
    for await (const part of queue) {
      assert.equal(part.length, 5);
      readAt.push(pace.clock);
    }
    // Two parts make the burst. Past it, a part waits until the one before it is paid for:
    // 5 bytes, 50 ms.
    assert.deepEqual(readAt, [0, 0, 0, 50, 100, 150]);
    assert.deepEqual(pace.slept, [50, 50, 50]);
  });

  it('does not hold back a reader that is slower than the cap anyway', async () => {
    const pace = fakePace(10, 100);
    const queue = new PartQueue(pace);
    for (let i = 0; i < 6; i++) queue.push(Buffer.alloc(5), 'x');
    queue.end(true);
    for await (const _part of queue) pace.clock += 1000; // the reader takes a second a part
    assert.deepEqual(pace.slept, []);
  });

  it('credits a pause with a little time only, so a late burst is held to the rate too', async () => {
    const pace = fakePace(10, 100);
    const queue = new PartQueue(pace);
    const reader = queue[Symbol.asyncIterator]();
    for (let i = 0; i < 3; i++) queue.push(Buffer.alloc(5), 'x');
    for (let i = 0; i < 3; i++) await reader.next();
    pace.clock += 10_000; // the function computes for ten seconds, then writes a lot at once
    for (let i = 0; i < 6; i++) queue.push(Buffer.alloc(5), 'x');
    queue.end(true);
    const readAt: number[] = [];
    while (!(await reader.next()).done) readAt.push(pace.clock);
    // 100 ms of credit is 10 bytes: two parts, then the rate again.
    assert.deepEqual(readAt, [10_000, 10_000, 10_000, 10_050, 10_100, 10_150]);
  });
});
