// npm run test:electron: the same editor suites under @vscode/test-electron, which downloads
// VS Code (this needs a network that reaches Microsoft's update servers; on the project's CI
// machines use npm run test:editor instead). Restricted Mode is left out: test-electron always
// passes --disable-workspace-trust. UI checks are left out: they need the browser harness.
import { runTests } from '@vscode/test-electron';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { scenarios } from './scenarios';
import { bundleTests } from './harness/bundle';
import { buildExtension } from './harness/extension';
import { repoRoot } from './harness/paths';
import { stopAdopted } from './harness/processes';
import { printReport } from './harness/report';
import { adoptLocalCloud } from './harness/runScenario';
import { copyWorkspace } from './harness/workspace';
import { CONFIG_ENV, type RunConfig, type RunResults } from './shared/protocol';

async function main(): Promise<number> {
  await buildExtension();
  const runDir = mkdtempSync(path.join(tmpdir(), 'flourish-electron-'));
  try {
    const bundles = await bundleTests(path.join(runDir, 'bundles'));
    const runs: RunResults[] = [];
    for (const scenario of scenarios.filter((s) => s.trusted)) {
      const home = path.join(runDir, scenario.name);
      mkdirSync(home, { recursive: true });
      const workspace = copyWorkspace(scenario.workspace, path.join(home, 'workspace'));
      const config: RunConfig = {
        scenario: scenario.name,
        suites: scenario.suites.map((name) => {
          const file = bundles.suites.get(name);
          if (!file) throw new Error(`scenario ${scenario.name} names a missing suite: ${name}`);
          return path.join(bundles.runnerExtension, file);
        }),
        resultsFile: path.join(home, 'results.json'),
        testTimeoutMs: 30_000,
      };
      const configFile = path.join(home, 'run-config.json');
      writeFileSync(configFile, JSON.stringify(config, null, 2));
      try {
        await runTests({
          extensionDevelopmentPath: repoRoot,
          // The downloaded VS Code goes to the ignored cache, not .vscode-test/ in the tree.
          cachePath: path.join(repoRoot, '.cache', 'vscode-test'),
          extensionTestsPath: bundles.electronIndex,
          // Its own FLOURISH_HOME: the local cloud's state stays out of ~/.flourish.
          extensionTestsEnv: {
            [CONFIG_ENV]: configFile,
            FLOURISH_HOME: path.join(home, 'flourish-home'),
          },
          launchArgs: [
            workspace,
            '--disable-extensions',
            '--user-data-dir',
            path.join(home, 'user-data'),
          ],
        });
      } catch (error) {
        // A failing suite makes VS Code exit non-zero; the results file says which tests failed.
        if (!existsSync(config.resultsFile)) throw error;
      }
      // A local cloud the suites started runs in a session of its own; stop it by its pid.
      adoptLocalCloud(path.join(home, 'flourish-home'));
      await stopAdopted();
      runs.push(JSON.parse(readFileSync(config.resultsFile, 'utf8')) as RunResults);
    }
    return printReport(runs).failed > 0 ? 1 : 0;
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('The editor tests under test-electron could not run:', error);
    process.exitCode = 1;
  },
);
