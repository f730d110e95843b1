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
  return { alreadyActive: false, activateMs: performance.now() - started };
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
