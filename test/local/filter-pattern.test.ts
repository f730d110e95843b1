// CloudWatch Logs filter pattern syntax, as the local cloud's FilterLogEvents and tail use it.
import assert from 'node:assert/strict';
import { compileFilterPattern, FilterPatternError } from '../../src/core/local';

const matches = (pattern: string, lines: string[]): string[] =>
  lines.filter(compileFilterPattern(pattern));

describe('local cloud: filter patterns', () => {
  const lines = [
    'ERROR disk full',
    'WARN disk nearly full',
    'INFO all good',
    'error lower case',
    'ERROR: timeout after 3s',
  ];

  it('matches everything with an empty pattern', () => {
    assert.deepEqual(matches('', lines), lines);
    assert.deepEqual(matches('""', lines), lines);
  });

  it('requires every term, case-sensitively', () => {
    assert.deepEqual(matches('ERROR', lines), ['ERROR disk full', 'ERROR: timeout after 3s']);
    assert.deepEqual(matches('ERROR full', lines), ['ERROR disk full']);
  });

  it('matches quoted phrases as one term', () => {
    assert.deepEqual(matches('"nearly full"', lines), ['WARN disk nearly full']);
    assert.deepEqual(matches('"disk full"', lines), ['ERROR disk full']);
  });

  it('excludes terms with a minus sign', () => {
    assert.deepEqual(matches('disk -WARN', lines), ['ERROR disk full']);
    assert.deepEqual(matches('full -"nearly full"', lines), ['ERROR disk full']);
  });

  it('matches any of the ?alternatives', () => {
    assert.deepEqual(matches('?WARN ?INFO', lines), ['WARN disk nearly full', 'INFO all good']);
    assert.deepEqual(matches('?timeout ?good -INFO', lines), ['ERROR: timeout after 3s']);
  });

  describe('JSON selectors', () => {
    const json = [
      '{"level":"ERROR","ms":250,"user":{"id":7,"name":"ann"},"tags":["a","b"],"ok":false}',
      '2026-01-01T00:00:00Z\tabc\tINFO\t{"level":"INFO","ms":20,"user":{"id":8},"ok":true,"gone":null}',
      'not json at all',
    ];
    const only = (pattern: string): number[] =>
      json.map((line, i) => (compileFilterPattern(pattern)(line) ? i : -1)).filter((i) => i >= 0);

    it('compares strings, with * wildcards', () => {
      assert.deepEqual(only('{ $.level = "ERROR" }'), [0]);
      assert.deepEqual(only('{ $.level != "ERROR" }'), [1]);
      assert.deepEqual(only('{ $.user.name = "a*" }'), [0]);
    });

    it('compares numbers and follows nested paths and indexes', () => {
      assert.deepEqual(only('{ $.ms > 100 }'), [0]);
      assert.deepEqual(only('{ $.ms <= 20 }'), [1]);
      assert.deepEqual(only('{ $.user.id = 8 }'), [1]);
      assert.deepEqual(only('{ $.tags[1] = "b" }'), [0]);
    });

    it('combines with && and ||, and groups with parentheses', () => {
      assert.deepEqual(only('{ $.level = "INFO" && $.ms < 100 }'), [1]);
      assert.deepEqual(only('{ $.ms > 1000 || $.user.id = 7 }'), [0]);
      assert.deepEqual(only('{ ($.ms > 1000 || $.user.id = 8) && $.level = "INFO" }'), [1]);
    });

    it('tests booleans, null and absence', () => {
      assert.deepEqual(only('{ $.ok IS TRUE }'), [1]);
      assert.deepEqual(only('{ $.ok IS FALSE }'), [0]);
      assert.deepEqual(only('{ $.gone IS NULL }'), [1]);
      assert.deepEqual(only('{ $.gone NOT EXISTS }'), [0]);
    });

    it('rejects a malformed selector', () => {
      for (const bad of ['{ $.level = }', '{ level = "x" }', '{ $.a ~ 1 }', '{ $.a = 1 ']) {
        assert.throws(() => compileFilterPattern(bad), FilterPatternError, bad);
      }
      assert.throws(() => compileFilterPattern('"unterminated'), FilterPatternError);
    });
  });
});
