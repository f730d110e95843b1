// AWS cron expressions (six fields: minutes hours day-of-month month day-of-week year, with
// `?`, `L`, `W` and `#`) and the next time one matches, in UTC or an IANA time zone.

export class ExpressionError extends Error {}

type DayMatcher = (year: number, month: number, day: number) => boolean;

export interface Cron {
  minutes: Set<number>;
  hours: Set<number>;
  months: Set<number>;
  years: Set<number>;
  day: DayMatcher;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const daysIn = (year: number, month: number): number =>
  new Date(Date.UTC(year, month, 0)).getUTCDate();
/** 1 = Sunday ... 7 = Saturday, as AWS numbers days of the week. */
const weekday = (year: number, month: number, day: number): number =>
  new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;

function value(
  token: string,
  min: number,
  max: number,
  names: string[] | undefined,
  field: string,
): number {
  const named = names?.indexOf(token.toUpperCase()) ?? -1;
  const n = named >= 0 ? named + min : /^\d+$/.test(token) ? Number(token) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ExpressionError(`'${token}' is not a valid ${field} (${min}-${max}).`);
  }
  return n;
}

/** Numbers, names, ranges, steps and lists: `*`, `5`, `1-5`, `*\/15`, `MON-FRI`, `1,15`. */
function set(text: string, min: number, max: number, field: string, names?: string[]): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1)
      throw new ExpressionError(`'${part}' has an invalid step.`);
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [min, max];
    else if (range!.includes('-')) {
      const [a, b] = range!.split('-');
      [from, to] = [value(a!, min, max, names, field), value(b!, min, max, names, field)];
      if (from > to) throw new ExpressionError(`'${part}' is a backwards range.`);
    } else {
      from = value(range!, min, max, names, field);
      to = stepText === undefined ? from : max;
    }
    for (let n = from; n <= to; n += step) out.add(n);
  }
  return out;
}

function dayOfMonth(text: string): DayMatcher {
  if (text === '?' || text === '*') return () => true;
  if (text === 'L') return (y, m, d) => d === daysIn(y, m);
  if (text === 'LW') {
    return (y, m, d) => {
      let last = daysIn(y, m);
      while (weekday(y, m, last) === 1 || weekday(y, m, last) === 7) last--;
      return d === last;
    };
  }
  const nearest = /^(\d{1,2})W$/.exec(text);
  if (nearest) {
    const target = value(nearest[1]!, 1, 31, undefined, 'day of month');
    return (y, m, d) => {
      const length = daysIn(y, m);
      if (target > length) return false;
      let day = target;
      const wd = weekday(y, m, target);
      // The nearest weekday in the same month: Saturday moves back, Sunday forward.
      if (wd === 7) day = target === 1 ? 3 : target - 1;
      else if (wd === 1) day = target === length ? target - 2 : target + 1;
      return d === day;
    };
  }
  const days = set(text, 1, 31, 'day of month');
  return (_y, _m, d) => days.has(d);
}

function dayOfWeek(text: string): DayMatcher {
  if (text === '?' || text === '*') return () => true;
  const nth = /^(\w+)#([1-5])$/.exec(text);
  if (nth) {
    const wanted = value(nth[1]!, 1, 7, DAYS, 'day of week');
    const n = Number(nth[2]);
    return (y, m, d) => weekday(y, m, d) === wanted && Math.ceil(d / 7) === n;
  }
  const last = /^(\w*)L$/.exec(text);
  if (last) {
    const wanted = last[1] === '' ? 7 : value(last[1]!, 1, 7, DAYS, 'day of week');
    return (y, m, d) => weekday(y, m, d) === wanted && d + 7 > daysIn(y, m);
  }
  const days = set(text, 1, 7, 'day of week', DAYS);
  return (y, m, d) => days.has(weekday(y, m, d));
}

export function parseCron(body: string): Cron {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new ExpressionError(
      `cron() takes six fields (minutes hours day-of-month month day-of-week year); got ${fields.length}.`,
    );
  }
  const [min, hour, dom, month, dow, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if ((dom === '?') === (dow === '?')) {
    throw new ExpressionError('Exactly one of day-of-month and day-of-week must be ?.');
  }
  const domMatch = dayOfMonth(dom);
  const dowMatch = dayOfWeek(dow);
  return {
    minutes: set(min, 0, 59, 'minute'),
    hours: set(hour, 0, 23, 'hour'),
    months: set(month, 1, 12, 'month', MONTHS),
    years: set(year, 1970, 2199, 'year'),
    day: (y, m, d) => domMatch(y, m, d) && dowMatch(y, m, d),
  };
}

/** The first whole minute strictly after `afterWallMs` (wall time written as UTC) that matches. */
export function nextCronWall(cron: Cron, afterWallMs: number): number | undefined {
  const t = new Date(Math.floor(afterWallMs / 60_000) * 60_000 + 60_000);
  // Each step moves to the start of the next candidate unit, so this ends within a few
  // thousand steps for any expression that matches again before 2200.
  for (let guard = 0; guard < 200_000; guard++) {
    const y = t.getUTCFullYear();
    if (y > 2199) return undefined;
    if (!cron.years.has(y)) {
      t.setTime(Date.UTC(y + 1, 0, 1));
      continue;
    }
    const m = t.getUTCMonth() + 1;
    if (!cron.months.has(m)) {
      t.setTime(Date.UTC(y, m, 1));
      continue;
    }
    const d = t.getUTCDate();
    if (!cron.day(y, m, d)) {
      t.setTime(Date.UTC(y, m - 1, d + 1));
      continue;
    }
    const h = t.getUTCHours();
    if (!cron.hours.has(h)) {
      t.setTime(Date.UTC(y, m - 1, d, h + 1));
      continue;
    }
    if (!cron.minutes.has(t.getUTCMinutes())) {
      t.setTime(t.getTime() + 60_000);
      continue;
    }
    return t.getTime();
  }
  return undefined;
}
