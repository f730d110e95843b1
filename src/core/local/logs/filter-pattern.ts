// CloudWatch Logs filter patterns, as FilterLogEvents and the live tail use them: terms,
// "quoted phrases", -exclusions and ?term groups; a `%regex%` on its own; JSON selectors such
// as `{ $.level = "ERROR" && $.ms > 100 }` (filter-json.ts); space-delimited patterns such as
// `[ip, user, status=4*, ...]` (filter-delimited.ts). Matching is case-sensitive, as there.
// src/core/local/README.md lists exactly what is supported.
import { compileDelimitedPattern } from './filter-delimited';
import { compileJsonPattern } from './filter-json';
import { compileRegex, FilterPatternError, isRegexToken } from './filter-regex';

export { FilterPatternError } from './filter-regex';

export type Matcher = (message: string) => boolean;

export function compileFilterPattern(pattern: string | undefined): Matcher {
  const text = (pattern ?? '').trim();
  if (text === '' || text === '""') return () => true;
  if (text.startsWith('{')) return compileJsonPattern(text);
  if (text.startsWith('[')) return compileDelimitedPattern(text);
  if (/^%[^%]*%$/.test(text)) {
    const re = compileRegex(text);
    return (message) => re.test(message);
  }
  return compileTermPattern(text);
}

/** Terms that must all appear, and terms none of which may. */
interface TermGroup {
  required: string[];
  excluded: string[];
}

/**
 * Without `?`, every term must appear and no `-term` may. Each `?term` starts a group that
 * takes the plain and `-` terms after it, and the pattern matches when any group does
 * (`?"ERROR" "MainThread" ?"WARN" "Deadlock"`: ERROR and MainThread, or WARN and Deadlock,
 * as CDK's `FilterPattern.anyTermGroup` writes it). Terms before the first `?` are not in
 * CloudWatch's documentation; here they apply to every group.
 */
function compileTermPattern(text: string): Matcher {
  const shared: TermGroup = { required: [], excluded: [] };
  const groups: TermGroup[] = [];
  const tokens = text.match(/[-?]?"(?:[^"\\]|\\.)*"?|\S+/g) ?? [];
  for (const token of tokens) {
    const sign = token[0] === '-' || token[0] === '?' ? token[0] : '';
    let term = sign ? token.slice(1) : token;
    if (isRegexToken(term)) {
      throw new FilterPatternError(
        `Invalid filter pattern: ${token} is a regex among terms; a regex must be the whole pattern, or a value in a JSON or space-delimited pattern.`,
      );
    }
    if (term.startsWith('"')) {
      if (term.length < 2 || !term.endsWith('"')) {
        throw new FilterPatternError(`Invalid filter pattern: unterminated quote in ${token}`);
      }
      term = term.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    if (sign === '?') groups.push({ required: [], excluded: [] });
    if (term === '') continue;
    const group = groups[groups.length - 1] ?? shared;
    (sign === '-' ? group.excluded : group.required).push(term);
  }
  const matchesGroup = (message: string, group: TermGroup): boolean =>
    group.required.every((t) => message.includes(t)) &&
    !group.excluded.some((t) => message.includes(t));
  return (message) =>
    matchesGroup(message, shared) &&
    (groups.length === 0 || groups.some((group) => matchesGroup(message, group)));
}
