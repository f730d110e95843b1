// The readable report: every test with its outcome, errors in full, screenshots by path, and a
// last line `N passed, N failed` alone.
import type { RunResults, TestResult } from '../shared/protocol';

export interface Totals {
  passed: number;
  failed: number;
  pending: number;
}

export function printReport(
  runs: RunResults[],
  write: (line: string) => void = console.log,
): Totals {
  const totals: Totals = { passed: 0, failed: 0, pending: 0 };
  for (const run of runs) {
    write('');
    write(
      `${run.scenario}  (VS Code ${run.vscodeVersion || '?'}, extension host Node ${run.nodeVersion || '?'})`,
    );
    if (run.runnerError) {
      totals.failed++;
      write(`  ✗ the test runner failed`);
      write(indent(run.runnerError, 6));
    }
    for (const test of run.tests) {
      totals[test.state]++;
      write(`  ${line(test)}`);
      if (test.error) write(indent(errorText(test), 6));
      for (const shot of test.screenshots ?? []) write(`      screenshot: ${shot}`);
    }
    if (!run.runnerError && run.tests.length === 0) write('  (no tests ran)');
  }
  write('');
  if (totals.pending > 0) write(`${totals.pending} pending`);
  write(`${totals.passed} passed, ${totals.failed} failed`);
  return totals;
}

function line(test: TestResult): string {
  const title = test.titlePath.join(' › ');
  const time = test.durationMs !== undefined ? ` (${test.durationMs} ms)` : '';
  if (test.state === 'passed') return `✓ ${title}${time}`;
  if (test.state === 'pending') return `- ${title} (pending)`;
  return `✗ ${title}${time}`;
}

function errorText(test: TestResult): string {
  const { message, stack } = test.error ?? { message: '' };
  // Stack frames inside the bundles point into generated files; the message and first frames suffice.
  const frames = (stack ?? '')
    .split('\n')
    .filter((l) => l.trim().startsWith('at '))
    .slice(0, 4);
  return [message, ...frames].join('\n');
}

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return text
    .split('\n')
    .map((l) => pad + l)
    .join('\n');
}
