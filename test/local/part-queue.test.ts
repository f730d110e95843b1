// The queue between a function's streamed response and its reader: order, end, and the flow
// control that holds a function back while its reader is behind.
import assert from 'node:assert/strict';
import { HIGH_WATER, LOW_WATER, PartQueue } from '../../src/core/local/lambda/part-queue';

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
});
