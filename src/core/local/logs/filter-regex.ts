// CloudWatch Logs regex in filter patterns: `%...%`, on its own or as a value in JSON and
// space-delimited patterns. CloudWatch accepts only a subset of regex syntax
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/regex-expressions.html); anything
// outside it is refused here as it is there, so a pattern that works locally works in AWS.

export class FilterPatternError extends Error {}

/** At most this many `%regex%` in one JSON or space-delimited pattern (a documented quota). */
export const MAX_REGEX_PER_PATTERN = 2;

const SYMBOLS = ':_#=@/;,-';
const OPERATORS = '^$?[]{}|\\*+.';
const CLASS_ESCAPES = 'dDsSwW';
const ALLOWED = `letters, digits, the symbols ${[...SYMBOLS].join(' ')} and the operators ${[
  ...OPERATORS,
].join(' ')}`;

/** True for a token written as `%...%`. */
export const isRegexToken = (token: string): boolean =>
  token.length >= 2 && token.startsWith('%') && token.endsWith('%');

/**
 * Compiles the body of a `%...%` token into a RegExp that finds a match anywhere in the text
 * (anchor with `^` and `$`), case-sensitively, or throws a FilterPatternError saying what
 * CloudWatch would refuse.
 */
export function compileRegex(token: string): RegExp {
  const body = token.slice(1, -1);
  const shown = `%${body}%`;
  if (body === '') throw new FilterPatternError(`Invalid filter pattern: empty regex ${shown}.`);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      const next = body[i + 1];
      if (next === undefined)
        throw new FilterPatternError(`Invalid filter pattern: regex ${shown} ends with \\.`);
      if (!CLASS_ESCAPES.includes(next) && !SYMBOLS.includes(next) && !OPERATORS.includes(next)) {
        throw new FilterPatternError(
          `Invalid filter pattern: regex ${shown} uses \\${next}; CloudWatch Logs regex allows \\ before ` +
            `one of ${[...CLASS_ESCAPES].map((e) => `\\${e}`).join(' ')} or a symbol or operator.`,
        );
      }
      i++;
      continue;
    }
    if (c === '(' || c === ')') {
      throw new FilterPatternError(
        `Invalid filter pattern: regex ${shown} uses ${c}; CloudWatch Logs regex does not support parentheses (subpatterns).`,
      );
    }
    if (c.charCodeAt(0) > 0x7f) {
      throw new FilterPatternError(
        `Invalid filter pattern: regex ${shown} contains the multi-byte character ${c}, which CloudWatch Logs regex does not support.`,
      );
    }
    if (!/[A-Za-z0-9]/.test(c) && !SYMBOLS.includes(c) && !OPERATORS.includes(c)) {
      const what = c === ' ' ? 'a space (use \\s)' : `'${c}'`;
      throw new FilterPatternError(
        `Invalid filter pattern: regex ${shown} contains ${what}; CloudWatch Logs regex allows only ${ALLOWED}.`,
      );
    }
  }
  try {
    return new RegExp(body);
  } catch (error) {
    throw new FilterPatternError(`Invalid filter pattern: regex ${shown} is malformed.`, {
      cause: error,
    });
  }
}

/** Throws when a pattern holds more `%regex%` values than CloudWatch allows. */
export function checkRegexCount(count: number, pattern: string): void {
  if (count > MAX_REGEX_PER_PATTERN) {
    throw new FilterPatternError(
      `Invalid filter pattern: ${count} regex in ${pattern}; a filter pattern may have at most ${MAX_REGEX_PER_PATTERN}.`,
    );
  }
}
