// npm run test:editor: the editor suites inside a real VS Code (code-server) on this machine.
//
//   npm run test:editor                      every scenario
//   npm run test:editor -- --scenario NAME   one scenario (repeatable)
//   npm run test:editor -- --no-build        reuse dist/ as it is
//   npm run test:editor -- --keep            keep the editors' folders (logs, workspaces)
//
// The first run installs Node 24, code-server, Chromium and playwright-core into
// .cache/editor/ (several minutes); later runs reuse them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { scenarios } from './scenarios';
import { bundleTests } from './harness/bundle';
import { buildExtension, snapshotExtension } from './harness/extension';
import { prepareToolchain } from './harness/install';
import { cacheDir, resultsDir } from './harness/paths';
import { printReport } from './harness/report';
import { keepLogs, runScenario } from './harness/runScenario';
import { atShutdown, deadline, withCleanup } from './harness/session';
import type { RunResults } from './shared/protocol';

const SCENARIO_TIMEOUT_MS = Number(process.env.FLOURISH_EDITOR_SCENARIO_TIMEOUT_MS ?? 360_000);
const OVERALL_TIMEOUT_MS = Number(process.env.FLOURISH_EDITOR_TIMEOUT_MS ?? 40 * 60_000);

function log(line: string): void {
  console.log(`[editor-tests] ${line}`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', multiple: true },
      'no-build': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
  const selected = values.scenario?.length
    ? scenarios.filter((scenario) => values.scenario?.includes(scenario.name))
    : scenarios;
  if (selected.length === 0) {
    throw new Error(
      `no scenario named ${values.scenario?.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`,
    );
  }

  const toolchain = await prepareToolchain(log);
  if (!values['no-build']) {
    log('building the extension (npm run build)');
    await buildExtension();
  }
  mkdirSync(cacheDir, { recursive: true });
  rmSync(resultsDir, { recursive: true, force: true });
  mkdirSync(resultsDir, { recursive: true });
  const runDir = mkdtempSync(path.join(tmpdir(), 'flourish-editor-'));
  if (!values.keep) atShutdown(() => rmSync(runDir, { recursive: true, force: true }));
  try {
    const extension = snapshotExtension(path.join(runDir, 'extension'));
    const bundles = await bundleTests(path.join(runDir, 'bundles'));
    const runs: RunResults[] = [];
    for (const scenario of selected) {
      const results = await runScenario(scenario, {
        toolchain,
        bundles,
        extension,
        runDir,
        timeoutMs: SCENARIO_TIMEOUT_MS,
        env: process.env as Record<string, string>,
        log,
      });
      const logs = keepLogs(results, runDir);
      if (logs) log(`${scenario.name}: something failed; the editor's logs are kept in ${logs}`);
      runs.push(results);
    }
    writeFileSync(path.join(resultsDir, 'report.json'), JSON.stringify(runs, null, 2));
    const totals = printReport(runs);
    return totals.failed > 0 ? 1 : 0;
  } finally {
    if (values.keep) log(`kept the editors' folders in ${runDir}`);
    else rmSync(runDir, { recursive: true, force: true });
  }
}

const overall = deadline(OVERALL_TIMEOUT_MS, 'the editor tests');
withCleanup(() => Promise.race([main(), overall.promise]))
  .then((code) => {
    overall.cancel();
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    overall.cancel();
    console.error(
      `\nThe editor tests could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    if (error instanceof Error && error.cause) console.error('Caused by:', error.cause);
    console.log('0 passed, 1 failed');
    // Work abandoned by a timeout may still hold timers; every process is already stopped.
    process.exit(1);
  });
