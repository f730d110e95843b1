// Finds the functions a source file exports (JavaScript/TypeScript) or defines at top level
// (Python, Ruby), with their ranges, without a full parser: comments and string literals are
// blanked first so that text inside them is never mistaken for code.
import type { Range } from './types';

export interface HandlerExport {
  name: string;
  /** Where the name is written in the source file. */
  range: Range;
}

export interface ExportScan {
  exports: HandlerExport[];
  /** `export * from` was seen: other names may be exported through it. */
  reexportsAll: boolean;
}

const JS_ID = '[A-Za-z_$][\\w$]*';

export function scanJavaScript(source: string): ExportScan {
  const code = blankJavaScript(source);
  const lines = lineStarts(source);
  const found = new Map<string, number>();
  const add = (name: string, offset: number) => {
    if (!found.has(name)) found.set(name, offset);
  };
  const patterns: RegExp[] = [
    new RegExp(
      `\\bexport\\s+(?:declare\\s+)?(?:default\\s+)?(?:async\\s+)?function\\s*\\*?\\s*(${JS_ID})`,
      'g',
    ),
    new RegExp(`\\bexport\\s+(?:declare\\s+)?(?:const|let|var)\\s+(${JS_ID})`, 'g'),
    new RegExp(`\\bexport\\s+(?:default\\s+)?(?:abstract\\s+)?class\\s+(${JS_ID})`, 'g'),
    new RegExp(`\\b(?:module\\.)?exports\\.(${JS_ID})\\s*=(?!=)`, 'g'),
  ];
  for (const re of patterns) {
    for (const m of code.matchAll(re)) add(m[1], m.index + m[0].lastIndexOf(m[1]));
  }
  // exports['name'] = ...: the string was blanked, so read the name from the original text.
  for (const m of code.matchAll(/\b(?:module\.)?exports\[\s*(["'`])( *)\1\s*\]\s*=(?!=)/g)) {
    const start = m.index + m[0].indexOf(m[1]) + 1;
    const name = source.slice(start, start + m[2].length);
    if (new RegExp(`^${JS_ID}$`).test(name)) add(name, start);
  }
  // export default <expression>: the name is `default`.
  for (const m of code.matchAll(/\bexport\s+default\b/g))
    add('default', m.index + m[0].indexOf('default'));
  // export { a, b as c } [from '...']
  for (const m of code.matchAll(/\bexport\s+(?:type\s+)?\{([^}]*)\}/g)) {
    const bodyStart = m.index + m[0].indexOf('{') + 1;
    for (const spec of specifiers(m[1], bodyStart)) add(spec.name, spec.offset);
  }
  // module.exports = { a, b: c, d() {} } and module.exports = name
  for (const m of code.matchAll(/\bmodule\.exports\s*=(?!=)\s*/g)) {
    const at = m.index + m[0].length;
    if (code[at] === '{') {
      const end = matchingBrace(code, at);
      for (const key of objectKeys(code.slice(at + 1, end), at + 1)) add(key.name, key.offset);
    }
  }
  return {
    exports: toExports(found, lines),
    reexportsAll: /\bexport\s*\*\s*from\b/.test(code),
  };
}

// `else: x = 1` and the like start with a keyword, not a name being bound.
const PYTHON_KEYWORDS = new Set([
  'else',
  'try',
  'finally',
  'if',
  'elif',
  'while',
  'for',
  'with',
  'class',
  'def',
  'lambda',
  'return',
  'match',
  'case',
]);

export function scanPython(source: string): ExportScan {
  const code = blankPython(source);
  const lines = lineStarts(source);
  const found = new Map<string, number>();
  for (const m of code.matchAll(/^(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)/gm)) {
    if (!found.has(m[1])) found.set(m[1], m.index + m[0].length - m[1].length);
  }
  // `handler = Mangum(app)` and similar: a top-level name bound to a callable.
  for (const m of code.matchAll(/^([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=(?!=)/gm)) {
    if (!found.has(m[1]) && !PYTHON_KEYWORDS.has(m[1])) found.set(m[1], m.index);
  }
  return {
    exports: toExports(found, lines),
    reexportsAll: /^from\s+\S+\s+import\s+\*/m.test(code),
  };
}

export function scanRuby(source: string): ExportScan {
  const lines = lineStarts(source);
  const found = new Map<string, number>();
  for (const m of source.matchAll(/^[ \t]*def[ \t]+(?:self\.)?([A-Za-z_]\w*[?!]?)/gm)) {
    if (!found.has(m[1])) found.set(m[1], m.index + m[0].length - m[1].length);
  }
  return {
    exports: toExports(found, lines),
    reexportsAll: false,
  };
}

function specifiers(body: string, base: number): { name: string; offset: number }[] {
  const out: { name: string; offset: number }[] = [];
  let pos = 0;
  for (const part of body.split(',')) {
    const m = new RegExp(
      `^(\\s*)(?:type\\s+)?(${JS_ID}|["'][^"']*["'])(?:\\s+as\\s+(${JS_ID}))?\\s*$`,
    ).exec(part);
    if (m) {
      const name = m[3] ?? m[2];
      const rel = m[3]
        ? part.lastIndexOf(m[3])
        : m[1].length + part.slice(m[1].length).indexOf(m[2]);
      if (/^[A-Za-z_$]/.test(name)) out.push({ name, offset: base + pos + rel });
    }
    pos += part.length + 1;
  }
  return out;
}

/** Top-level keys of an object literal's body: `a`, `b: c`, `d() {}`, `async e() {}`, `...x` skipped. */
function objectKeys(body: string, base: number): { name: string; offset: number }[] {
  const out: { name: string; offset: number }[] = [];
  let depth = 0;
  let start = 0;
  const flush = (end: number) => {
    const part = body.slice(start, end);
    const m = new RegExp(
      `^(\\s*)(?:async\\s+)?(?:get\\s+|set\\s+)?\\*?\\s*(${JS_ID})\\s*(?:[:(,]|$)`,
    ).exec(part);
    if (m && !part.trimStart().startsWith('...'))
      out.push({ name: m[2], offset: base + start + part.indexOf(m[2], m[1].length) });
  };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '{' || c === '(' || c === '[') depth++;
    else if (c === '}' || c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      flush(i);
      start = i + 1;
    }
  }
  flush(body.length);
  return out;
}

function matchingBrace(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '{') depth++;
    else if (code[i] === '}' && --depth === 0) return i;
  }
  return code.length;
}

/**
 * Replaces the contents of comments, strings, template literals and regular expressions with
 * spaces (keeping line breaks and offsets), so patterns only ever match code.
 */
export function blankJavaScript(src: string): string {
  const out = src.split('');
  const blank = (from: number, to: number) => {
    for (let k = from; k < to && k < out.length; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  let i = 0;
  let lastSignificant = '';
  const templateDepth: number[] = [];
  let braceDepth = 0;
  while (i < src.length) {
    const c = src[i];
    const next = src[i + 1];
    if (c === '/' && next === '/') {
      const end = src.indexOf('\n', i);
      const stop = end === -1 ? src.length : end;
      blank(i, stop);
      i = stop;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end === -1 ? src.length : end + 2;
      blank(i, stop);
      i = stop;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      blank(i + 1, j);
      i = j + 1;
      lastSignificant = 'a';
      continue;
    }
    if (
      c === '`' ||
      (c === '}' &&
        templateDepth.length > 0 &&
        templateDepth[templateDepth.length - 1] === braceDepth)
    ) {
      if (c === '}') templateDepth.pop();
      let j = i + 1;
      while (j < src.length && src[j] !== '`' && !(src[j] === '$' && src[j + 1] === '{'))
        j += src[j] === '\\' ? 2 : 1;
      blank(i + 1, j);
      if (src[j] === '$') {
        templateDepth.push(braceDepth);
        i = j + 2;
        lastSignificant = '(';
      } else {
        i = j + 1;
        lastSignificant = 'a';
      }
      continue;
    }
    if (c === '/' && (lastSignificant === '' || /[(,=:[!&|?{};+\-*%<>~^]/.test(lastSignificant))) {
      // A regular expression literal: skip to its closing slash, minding classes and escapes.
      let j = i + 1;
      let inClass = false;
      while (j < src.length && src[j] !== '\n') {
        if (src[j] === '\\') j++;
        else if (src[j] === '[') inClass = true;
        else if (src[j] === ']') inClass = false;
        else if (src[j] === '/' && !inClass) break;
        j++;
      }
      blank(i + 1, j);
      i = j + 1;
      lastSignificant = 'a';
      continue;
    }
    if (c === '{') braceDepth++;
    else if (c === '}') braceDepth--;
    if (!/\s/.test(c)) lastSignificant = /[\w$]/.test(c) ? 'a' : c;
    i++;
  }
  return out.join('');
}

/** Blanks Python comments and string literals (including triple-quoted ones). */
export function blankPython(src: string): string {
  const out = src.split('');
  const blank = (from: number, to: number) => {
    for (let k = from; k < to && k < out.length; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '#') {
      const end = src.indexOf('\n', i);
      const stop = end === -1 ? src.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '"' || c === "'") {
      const triple = src.startsWith(c.repeat(3), i);
      const quote = triple ? c.repeat(3) : c;
      let j = i + quote.length;
      while (j < src.length && !src.startsWith(quote, j) && (triple || src[j] !== '\n'))
        j += src[j] === '\\' ? 2 : 1;
      blank(i + quote.length, j);
      i = j + quote.length;
    } else i++;
  }
  return out.join('');
}

/** In the order they appear in the file. */
function toExports(found: Map<string, number>, lines: number[]): HandlerExport[] {
  return [...found]
    .sort((a, b) => a[1] - b[1])
    .map(([name, offset]) => ({ name, range: rangeAt(lines, offset, name.length) }));
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function rangeAt(starts: number[], offset: number, length: number): Range {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  const character = offset - starts[lo];
  return { start: { line: lo, character }, end: { line: lo, character: character + length } };
}
