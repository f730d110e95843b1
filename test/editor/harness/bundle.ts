// Compiles the runner extension and the suites for the extension host with esbuild: one
// CommonJS file each, `vscode` left to the host, mocha bundled into the runner.
import { build, type BuildOptions } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { editorTestDir } from './paths';

export interface TestBundles {
  /** The runner extension's folder (package.json + dist/runner.js), ready to copy. */
  runnerExtension: string;
  /** test-electron's extensionTestsPath. */
  electronIndex: string;
  /**
   * Compiled suite files by suite name, relative to the runner extension's folder: they live
   * inside it so the extension host attributes their `vscode` API to the runner extension.
   */
  suites: Map<string, string>;
}

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode'],
  sourcemap: 'inline',
  logLevel: 'error',
};

export async function bundleTests(outDir: string): Promise<TestBundles> {
  const runnerExtension = path.join(outDir, 'runner');
  mkdirSync(path.join(runnerExtension, 'dist'), { recursive: true });
  copyFileSync(
    path.join(editorTestDir, 'runner', 'package.json'),
    path.join(runnerExtension, 'package.json'),
  );

  const suiteDir = path.join(editorTestDir, 'suite');
  const suiteNames = readdirSync(suiteDir)
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => file.slice(0, -'.test.ts'.length))
    .sort();
  const suites = new Map(suiteNames.map((name) => [name, path.join('suite', `${name}.test.js`)]));

  await Promise.all([
    build({
      ...common,
      entryPoints: { runner: path.join(editorTestDir, 'runner', 'extension.ts') },
      outdir: path.join(runnerExtension, 'dist'),
    }),
    build({
      ...common,
      entryPoints: { index: path.join(editorTestDir, 'runner', 'electronIndex.ts') },
      outdir: path.join(outDir, 'electron'),
    }),
    build({
      ...common,
      entryPoints: Object.fromEntries(
        suiteNames.map((name) => [`${name}.test`, path.join(suiteDir, `${name}.test.ts`)]),
      ),
      outdir: path.join(runnerExtension, 'suite'),
    }),
  ]);
  return { runnerExtension, electronIndex: path.join(outDir, 'electron', 'index.js'), suites };
}
