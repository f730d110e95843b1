// JSON filter patterns: `{ $.level = "ERROR" && $.ms > 100 }`, `{ $.user.id = %^7\d*$% }`.
// The message is the JSON from its first `{` on (Lambda's tab-separated prefix is skipped).
import { checkRegexCount, compileRegex, FilterPatternError, isRegexToken } from './filter-regex';

type Value = string | number | boolean | null;

type Expr =
  | { kind: 'and'; left: Expr; right: Expr }
  | { kind: 'or'; left: Expr; right: Expr }
  | { kind: 'cmp'; path: string[]; op: string; value: Value; wildcard?: RegExp }
  | { kind: 'regex'; path: string[]; negate: boolean; re: RegExp }
  | { kind: 'exists'; path: string[]; negate: boolean };

const TOKEN =
  /\s*(\$(?:\.[A-Za-z0-9_\-@]+|\[\d+\])+|"(?:[^"\\]|\\.)*"|%[^%]*%|&&|\|\||!=|<=|>=|=|<|>|\(|\)|\{|\}|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|[A-Za-z_*][A-Za-z0-9_*.\-]*)/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let position = 0;
  while (position < text.length) {
    if (/^\s*$/.test(text.slice(position))) break;
    TOKEN.lastIndex = position;
    const m = TOKEN.exec(text);
    if (!m)
      throw new FilterPatternError(
        `Invalid filter pattern near: ${text.slice(position, position + 20)}`,
      );
    tokens.push(m[1]!);
    position = TOKEN.lastIndex;
  }
  return tokens;
}

export function compileJsonPattern(text: string): (message: string) => boolean {
  const tokens = tokenize(text);
  checkRegexCount(tokens.filter(isRegexToken).length, text);
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const take = (expected?: string): string => {
    const token = tokens[i++];
    if (token === undefined || (expected !== undefined && token !== expected)) {
      throw new FilterPatternError(
        `Invalid filter pattern: expected ${expected ?? 'more'} in ${text}`,
      );
    }
    return token;
  };
  const parsePath = (token: string): string[] => {
    if (!token.startsWith('$'))
      throw new FilterPatternError(`Invalid filter pattern: ${token} is not a $. selector`);
    return [...token.matchAll(/\.([A-Za-z0-9_\-@]+)|\[(\d+)\]/g)].map((m) => m[1] ?? m[2]!);
  };
  const primary = (): Expr => {
    if (peek() === '(') {
      take('(');
      const inner = orExpr();
      take(')');
      return inner;
    }
    const path = parsePath(take());
    const op = take();
    if (op.toUpperCase() === 'IS' || op.toUpperCase() === 'NOT') {
      const word = take().toUpperCase();
      if (op.toUpperCase() === 'NOT' && word === 'EXISTS')
        return { kind: 'exists', path, negate: true };
      if (word === 'NULL') return { kind: 'cmp', path, op: '=', value: null };
      if (word === 'TRUE' || word === 'FALSE') {
        return { kind: 'cmp', path, op: '=', value: word === 'TRUE' };
      }
      throw new FilterPatternError(`Invalid filter pattern: unexpected ${word}`);
    }
    if (!['=', '!=', '<', '>', '<=', '>='].includes(op)) {
      throw new FilterPatternError(`Invalid filter pattern: unknown operator ${op}`);
    }
    const raw = take();
    if (isRegexToken(raw)) {
      if (op !== '=' && op !== '!=') {
        throw new FilterPatternError(
          `Invalid filter pattern: a regex can only be compared with = or !=, not ${op}`,
        );
      }
      return { kind: 'regex', path, negate: op === '!=', re: compileRegex(raw) };
    }
    const num = Number(raw);
    const value = raw.startsWith('"')
      ? raw.slice(1, -1).replace(/\\(.)/g, '$1')
      : Number.isNaN(num)
        ? raw
        : num;
    // A string is compared through its wildcard pattern, made once here, not per event.
    if (typeof value === 'number') return { kind: 'cmp', path, op, value };
    return { kind: 'cmp', path, op, value, wildcard: wildcardRegExp(value) };
  };
  const andExpr = (): Expr => {
    let left = primary();
    while (peek() === '&&') {
      take();
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };
  const orExpr = (): Expr => {
    let left = andExpr();
    while (peek() === '||') {
      take();
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  };
  take('{');
  const expr = orExpr();
  take('}');
  if (i !== tokens.length)
    throw new FilterPatternError(`Invalid filter pattern: trailing input in ${text}`);
  return (message) => {
    // Only an event that holds a JSON object can match, even `NOT EXISTS`.
    const start = message.indexOf('{');
    if (start === -1) return false;
    let doc: unknown;
    try {
      doc = JSON.parse(message.slice(start));
    } catch {
      return false;
    }
    return evaluate(expr, doc);
  };
}

function select(doc: unknown, path: string[]): { found: boolean; value: unknown } {
  let current: unknown = doc;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !(key in current))
      return { found: false, value: undefined };
    current = (current as Record<string, unknown>)[key];
  }
  return { found: true, value: current };
}

const isScalar = (value: unknown): value is string | number | boolean =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

function evaluate(expr: Expr, doc: unknown): boolean {
  if (expr.kind === 'and') return evaluate(expr.left, doc) && evaluate(expr.right, doc);
  if (expr.kind === 'or') return evaluate(expr.left, doc) || evaluate(expr.right, doc);
  const { found, value } = select(doc, expr.path);
  if (expr.kind === 'exists') return expr.negate ? !found : found;
  if (!found) return false;
  if (expr.kind === 'regex') {
    if (!isScalar(value)) return false;
    return expr.re.test(String(value)) !== expr.negate;
  }
  if (typeof expr.value === 'number') {
    if (typeof value !== 'number') return false;
    switch (expr.op) {
      case '=':
        return value === expr.value;
      case '!=':
        return value !== expr.value;
      case '<':
        return value < expr.value;
      case '>':
        return value > expr.value;
      case '<=':
        return value <= expr.value;
      default:
        return value >= expr.value;
    }
  }
  if (expr.value === null || typeof expr.value === 'boolean') {
    const equal = value === expr.value;
    return expr.op === '!=' ? !equal : equal;
  }
  if (!isScalar(value)) return false;
  const equal = expr.wildcard!.test(String(value));
  return expr.op === '!=' ? !equal : expr.op === '=' ? equal : false;
}

/** `*` matches any run of characters; the rest of the value must match exactly. */
export function wildcardRegExp(value: string): RegExp {
  const parts = value.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`, 's');
}
