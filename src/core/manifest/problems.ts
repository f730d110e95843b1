// Collects problems while a manifest is checked, with ranges taken straight from the nodes.
import type { Node } from 'yaml';
import type { Problem, QuickFix, Range, Severity } from './types';
import { Positions } from './yaml-nodes';

export type Path = (string | number)[];

export class ProblemSink {
  readonly problems: Problem[] = [];
  private readonly seen = new Set<string>();

  constructor(readonly positions: Positions) {}

  add(
    code: string,
    severity: Severity,
    message: string,
    at: Node | Range | null | undefined,
    path: Path,
    fixes?: QuickFix[],
  ): void {
    const range = this.rangeOf(at);
    // The same fact can be reached from several stages; say it once.
    const id = `${code}\u0000${path.join('\u0000')}\u0000${range.start.line}:${range.start.character}\u0000${message}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    const p: Problem = { code, message, severity, range, path: path.slice() };
    if (fixes && fixes.length > 0) p.fixes = fixes;
    this.problems.push(p);
  }

  /** Adds a problem checked elsewhere (a cached one), as it is. */
  push(p: Problem): void {
    this.problems.push(p);
  }

  rangeOf(at: Node | Range | null | undefined): Range {
    if (at && 'start' in at) return at;
    return this.positions.ofNode(at ?? undefined) ?? this.positions.range(0, 0);
  }
}

/** How a path reads in messages: functions.hello.events[0].http */
export function showPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out || '(the document)';
}
