// npm run bench:activation: how long Flourish takes to activate inside a real editor, and how
// big what it ships is. The production build is packaged as a .vsix and installed into
// code-server the way a user's editor installs it; the test runner inside the extension host
// times `Extension.activate()` (loading the bundle and running `activate()`) in a workspace
// where nothing else has activated it. Each run is a fresh editor, so every figure is a cold
// activation. Targets: activation under 50 ms, .vsix under 2 MB.
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

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const verdict = (ok: boolean) => (ok ? 'within target' : 'OVER TARGET');

async function main(): Promise<number> {
  const toolchain = await prepareToolchain(log);
  const vsix = path.join(cacheDir, 'flourish-bench.vsix');
  log('production build and .vsix');
  await packageVsix(vsix);
  const runDir = mkdtempSync(path.join(tmpdir(), 'flourish-bench-'));
  try {
    const extension = snapshotExtension(path.join(runDir, 'extension'));
    const bundles = await bundleTests(path.join(runDir, 'bundles'));
    const timings: number[] = [];
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
      const ms = results.activation?.activateMs;
      if (results.activation?.alreadyActive || ms === undefined) {
        throw new Error(
          `run ${run}: flourish.flourish was already active in a workspace without flourish.yaml; nothing to time`,
        );
      }
      timings.push(ms);
      log(
        `run ${run}: activate() took ${ms.toFixed(1)} ms (VS Code ${results.vscodeVersion}, Node ${results.nodeVersion})`,
      );
    }

    const sorted = [...timings].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const vsixBytes = statSync(vsix).size;
    console.log('');
    console.log('Flourish activation (cold, inside code-server, timed by the extension host)');
    console.log(`  runs:     ${timings.map((t) => t.toFixed(1)).join(', ')} ms`);
    console.log(`  min:      ${sorted[0].toFixed(1)} ms`);
    console.log(
      `  median:   ${median.toFixed(1)} ms  (target < ${ACTIVATION_TARGET_MS} ms: ${verdict(median < ACTIVATION_TARGET_MS)})`,
    );
    console.log(`  max:      ${sorted[sorted.length - 1].toFixed(1)} ms`);
    console.log(
      `.vsix:      ${kb(vsixBytes)}  (target < 2 MiB: ${verdict(vsixBytes < VSIX_TARGET_BYTES)})`,
    );
    console.log('bundles in dist/ (production build):');
    for (const { file, bytes } of distSizes()) console.log(`  ${kb(bytes).padStart(11)}  ${file}`);
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
