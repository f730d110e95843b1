import * as assert from 'node:assert/strict';
import {
  describeLogFilter,
  levelOf,
  matchesLogFilter,
  parseLogFilter,
} from '../../../src/extension/logFilter';

const ID = '3b1f6c2a-1d2e-4f5a-9b8c-7d6e5f4a3b2c';
const NODE_INFO = `2026-11-24T12:00:00.000Z\t${ID}\tINFO\tcharging card`;
const NODE_ERROR = `2026-11-24T12:00:00.000Z\t${ID}\tERROR\tcard declined`;
const PY_WARNING = `[WARNING]\t2026-11-24T12:00:00.000Z\t00000000-0000-4000-8000-000000000001\tslow call`;
const JSON_DEBUG = '{"level":"debug","message":"cache miss"}';
const REPORT = `REPORT RequestId: ${ID}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tStatus: timeout`;

describe('log view filter', () => {
  it('reads text, level and request id from one line of input', () => {
    assert.deepEqual(parseLogFilter('level:warn request:3B1F timeout'), {
      minLevel: 'WARN',
      requestId: '3b1f',
      text: 'timeout',
    });
    assert.deepEqual(parseLogFilter('   '), {});
    assert.deepEqual(parseLogFilter('level:loud'), { text: 'level:loud' });
  });

  it('finds the level in Node, Python, JSON and platform lines', () => {
    assert.equal(levelOf(NODE_INFO), 'INFO');
    assert.equal(levelOf(NODE_ERROR), 'ERROR');
    assert.equal(levelOf(PY_WARNING), 'WARN');
    assert.equal(levelOf(JSON_DEBUG), 'DEBUG');
    assert.equal(levelOf(REPORT), 'ERROR');
    assert.equal(levelOf(`START RequestId: ${ID} Version: 1`), undefined);
    const record = (type: string, status: string) =>
      JSON.stringify({ time: 't', type, record: { requestId: ID, status } });
    assert.equal(levelOf(record('platform.report', 'timeout')), 'ERROR');
    assert.equal(levelOf(record('platform.initReport', 'error')), 'ERROR');
    assert.equal(levelOf(record('platform.report', 'success')), undefined);
  });

  it('lets through lines at or above the level', () => {
    const warn = parseLogFilter('level:warn');
    assert.equal(matchesLogFilter(NODE_ERROR, warn), true);
    assert.equal(matchesLogFilter(PY_WARNING, warn), true);
    assert.equal(matchesLogFilter(NODE_INFO, warn), false);
    assert.equal(matchesLogFilter(JSON_DEBUG, warn), false);
  });

  it('matches text and request ids without regard to case', () => {
    assert.equal(matchesLogFilter(NODE_ERROR, parseLogFilter('DECLINED')), true);
    assert.equal(matchesLogFilter(NODE_ERROR, parseLogFilter(`request:${ID.toUpperCase()}`)), true);
    assert.equal(matchesLogFilter(PY_WARNING, parseLogFilter(`request:${ID}`)), false);
    assert.equal(matchesLogFilter(NODE_INFO, {}), true);
  });

  it('describes itself for the view header', () => {
    assert.equal(describeLogFilter({}), 'everything');
    assert.equal(
      describeLogFilter(parseLogFilter('level:error request:abc x')),
      'level ≥ ERROR, request abc, "x"',
    );
  });
});
