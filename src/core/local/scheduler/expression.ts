// Schedule expressions as EventBridge Scheduler takes them: rate(), cron() and at(), and the
// next time each fires after a given instant.
import { ExpressionError, nextCronWall, parseCron, type Cron } from './cron';

export { ExpressionError };

export type Expression =
  | { kind: 'rate'; periodMs: number }
  | { kind: 'cron'; cron: Cron }
  | { kind: 'at'; wallMs: number };

const RATE_UNITS: Record<string, number> = {
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
};

export function parseExpression(text: string): Expression {
  const rate = /^rate\((\d+)\s+([a-z]+)\)$/.exec(text);
  if (rate) {
    const count = Number(rate[1]);
    const unit = rate[2]!;
    if (count < 1 || RATE_UNITS[unit] === undefined || (count === 1) !== !unit.endsWith('s')) {
      throw new ExpressionError(
        `Invalid rate expression '${text}': use a positive whole number and minute(s), hour(s) or day(s), singular for 1 (rate(1 minute), rate(5 minutes)).`,
      );
    }
    return { kind: 'rate', periodMs: count * RATE_UNITS[unit]! };
  }
  const cron = /^cron\((.+)\)$/.exec(text);
  if (cron) return { kind: 'cron', cron: parseCron(cron[1]!) };
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(text);
  if (at) {
    const [y, mo, d, h, mi, s] = at.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const wallMs = Date.UTC(y, mo - 1, d, h, mi, s);
    if (new Date(wallMs).getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
      throw new ExpressionError(`Invalid at expression '${text}': not a real date and time.`);
    }
    return { kind: 'at', wallMs };
  }
  throw new ExpressionError(
    `Invalid Schedule Expression ${text}. Use rate(value unit), cron(minutes hours day-of-month month day-of-week year) or at(yyyy-mm-ddThh:mm:ss).`,
  );
}

export function checkTimezone(zone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new ExpressionError(
      `Invalid ScheduleExpressionTimezone '${zone}': not an IANA time zone.`,
    );
  }
}

/** Milliseconds the zone's wall clock is ahead of UTC at `utcMs`. */
function offsetMs(zone: string, utcMs: number): number {
  if (zone === 'UTC' || zone === 'Etc/UTC') return 0;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(utcMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return wall - Math.floor(utcMs / 1000) * 1000;
}

const toWall = (zone: string, utcMs: number): number => utcMs + offsetMs(zone, utcMs);
const toUtc = (zone: string, wallMs: number): number =>
  wallMs - offsetMs(zone, wallMs - offsetMs(zone, wallMs));

/**
 * The first time strictly after `afterMs` the expression fires. A rate counts whole periods
 * from `anchorMs` (the start date, else when the schedule was last written).
 */
export function nextFire(
  expression: Expression,
  afterMs: number,
  anchorMs: number,
  zone = 'UTC',
): number | undefined {
  switch (expression.kind) {
    case 'rate': {
      const periods = Math.max(1, Math.floor((afterMs - anchorMs) / expression.periodMs) + 1);
      return anchorMs + periods * expression.periodMs;
    }
    case 'cron': {
      const wall = nextCronWall(expression.cron, toWall(zone, afterMs));
      return wall === undefined ? undefined : toUtc(zone, wall);
    }
    case 'at': {
      const at = toUtc(zone, expression.wallMs);
      return at > afterMs ? at : undefined;
    }
  }
}
