// The worker's launch command: the Node.js heap follows the memory setting as in Lambda.
import assert from 'node:assert/strict';
import { nodeHeapArgs } from '../../src/core/local/execution/worker-launch';

describe('worker launch: Node.js heap flags', () => {
  it('gives a tenth of the memory to the young generation and the rest to the old one', () => {
    assert.deepEqual(nodeHeapArgs(128), ['--max-semi-space-size=6', '--max-old-space-size=116']);
    assert.deepEqual(nodeHeapArgs(1024), ['--max-semi-space-size=51', '--max-old-space-size=922']);
    assert.deepEqual(nodeHeapArgs(10240), [
      '--max-semi-space-size=512',
      '--max-old-space-size=9216',
    ]);
  });

  it('keeps a semi-space of at least 1 MB', () => {
    assert.deepEqual(nodeHeapArgs(12), ['--max-semi-space-size=1', '--max-old-space-size=11']);
  });
});
