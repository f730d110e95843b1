// Runs the editor suites with mocha inside the extension host and writes RunResults. Shared by
// the runner extension (code-server) and the test-electron entry, so both paths behave alike.
import { readFileSync } from 'node:fs';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { HarnessChannel } from '../shared/channel';
import { writeFileAtomic } from '../shared/files';
import {
  CONFIG_ENV,
  type ActivationTiming,
  type HostActivationTimes,
  type RunConfig,
  type RunResults,
  type TestResult,
} from '../shared/protocol';

export const EXTENSION_ID = 'flourish.flourish';

export function readRunConfig(): RunConfig | undefined {
  const file = process.env[CONFIG_ENV];
  if (!file) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as RunConfig;
}

/** Runs the configured suites and writes the results file; resolves with the results. */
export async function runFromConfig(config: RunConfig): Promise<RunResults> {
  const results: RunResults = {
    scenario: config.scenario,
    vscodeVersion: vscode.version,
    nodeVersion: process.version,
    tests: [],
  };
  try {
    if (config.measureActivation) results.activation = await measureActivation();
    results.tests = await runMocha(config);
  } catch (error) {
    results.runnerError = error instanceof Error ? (error.stack ?? error.message) : String(error);
  }
  writeFileAtomic(config.resultsFile, JSON.stringify(results, null, 2));
  return results;
}

/** Times `activate()` of the extension under test, as the extension host runs it. */
async function measureActivation(): Promise<ActivationTiming> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed in this editor`);
  if (extension.isActive) return { alreadyActive: true };
  const started = performance.now();
  await extension.activate();
  const activateMs = performance.now() - started;
  return { alreadyActive: false, activateMs, host: await hostActivationTimes(EXTENSION_ID) };
}

/** The workbench's Startup Performance document: a text model the extension host can read. */
const PERF_DOCUMENT = vscode.Uri.from({ scheme: 'perf', path: 'Startup Performance' });

/**
 * The extension host's own activation times for an extension, read from the workbench's
 * Developer: Startup Performance document (its "Extension Activation Stats" table is built from
 * the `activationTimes` each extension host reports). The document's provider is registered
 * when the command first runs; the table is filled in once the workbench has settled and is
 * rewritten whenever an extension's status changes, so this waits for the extension's row.
 */
async function hostActivationTimes(id: string, timeoutMs = 60_000): Promise<HostActivationTimes> {
  await vscode.commands.executeCommand('perfview.show');
  const document = await vscode.workspace.openTextDocument(PERF_DOCUMENT);
  const read = () => parseActivationRow(document.getText(), id);
  const found = read();
  if (found) return found;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      reject(
        new Error(
          `no "${id}" row in the Extension Activation Stats of ${PERF_DOCUMENT.toString()} after ${timeoutMs} ms; it read:\n${document.getText().slice(0, 2000)}`,
        ),
      );
    }, timeoutMs);
    const listener = vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.document.uri.toString() !== PERF_DOCUMENT.toString()) return;
      const times = read();
      if (!times) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(times);
    });
  });
}

/**
 * A row of the markdown table under "Extension Activation Stats":
 * | Extension | Eager | Load Code | Call Activate | Finish Activate | Event | By |
 */
export function parseActivationRow(text: string, id: string): HostActivationTimes | undefined {
  const section = text.split(/^## Extension Activation Stats\s*$/m)[1];
  if (!section) return undefined;
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    // A row begins and ends with '|', so cells[0] and the last cell are empty.
    if (cells[1]?.toLowerCase() !== id.toLowerCase()) continue;
    const [codeLoadingMs, activateCallMs, activateResolvedMs] = cells.slice(3, 6).map(Number);
    if ([codeLoadingMs, activateCallMs, activateResolvedMs].some((n) => !Number.isFinite(n)))
      return undefined;
    return { codeLoadingMs, activateCallMs, activateResolvedMs, event: cells[6] ?? '' };
  }
  return undefined;
}

function runMocha(config: RunConfig): Promise<TestResult[]> {
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: config.testTimeoutMs,
    color: false,
    reporter: Mocha.reporters.Base,
  });
  const channel = config.channelDir
    ? new HarnessChannel(config.channelDir, config.scenario)
    : undefined;
  const screenshots = new Map<Mocha.Test, string[]>();

  // A failed test gets a screenshot of the workbench as it is at that moment.
  mocha.suite.afterEach(async function () {
    const test = this.currentTest;
    if (!channel || !test || test.state !== 'failed') return;
    const response = await channel.request(
      { kind: 'screenshot', name: `failed ${test.fullTitle()}` },
      15_000,
    );
    if (response.ok && response.screenshot) screenshots.set(test, [response.screenshot]);
  });

  for (const file of config.suites) mocha.addFile(file);

  return new Promise((resolve, reject) => {
    const tests: TestResult[] = [];
    const record = (test: Mocha.Test, error?: Error) => {
      tests.push({
        titlePath: test.titlePath(),
        state: error ? 'failed' : test.isPending() ? 'pending' : 'passed',
        durationMs: test.duration,
        error: error ? { message: error.message, stack: error.stack } : undefined,
      });
    };
    let runner: Mocha.Runner;
    try {
      runner = mocha.run(() => {
        for (const result of tests) {
          const match = [...screenshots].find(([test]) =>
            samePath(test.titlePath(), result.titlePath),
          );
          if (match) result.screenshots = match[1];
        }
        resolve(tests);
      });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    const { EVENT_TEST_PASS, EVENT_TEST_PENDING, EVENT_TEST_FAIL } = Mocha.Runner.constants;
    runner.on(EVENT_TEST_PASS, (test) => record(test));
    runner.on(EVENT_TEST_PENDING, (test) => record(test));
    runner.on(EVENT_TEST_FAIL, (runnable, error: Error) => {
      if (runnable.type === 'test') {
        record(runnable as Mocha.Test, error);
      } else {
        // A failing hook fails the tests it guards; report it under its own title.
        tests.push({
          titlePath: runnable.titlePath(),
          state: 'failed',
          error: { message: error.message, stack: error.stack },
        });
      }
    });
  });
}

function samePath(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((title, index) => title === b[index]);
}
