// Entry for @vscode/test-electron's `extensionTestsPath`: the same runner, started by VS Code's
// test mode instead of the runner extension. A failing test rejects, so VS Code exits non-zero.
import { readRunConfig, runFromConfig } from './runSuites';
import { CONFIG_ENV } from '../shared/protocol';

export async function run(): Promise<void> {
  const config = readRunConfig();
  if (!config)
    throw new Error(`${CONFIG_ENV} is not set; start the suites with npm run test:electron`);
  const results = await runFromConfig(config);
  if (results.runnerError) throw new Error(`the editor test runner failed: ${results.runnerError}`);
  const failed = results.tests.filter((test) => test.state === 'failed').length;
  if (failed > 0) throw new Error(`${failed} editor test(s) failed in ${config.scenario}`);
}
