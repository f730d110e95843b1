// Shared helpers for the manifest tests: inline YAML, problem lookup, and range-to-text checks.
import assert from 'node:assert/strict';
import {
  parseManifest,
  type ManifestDocument,
  type Problem,
  type Range,
} from '../../../src/core/manifest';

/** Strips the common indentation of a template literal so fixtures can be indented in code. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce(
    (acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''),
    '',
  );
  const lines = raw
    .replace(/^\n/, '')
    .replace(/\n[ \t]*$/, '\n')
    .split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** A fixed day, so runtime retirement does not change under the tests. */
export const NOW = new Date('2026-11-24T12:00:00Z');

export function parse(text: string, stage?: string): ManifestDocument {
  return parseManifest(text, { file: '/project/flourish.yaml', stage, now: NOW });
}

export function codes(problems: Problem[]): string[] {
  return problems.map((p) => p.code).sort();
}

export function only(problems: Problem[], code: string): Problem {
  const found = problems.filter((p) => p.code === code);
  assert.equal(
    found.length,
    1,
    `expected one ${code}, got: ${JSON.stringify(
      problems.map((p) => `${p.code}: ${p.message}`),
      null,
      1,
    )}`,
  );
  return found[0];
}

/** The text a range covers, to assert ranges exactly without counting columns by hand. */
export function textAt(text: string, range: Range): string {
  const lines = text.split('\n');
  if (range.start.line === range.end.line)
    return lines[range.start.line].slice(range.start.character, range.end.character);
  const out = [lines[range.start.line].slice(range.start.character)];
  for (let l = range.start.line + 1; l < range.end.line; l++) out.push(lines[l]);
  out.push(lines[range.end.line].slice(0, range.end.character));
  return out.join('\n');
}

/** Asserts exactly one problem with `code`, at the given line (0-based), covering `covered`. */
export function expectProblem(
  text: string,
  problems: Problem[],
  code: string,
  covered: string,
  line?: number,
): Problem {
  const p = only(problems, code);
  assert.equal(textAt(text, p.range), covered, `range of ${code}`);
  if (line !== undefined) assert.equal(p.range.start.line, line, `line of ${code}`);
  return p;
}

export const BASE = yaml`
  service: shop
  defaults:
    runtime: nodejs22.x
  functions:
    hello:
      handler: src/hello.handler
`;
