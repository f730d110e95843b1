// One scenario: a fresh editor (code-server + headless Chromium) with the extension and the
// runner installed and the scenario's workspace open; the suites run inside, the UI checks
// follow; everything started is stopped before this returns, whatever happened.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Scenario } from '../scenarios';
import { waitForFile } from '../shared/files';
import { CONFIG_ENV, type RunConfig, type RunResults } from '../shared/protocol';
import { openWorkbench, type Workbench } from './browser';
import type { TestBundles } from './bundle';
import { ChannelServer } from './channelServer';
import { startCodeServer, type CodeServer } from './codeServer';
import { placeExtension, readPackageJson } from './extension';
import type { Toolchain } from './install';
import { stopAdopted, tail, trackProcess } from './processes';
import { resultsDir } from './paths';
import { saveScreenshot } from './screenshots';
import { runUiChecks } from './uiChecks';
import { copyWorkspace } from './workspace';

export interface ScenarioContext {
  toolchain: Toolchain;
  bundles: TestBundles;
  /** The built extension (see snapshotExtension). */
  extension: string;
  /** This run's scratch folder; each scenario gets a subfolder. */
  runDir: string;
  /** How long the suites may take inside the editor, from code-server's start. */
  timeoutMs: number;
  env: Record<string, string>;
  log: (line: string) => void;
  /** Puts the extension under test into the extensions folder; default: the built working tree. */
  installExtension?: (extensionsDir: string) => Promise<void>;
}

export async function runScenario(
  scenario: Scenario,
  context: ScenarioContext,
): Promise<RunResults> {
  const home = path.join(context.runDir, scenario.name);
  const channelDir = path.join(home, 'channel');
  const extensionsDir = path.join(home, 'extensions');
  mkdirSync(channelDir, { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const workspace = copyWorkspace(scenario.workspace, path.join(home, 'workspace'));
  if (context.installExtension) await context.installExtension(extensionsDir);
  else placeExtension(context.extension, extensionsDir);
  const runnerDir = path.join(extensionsDir, 'flourish-test.editor-test-runner-0.0.0');
  cpSync(context.bundles.runnerExtension, runnerDir, { recursive: true });

  const config: RunConfig = {
    scenario: scenario.name,
    suites: scenario.suites.map((name) => {
      const file = context.bundles.suites.get(name);
      if (!file)
        throw new Error(
          `scenario ${scenario.name} names suite "${name}", but test/editor/suite/${name}.test.ts does not exist`,
        );
      return path.join(runnerDir, file);
    }),
    resultsFile: path.join(home, 'results.json'),
    channelDir,
    testTimeoutMs: 30_000,
    measureActivation: scenario.measureActivation,
  };
  const flourishHome = path.join(home, 'flourish-home');
  const configFile = path.join(home, 'run-config.json');
  writeFileSync(configFile, JSON.stringify(config, null, 2));

  let server: CodeServer | undefined;
  let workbench: Workbench | undefined;
  let channel: ChannelServer | undefined;
  const started = Date.now();
  try {
    context.log(
      `${scenario.name}: starting code-server (${scenario.trusted ? 'trusted' : 'Restricted Mode'}) on ${workspace}`,
    );
    server = await startCodeServer({
      node: context.toolchain.node,
      entry: context.toolchain.codeServerEntry,
      home,
      extensionsDir,
      workspace,
      trusted: scenario.trusted,
      // The local cloud keeps its state (and finds a running instance) under FLOURISH_HOME;
      // each editor gets its own, so no run shares or touches the user's ~/.flourish.
      env: { ...context.env, [CONFIG_ENV]: configFile, FLOURISH_HOME: flourishHome },
    });
    workbench = await openWorkbench(
      context.toolchain.chromium,
      context.toolchain.playwrightCore,
      home,
      server.url,
    );
    const page = workbench.page;
    channel = new ChannelServer(
      channelDir,
      () => page,
      scenario.name,
      () => ({
        pkg: readPackageJson(context.extension),
        workspace,
      }),
    );
    context.log(`${scenario.name}: workbench open at ${server.url}; waiting for the suites`);
    await waitForFile(
      config.resultsFile,
      context.timeoutMs - (Date.now() - started),
      `the test runner in the extension host to finish ${scenario.name}`,
      server.exited,
    );
    const results = JSON.parse(readFileSync(config.resultsFile, 'utf8')) as RunResults;
    if (scenario.uiChecks) {
      results.tests.push(
        ...(await runUiChecks({
          page,
          scenario: scenario.name,
          pkg: readPackageJson(context.extension),
          workspace,
        })),
      );
    }
    return results;
  } catch (error) {
    const shot = workbench
      ? await saveScreenshot(workbench.page, scenario.name, 'editor run failed').catch(
          () => undefined,
        )
      : undefined;
    const logs = server ? `\nLast lines of ${server.logFile}:\n${tail(server.logFile, 20)}` : '';
    const hostLog = extensionHostLog(home);
    return {
      scenario: scenario.name,
      vscodeVersion: '',
      nodeVersion: '',
      tests: [
        {
          titlePath: [scenario.name, 'the editor run'],
          state: 'failed',
          error: { message: `${(error as Error).message}${logs}${hostLog}` },
          screenshots: shot ? [shot] : [],
        },
      ],
    };
  } finally {
    channel?.close();
    await workbench?.stop();
    await server?.stop();
    adoptLocalCloud(flourishHome);
    await stopAdopted();
  }
}

/**
 * Keeps the editor's logs (code-server, extension host, the Flourish output channels, the local
 * cloud) under test-results/ when something failed: the editor's own folder is removed after the
 * run, and the reason for a failure is usually in there.
 */
export function keepLogs(results: RunResults, runDir: string): string | undefined {
  const failed = results.runnerError || results.tests.some((test) => test.state === 'failed');
  if (!failed) return undefined;
  const home = path.join(runDir, results.scenario);
  const target = path.join(resultsDir, 'logs', results.scenario);
  mkdirSync(target, { recursive: true });
  const keep = [
    ['code-server.log', 'code-server.log'],
    [path.join('user-data', 'logs'), 'editor'],
    [path.join('flourish-home', 'local-cloud.log'), 'local-cloud.log'],
  ];
  for (const [from, to] of keep) {
    const source = path.join(home, from);
    if (existsSync(source)) cpSync(source, path.join(target, to), { recursive: true });
  }
  return target;
}

/**
 * A local cloud the extension started runs in a session of its own and outlives the editor;
 * its endpoint file under FLOURISH_HOME names its pid, so the harness can stop it.
 */
export function adoptLocalCloud(flourishHome: string): void {
  const file = path.join(flourishHome, 'endpoint.json');
  if (!existsSync(file)) return;
  const { pid } = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown };
  if (typeof pid === 'number') trackProcess(pid);
}

/** The tail of the extension host's log, where an extension's activation errors land. */
function extensionHostLog(home: string): string {
  const logs = path.join(home, 'user-data', 'logs');
  if (!existsSync(logs)) return '';
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'exthost.log') found.push(full);
    }
  };
  walk(logs);
  return found.map((file) => `\nLast lines of ${file}:\n${tail(file, 20)}`).join('');
}
