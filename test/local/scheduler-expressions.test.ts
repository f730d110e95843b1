// Schedule expressions in AWS syntax: rate(), cron() with ?, L, W and #, at(), time zones.
import assert from 'node:assert/strict';
import {
  ExpressionError,
  nextFire,
  parseExpression,
} from '../../src/core/local/scheduler/expression';

const at = (iso: string): number => Date.parse(iso);
const next = (expression: string, afterIso: string, zone?: string): string | undefined => {
  const ms = nextFire(parseExpression(expression), at(afterIso), at(afterIso), zone);
  return ms === undefined ? undefined : new Date(ms).toISOString();
};

describe('local cloud: schedule expressions', () => {
  it('counts rate() periods from the anchor', () => {
    const anchor = at('2026-03-01T10:00:00Z');
    const expression = parseExpression('rate(5 minutes)');
    assert.equal(nextFire(expression, anchor, anchor), anchor + 5 * 60_000);
    assert.equal(nextFire(expression, anchor + 12 * 60_000, anchor), anchor + 15 * 60_000);
    assert.equal(nextFire(parseExpression('rate(1 day)'), anchor, anchor), anchor + 86_400_000);
  });

  it('matches cron() minutes, hours, steps, ranges and years', () => {
    assert.equal(next('cron(*/15 * * * ? *)', '2026-03-01T10:07:30Z'), '2026-03-01T10:15:00.000Z');
    assert.equal(
      next('cron(0 18 ? * MON-FRI *)', '2026-03-06T18:00:00Z'),
      '2026-03-09T18:00:00.000Z',
    );
    assert.equal(next('cron(0 0 1 1 ? 2027)', '2026-05-05T00:00:00Z'), '2027-01-01T00:00:00.000Z');
    assert.equal(next('cron(0 0 1 JAN ? 2025)', '2026-05-05T00:00:00Z'), undefined);
  });

  it('understands L, W and # in the day fields', () => {
    assert.equal(next('cron(0 10 L * ? *)', '2026-02-10T00:00:00Z'), '2026-02-28T10:00:00.000Z');
    assert.equal(next('cron(0 9 ? * 6L *)', '2026-03-01T00:00:00Z'), '2026-03-27T09:00:00.000Z');
    assert.equal(next('cron(0 8 ? * 2#1 *)', '2026-03-01T00:00:00Z'), '2026-03-02T08:00:00.000Z');
    assert.equal(next('cron(0 8 15W * ? *)', '2026-03-01T00:00:00Z'), '2026-03-16T08:00:00.000Z');
    assert.equal(next('cron(0 8 1W * ? *)', '2026-01-20T00:00:00Z'), '2026-02-02T08:00:00.000Z');
    assert.equal(next('cron(0 8 LW * ? *)', '2026-05-01T00:00:00Z'), '2026-05-29T08:00:00.000Z');
  });

  it('reads cron() in the schedule time zone, through daylight saving', () => {
    const zone = 'America/New_York';
    assert.equal(
      next('cron(0 9 * * ? *)', '2026-07-01T00:00:00Z', zone),
      '2026-07-01T13:00:00.000Z',
    );
    assert.equal(
      next('cron(0 9 * * ? *)', '2026-01-10T00:00:00Z', zone),
      '2026-01-10T14:00:00.000Z',
    );
  });

  it('fires at() once, at its time', () => {
    assert.equal(
      next('at(2026-06-01T12:00:00)', '2026-05-01T00:00:00Z'),
      '2026-06-01T12:00:00.000Z',
    );
    assert.equal(next('at(2026-06-01T12:00:00)', '2026-06-01T12:00:00Z'), undefined);
  });

  it('refuses malformed expressions with a reason', () => {
    for (const bad of [
      'rate(2 minute)',
      'rate(1 minutes)',
      'rate(5 weeks)',
      'cron(0 12 * * * *)',
      'cron(0 12 ? * 8 *)',
      'cron(61 12 * * ? *)',
      'cron(0 12 * *)',
      'at(2026-02-30T00:00:00)',
      'daily',
    ]) {
      assert.throws(() => parseExpression(bad), ExpressionError, bad);
    }
  });
});
