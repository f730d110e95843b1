import assert from 'node:assert/strict';
import {
  outcomeView,
  RESPONSE_VIEW_LIMIT,
  responseText,
} from '../../../src/extension/invoke/outcomeView';

describe('invoke panel: what an invocation shows', () => {
  it('reads the numbers from the REPORT line and pretty-prints a JSON response', () => {
    const view = outcomeView(
      {
        statusCode: 200,
        payload: Buffer.from('{"a":1}'),
        executedVersion: '3',
        requestId: 'r-1',
        log:
          'START RequestId: r-1 Version: 3\n' +
          'REPORT RequestId: r-1\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 256 MB\tMax Memory Used: 42 MB\tInit Duration: 150.00 ms\t\n',
      },
      1000,
      20,
    );
    assert.equal(view.response, '{\n  "a": 1\n}');
    assert.equal(view.durationMs, 12.34);
    assert.equal(view.billedDurationMs, 13);
    assert.equal(view.memoryUsedMB, 42);
    assert.equal(view.memorySizeMB, 256);
    assert.equal(view.initDurationMs, 150);
    assert.equal(view.coldStart, true);
    assert.equal(view.executedVersion, '3');
  });

  it('shows text that is not JSON as it is', () => {
    assert.equal(responseText(Buffer.from('first part\nsecond part')), 'first part\nsecond part');
  });

  it('shows the first megabyte of a larger response and says how large it was', () => {
    // A three-byte character straddles the limit: it is left out, not shown in half.
    const payload = Buffer.concat([
      Buffer.alloc(RESPONSE_VIEW_LIMIT - 1, 'x'),
      Buffer.from('€'),
      Buffer.alloc(3 * 1024 * 1024, 'y'),
    ]);
    const text = responseText(payload);
    const [shown, note] = text.split('\n');
    assert.equal(shown, 'x'.repeat(RESPONSE_VIEW_LIMIT - 1));
    assert.equal(note, '… (4.0 MB in all; the panel shows the first 1.0 MB)');
  });
});
