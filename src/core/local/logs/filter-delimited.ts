// Space-delimited filter patterns: `[ip, user, ..., status = 4* || status = 5*, bytes > 1000]`.
// A message is split on spaces into fields; text in "double quotes" or [square brackets] is one
// field (without its quotes or brackets). Each named field takes one message field and `...`
// takes any number (none included); a pattern without `...` needs exactly as many fields as it
// names. A field's condition compares it (or another named field) with a value: = and != with
// `*` wildcards or a `%regex%`, and numbers also with < > <= >=; && binds tighter than ||.
import { wildcardRegExp } from './filter-json';
import { checkRegexCount, compileRegex, FilterPatternError, isRegexToken } from './filter-regex';

type Comparison = { field: string; op: string; test: (value: string) => boolean };
/** Alternatives (||) of conjunctions (&&). */
type Condition = Comparison[][];
type Slot = { kind: 'any' } | { kind: 'field'; name: string };

const TOKEN =
  /\s*(\.\.\.|"(?:[^"\\]|\\.)*"|%[^%]*%|&&|\|\||!=|<=|>=|=|<|>|,|\]|[^\s,=!<>&|"%\]]+)/y;
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let position = 1; // after the opening [
  while (position < text.length) {
    if (/^\s*$/.test(text.slice(position))) break;
    TOKEN.lastIndex = position;
    const m = TOKEN.exec(text);
    if (!m) {
      throw new FilterPatternError(
        `Invalid filter pattern near: ${text.slice(position, position + 20)}`,
      );
    }
    tokens.push(m[1]!);
    position = TOKEN.lastIndex;
  }
  return tokens;
}

function comparison(field: string, op: string, raw: string, pattern: string): Comparison {
  if (isRegexToken(raw)) {
    if (op !== '=' && op !== '!=') {
      throw new FilterPatternError(
        `Invalid filter pattern: a regex can only be compared with = or !=, not ${op}`,
      );
    }
    const re = compileRegex(raw);
    return { field, op, test: (value) => re.test(value) === (op === '=') };
  }
  const quoted = raw.startsWith('"');
  const literal = quoted ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
  if (!quoted && NUMBER.test(literal)) {
    const n = Number(literal);
    const compare = (v: number): boolean =>
      op === '='
        ? v === n
        : op === '!='
          ? v !== n
          : op === '<'
            ? v < n
            : op === '>'
              ? v > n
              : op === '<='
                ? v <= n
                : v >= n;
    return {
      field,
      op,
      test: (value) => (NUMBER.test(value) ? compare(Number(value)) : op === '!='),
    };
  }
  if (op !== '=' && op !== '!=') {
    throw new FilterPatternError(
      `Invalid filter pattern: ${op} needs a number, not ${raw}, in ${pattern}`,
    );
  }
  const re = wildcardRegExp(literal);
  return { field, op, test: (value) => re.test(value) === (op === '=') };
}

export function compileDelimitedPattern(text: string): (message: string) => boolean {
  if (!text.endsWith(']')) {
    throw new FilterPatternError(`Invalid filter pattern: ${text} does not end with ]`);
  }
  const tokens = tokenize(text);
  checkRegexCount(tokens.filter(isRegexToken).length, text);
  let i = 0;
  const take = (what: string): string => {
    const token = tokens[i++];
    if (token === undefined)
      throw new FilterPatternError(`Invalid filter pattern: expected ${what} in ${text}`);
    return token;
  };
  const name = (): string => {
    const token = take('a field name');
    if (!NAME.test(token)) {
      throw new FilterPatternError(
        `Invalid filter pattern: ${token} is not a field name in ${text}; name every field, e.g. [level = ERROR, ...]`,
      );
    }
    return token;
  };
  const compare = (field: string): Comparison => {
    const op = take('an operator');
    if (!['=', '!=', '<', '>', '<=', '>='].includes(op)) {
      throw new FilterPatternError(`Invalid filter pattern: unknown operator ${op} in ${text}`);
    }
    return comparison(field, op, take('a value'), text);
  };
  const slots: Slot[] = [];
  const conditions: Condition[] = [];
  for (;;) {
    if (tokens[i] === '...') {
      i++;
      slots.push({ kind: 'any' });
    } else {
      const field = name();
      slots.push({ kind: 'field', name: field });
      if (tokens[i] !== ',' && tokens[i] !== ']') {
        const condition: Condition = [[compare(field)]];
        while (tokens[i] === '&&' || tokens[i] === '||') {
          const joiner = tokens[i++];
          const next = compare(name());
          if (joiner === '&&') condition[condition.length - 1]!.push(next);
          else condition.push([next]);
        }
        conditions.push(condition);
      }
    }
    const separator = take(', or ]');
    if (separator === ']') break;
    if (separator !== ',') {
      throw new FilterPatternError(`Invalid filter pattern: unexpected ${separator} in ${text}`);
    }
  }
  if (i !== tokens.length)
    throw new FilterPatternError(`Invalid filter pattern: trailing input in ${text}`);
  const names = new Set(slots.flatMap((s) => (s.kind === 'field' ? [s.name] : [])));
  for (const c of conditions.flat(2)) {
    if (!names.has(c.field)) {
      throw new FilterPatternError(`Invalid filter pattern: ${c.field} is not a field of ${text}`);
    }
  }
  const plan = alignmentPlan(slots, conditions);
  return (message) => align(slots, splitFields(message), plan);
}

interface AlignmentPlan {
  /** The conditions to test once slot s is bound: all the fields they name are bound then. */
  readyAt: Condition[][];
  /**
   * Whether slots s.. can be laid from field f depends on nothing bound before s (no
   * later condition names an earlier field): then a failure at (s, f) is remembered.
   */
  independent: boolean[];
}

function alignmentPlan(slots: Slot[], conditions: Condition[]): AlignmentPlan {
  const lastSlot = new Map<string, number>();
  slots.forEach((slot, index) => slot.kind === 'field' && lastSlot.set(slot.name, index));
  const readyAt: Condition[][] = slots.map(() => []);
  const span = conditions.map((condition) => {
    const at = condition.flat().map((c) => lastSlot.get(c.field)!);
    const ready = Math.max(...at);
    readyAt[ready]!.push(condition);
    return { first: Math.min(...at), ready };
  });
  const independent = slots.map((_, s) => span.every((c) => c.ready < s || c.first >= s));
  return { readyAt, independent };
}

const conditionHolds = (condition: Condition, bound: Map<string, string>): boolean =>
  condition.some((all) => all.every((c) => c.test(bound.get(c.field)!)));

/**
 * Whether the slots can be laid over the fields (`...` takes any number) with every condition
 * holding. Each condition is tested as soon as its fields are bound, and failed positions are
 * remembered where nothing earlier matters, so several `...` stay polynomial, not exponential.
 */
function align(slots: Slot[], fields: string[], plan: AlignmentPlan): boolean {
  const bound = new Map<string, string>();
  const failed = new Set<number>();
  const width = fields.length + 1;
  const visit = (s: number, f: number): boolean => {
    if (s === slots.length) return f === fields.length;
    const key = s * width + f;
    if (failed.has(key)) return false;
    const slot = slots[s]!;
    let ok = false;
    if (slot.kind === 'any') {
      for (let k = f; k <= fields.length && !ok; k++) ok = visit(s + 1, k);
    } else if (f < fields.length) {
      bound.set(slot.name, fields[f]!);
      ok =
        plan.readyAt[s]!.every((condition) => conditionHolds(condition, bound)) &&
        visit(s + 1, f + 1);
    }
    if (!ok && plan.independent[s]) failed.add(key);
    return ok;
  };
  return visit(0, 0);
}

/** Splits on spaces; "quoted" and [bracketed] text is one field, without its delimiters. */
export function splitFields(message: string): string[] {
  const fields: string[] = [];
  const re = /"([^"]*)"|\[([^\]]*)\]|(\S+)/g;
  for (const m of message.trim().matchAll(re)) fields.push(m[1] ?? m[2] ?? m[3]!);
  return fields;
}
