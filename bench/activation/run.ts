// npm run bench:activation: how long Flourish takes to activate inside a real editor, and how
// big what it ships is. The production build is packaged as a .vsix and installed into
// code-server the way a user's editor installs it; in a workspace where nothing else has
// activated it, the test runner inside the extension host calls `Extension.activate()` and
// reports two views of the same activation: the extension host's own figures (code loading,
// the `activate()` call, until its result resolved; what Developer: Show Running Extensions
// and Developer: Startup Performance show), and the wall time the runner awaited, which also
// holds the host's own work around it (creating the ExtensionContext). Each run is a fresh
// editor, so every figure is a cold activation. Targets: the extension host's activation time
// (load + call + resolved) under 50 ms, .vsix under 2 MB.
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bundleTests } from '../../test/editor/harness/bundle';
import { snapshotExtension } from '../../test/editor/harness/extension';
import { prepareToolchain, type Toolchain } from '../../test/editor/harness/install';
import { cacheDir, logsDir, repoRoot } from '../../test/editor/harness/paths';
import { runLogged } from '../../test/editor/harness/processes';
import { runScenario } from '../../test/editor/harness/runScenario';
import { withCleanup } from '../../test/editor/harness/session';
import type { ActivationTiming } from '../../test/editor/shared/protocol';

const RUNS = Number(process.env.FLOURISH_BENCH_RUNS ?? 5);
const ACTIVATION_TARGET_MS = 50;
const VSIX_TARGET_BYTES = 2 * 1024 * 1024;

function log(line: string): void {
  console.log(`[bench] ${line}`);
}

async function packageVsix(vsix: string): Promise<void> {
  const logFile = path.join(logsDir, 'bench-package.log');
  rmSync(logFile, { force: true });
  await runLogged('npm', ['run', 'build', '--', '--production'], {
    cwd: repoRoot,
    logFile,
    what: 'the production build',
  });
  await runLogged(
    'npx',
    [
      '--no-install',
      'vsce',
      'package',
      '--no-dependencies',
      '--allow-missing-repository',
      // The bench measures size only; README links need no published repository URL here.
      '--no-rewrite-relative-links',
      '--out',
      vsix,
    ],
    { cwd: repoRoot, logFile, what: 'packaging the .vsix (vsce package)' },
  );
}

function distSizes(): { file: string; bytes: number }[] {
  const dist = path.join(repoRoot, 'dist');
  const files: { file: string; bytes: number }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(js|mjs|cjs|css)$/.test(entry.name))
        files.push({ file: path.relative(repoRoot, full), bytes: statSync(full).size });
    }
  };
  walk(dist);
  return files.sort((a, b) => b.bytes - a.bytes);
}

/**
 * Installs the .vsix with code-server's own installer into a scratch folder, then moves the
 * unpacked extension next to the test runner. (Installing straight into the editor's folder
 * would write an extensions.json that lists Flourish only, and the editor would then treat the
 * runner as removed.)
 */
async function installVsix(
  toolchain: Toolchain,
  vsix: string,
  extensionsDir: string,
  runDir: string,
): Promise<void> {
  const scratch = `${extensionsDir}-install`;
  await runLogged(
    toolchain.node,
    [toolchain.codeServerEntry, '--extensions-dir', scratch, '--install-extension', vsix],
    {
      logFile: path.join(logsDir, 'bench-install-extension.log'),
      what: 'installing the .vsix into code-server',
      env: {
        ...process.env,
        XDG_CONFIG_HOME: path.join(runDir, 'xdg-config'),
        XDG_DATA_HOME: path.join(runDir, 'xdg-data'),
      },
    },
  );
  const installed = readdirSync(scratch).filter((name) => name.startsWith('flourish.flourish-'));
  if (installed.length !== 1)
    throw new Error(`code-server installed ${installed.join(', ') || 'nothing'} from ${vsix}`);
  cpSync(path.join(scratch, installed[0]), path.join(extensionsDir, installed[0]), {
    recursive: true,
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const verdict = (ok: boolean) => (ok ? 'within target' : 'OVER TARGET');

async function main(): Promise<number> {
  const toolchain = await prepareToolchain(log);
  const vsix = path.join(cacheDir, 'flourish-bench.vsix');
  log('production build and .vsix');
  await packageVsix(vsix);
  // Read now: dist/ is the working tree's, and another build may replace it during the runs.
  const bundleSizes = distSizes();
  const runDir = mkdtempSync(path.join(tmpdir(), 'flourish-bench-'));
  try {
    const extension = snapshotExtension(path.join(runDir, 'extension'));
    const bundles = await bundleTests(path.join(runDir, 'bundles'));
    const timings: Required<Pick<ActivationTiming, 'activateMs' | 'host'>>[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const results = await runScenario(
        {
          name: `activation-${run}`,
          workspace: 'empty',
          trusted: true,
          suites: [],
          uiChecks: false,
          measureActivation: true,
        },
        {
          toolchain,
          bundles,
          extension,
          runDir,
          timeoutMs: 180_000,
          env: process.env as Record<string, string>,
          log,
          installExtension: (extensionsDir) => installVsix(toolchain, vsix, extensionsDir, runDir),
        },
      );
      const failure =
        results.runnerError ??
        results.tests.find((test) => test.state === 'failed')?.error?.message;
      if (failure) throw new Error(`activation run ${run} failed: ${failure}`);
      const { activateMs, host, alreadyActive } = results.activation ?? {};
      if (alreadyActive || activateMs === undefined || !host) {
        throw new Error(
          `run ${run}: flourish.flourish was already active in a workspace without flourish.yaml; nothing to time`,
        );
      }
      timings.push({ activateMs, host });
      log(
        `run ${run}: extension host: load ${host.codeLoadingMs} ms, activate() ${host.activateCallMs} ms, resolved ${host.activateResolvedMs} ms (event ${host.event}); runner awaited ${activateMs.toFixed(1)} ms (VS Code ${results.vscodeVersion}, Node ${results.nodeVersion})`,
      );
    }

    const hostTotal = (t: (typeof timings)[number]) =>
      t.host.codeLoadingMs + t.host.activateCallMs + t.host.activateResolvedMs;
    const rows: [string, number[]][] = [
      ['extension host: code loading', timings.map((t) => t.host.codeLoadingMs)],
      ['extension host: activate() call', timings.map((t) => t.host.activateCallMs)],
      ['extension host: until resolved', timings.map((t) => t.host.activateResolvedMs)],
      [
        'Running Extensions (load + call)',
        timings.map((t) => t.host.codeLoadingMs + t.host.activateCallMs),
      ],
      ['extension host total', timings.map(hostTotal)],
      ['runner: Extension.activate()', timings.map((t) => t.activateMs)],
    ];
    const hostMedian = median(timings.map(hostTotal));
    const vsixBytes = statSync(vsix).size;
    console.log('');
    console.log(`Flourish activation (cold, inside code-server, ${RUNS} runs, ms)`);
    console.log(
      `  ${''.padEnd(34)}${['median', 'min', 'max'].map((h) => h.padStart(8)).join('')}  runs`,
    );
    for (const [name, values] of rows) {
      const sorted = [...values].sort((a, b) => a - b);
      console.log(
        `  ${name.padEnd(34)}${[median(values), sorted[0], sorted[sorted.length - 1]].map((v) => v.toFixed(1).padStart(8)).join('')}  ${values.map((v) => v.toFixed(1)).join(', ')}`,
      );
    }
    console.log(
      `activation: ${hostMedian.toFixed(1)} ms, the extension host's median total  (target < ${ACTIVATION_TARGET_MS} ms: ${verdict(hostMedian < ACTIVATION_TARGET_MS)})`,
    );
    console.log(
      `.vsix:      ${kb(vsixBytes)}  (target < 2 MiB: ${verdict(vsixBytes < VSIX_TARGET_BYTES)})`,
    );
    console.log('bundles in dist/ (production build):');
    for (const { file, bytes } of bundleSizes) console.log(`  ${kb(bytes).padStart(11)}  ${file}`);
    return 0;
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

withCleanup(main).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(
      `The activation benchmark could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exitCode = 1;
  },
);
