// AWS schedule expressions: `rate(value unit)` and six-field `cron(...)`, as EventBridge
// Scheduler and EventBridge rules accept them. Returns what is wrong, or undefined.

const RATE = /^rate\((.*)\)$/s;
const CRON = /^cron\((.*)\)$/s;

export function scheduleError(expression: string): string | undefined {
  const rate = RATE.exec(expression);
  if (rate) return rateError(rate[1]);
  const cron = CRON.exec(expression);
  if (cron) return cronError(cron[1]);
  return `'${expression}' is not a schedule expression: write rate(5 minutes) or cron(0 12 * * ? *).`;
}

function rateError(body: string): string | undefined {
  const m = /^(\d+) (minute|minutes|hour|hours|day|days)$/.exec(body);
  if (!m) {
    return `rate(${body}) is not a rate: write rate(<positive whole number> <minute|minutes|hour|hours|day|days>), e.g. rate(5 minutes).`;
  }
  const n = Number(m[1]);
  const unit = m[2];
  if (n < 1) return `rate(${body}) must be at least 1.`;
  const singular = !unit.endsWith('s');
  if (n === 1 && !singular)
    return `rate(${body}): with a value of 1 the unit is singular, e.g. rate(1 ${unit.slice(0, -1)}).`;
  if (n !== 1 && singular)
    return `rate(${body}): with a value other than 1 the unit is plural, e.g. rate(${n} ${unit}s).`;
  return undefined;
}

interface CronField {
  name: string;
  min: number;
  max: number;
  names?: string[];
  question?: boolean;
  extra?: RegExp;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const FIELDS: CronField[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  // L = last day, LW = last weekday, 15W = weekday nearest the 15th.
  {
    name: 'day-of-month',
    min: 1,
    max: 31,
    question: true,
    extra: /^(L|LW|([1-9]|[12]\d|3[01])W)$/,
  },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  // L = Saturday (last day of week), 6L = last Friday, 6#3 = third Friday.
  {
    name: 'day-of-week',
    min: 1,
    max: 7,
    names: DAYS,
    question: true,
    extra: /^(L|[1-7]L|[1-7]#[1-5]|(SUN|MON|TUE|WED|THU|FRI|SAT)#[1-5])$/i,
  },
  { name: 'year', min: 1970, max: 2199 },
];

function cronError(body: string): string | undefined {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) {
    return `cron(${body}) has ${parts.length} field${parts.length === 1 ? '' : 's'}; AWS cron has six: minutes hours day-of-month month day-of-week year, e.g. cron(0 12 * * ? *).`;
  }
  for (let i = 0; i < 6; i++) {
    const err = fieldError(parts[i], FIELDS[i]);
    if (err) return `cron(${body}): ${err}`;
  }
  const dom = parts[2];
  const dow = parts[4];
  if ((dom === '?') === (dow === '?')) {
    return `cron(${body}): exactly one of day-of-month and day-of-week must be '?', e.g. cron(0 12 * * ? *) or cron(0 12 ? * MON-FRI *).`;
  }
  return undefined;
}

function fieldError(text: string, f: CronField): string | undefined {
  if (text === '?')
    return f.question
      ? undefined
      : `'?' is only allowed in day-of-month and day-of-week, not ${f.name}.`;
  for (const part of text.split(',')) {
    if (f.extra?.test(part)) continue;
    const [range, step, more] = part.split('/');
    if (more !== undefined) return `'${part}' in ${f.name} has more than one '/'.`;
    if (step !== undefined && !/^\d+$/.test(step))
      return `'${part}' in ${f.name}: the step after '/' must be a whole number.`;
    if (step !== undefined && Number(step) < 1)
      return `'${part}' in ${f.name}: the step must be at least 1.`;
    if (range === '*') continue;
    const bounds = range.split('-');
    if (bounds.length > 2 || bounds.some((b) => b === ''))
      return `'${part}' is not a valid ${f.name} value.`;
    for (const b of bounds) {
      const v = valueOf(b, f);
      if (v === undefined) {
        const named = f.names ? ` or ${f.names[0]}-${f.names[f.names.length - 1]}` : '';
        return `'${b}' is not a valid ${f.name} value (${f.min}-${f.max}${named}).`;
      }
    }
  }
  return undefined;
}

function valueOf(text: string, f: CronField): number | undefined {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    return n >= f.min && n <= f.max ? n : undefined;
  }
  const i = f.names?.indexOf(text.toUpperCase()) ?? -1;
  return i >= 0 ? f.min + i : undefined;
}
