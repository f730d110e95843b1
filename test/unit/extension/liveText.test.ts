import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { CUT_NOTE, liveText } from '../../../src/extension/invoke/liveText';

describe('invoke panel: live text of a streamed response', () => {
  it('sends the parts gathered since the last message together', async () => {
    const sent: string[] = [];
    const live = liveText({ limit: 100, intervalMs: 10, send: (text) => sent.push(text) });
    live.add('a');
    live.add('b');
    assert.deepEqual(sent, [], 'nothing before the interval');
    await delay(30);
    assert.deepEqual(sent, ['ab']);
    live.add('c');
    live.flush();
    assert.deepEqual(sent, ['ab', 'c'], 'flush sends at once');
    await delay(30);
    assert.deepEqual(sent, ['ab', 'c'], 'and leaves no timer to send it again');
  });

  it('stops at the limit with a note, only when text is dropped', () => {
    const sent: string[] = [];
    const exact = liveText({ limit: 4, intervalMs: 1000, send: (text) => sent.push(text) });
    exact.add('abcd');
    exact.flush();
    assert.deepEqual(sent, ['abcd'], 'exactly the limit: nothing dropped, no note');

    sent.length = 0;
    const over = liveText({ limit: 4, intervalMs: 1000, send: (text) => sent.push(text) });
    over.add('ab');
    over.add('cdef');
    over.add('more');
    over.flush();
    assert.deepEqual(sent, [`abcd${CUT_NOTE}`]);
  });

  it('does not cut a character in two', () => {
    const sent: string[] = [];
    const live = liveText({ limit: 2, intervalMs: 1000, send: (text) => sent.push(text) });
    live.add('a😀'); // the emoji is two UTF-16 units: only its first would fit
    live.flush();
    assert.deepEqual(sent, [`a${CUT_NOTE}`]);
  });
});
