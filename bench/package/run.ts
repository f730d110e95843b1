// Cold package time of Flourish against `serverless package` (Serverless Framework v3) and
// Info-ZIP `zip -r` (the floor) on the same example with a realistic node_modules, and
// Flourish's repackage time when nothing changed. One run: `npm run bench:package`
// (BENCH_RUNS=n for more samples per tool, default 3). The tools run interleaved; ratios use
// each tool's best run, since on a shared machine interference only ever adds time. An
// unchanged repackage stats every chosen file and walked folder once and reads nothing else
// of the tree; the time of those stats alone is printed as its floor.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { readFile, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { packageFunction, selectFiles, type PackageResult } from '../../src/core/build';
import {
  benchDir,
  benchFunction,
  benchManifest,
  ensureExample,
  projectDir,
  repo,
  serverlessBin,
} from './example';
import { median, timeCommand, type Timing } from './timing';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const SERVERLESS_ENV = {
  SLS_TELEMETRY_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
  SLS_DEPRECATION_DISABLE: '*',
  SLS_INTERACTIVE_SETUP_DISABLE: '1',
};

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const millis = (n: number) => `${n.toFixed(1)} ms`;

async function bundlePackOnce(): Promise<string> {
  const outfile = path.join(benchDir, 'packOnce.cjs');
  await esbuild.build({
    entryPoints: [path.join(__dirname, 'packOnce.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    // Only the built-in bundle step loads esbuild, and not in this benchmark.
    external: ['esbuild'],
    logLevel: 'warning',
  });
  return outfile;
}

function zipAvailable(): boolean {
  try {
    execFileSync('zip', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function inProcess(cacheDir: string): Promise<{ ms: number; result: PackageResult }> {
  const start = performance.now();
  const result = await packageFunction(benchManifest(), benchFunction, { cacheDir });
  return { ms: performance.now() - start, result };
}

/** The least time, of a few tries, to stat each file and each folder above one once. */
function statOnce(files: string[]): number {
  const folders = new Set(files.map((f) => path.dirname(f)));
  for (const folder of [...folders]) {
    for (let up = path.dirname(folder); up.startsWith(projectDir); up = path.dirname(up))
      folders.add(up);
  }
  const all = [...files, ...folders];
  let least = Infinity;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    for (const p of all) statSync(p);
    least = Math.min(least, performance.now() - start);
  }
  return least;
}

async function main(): Promise<void> {
  await ensureExample();
  if (!zipAvailable()) {
    throw new Error(
      'Info-ZIP zip is not installed; install it (apt-get install -y zip) and run again.',
    );
  }
  const packOnce = await bundlePackOnce();
  const selection = await selectFiles(projectDir, benchFunction.package, {
    projectRoot: projectDir,
  });
  const fileList = selection.files.map((f) => f.path).join('\n') + '\n';
  const unzipped = selection.files.reduce((sum, f) => sum + f.size, 0);
  console.log(
    `\nExample: ${selection.files.length} files, ${mb(unzipped)} unzipped ` +
      `(production dependencies only), ${RUNS} run(s) per tool.\n`,
  );
  const statFloor = statOnce(selection.files.map((f) => f.absPath));

  const zipOut = path.join(benchDir, 'info-zip.zip');
  const slsZip = path.join(projectDir, '.serverless', 'bench-package.zip');
  const cacheDir = path.join(benchDir, 'flourish-cache');
  const samples: Record<string, Timing[]> = { zip: [], sls: [], cold: [], warm: [] };
  const inProc: Record<string, number[]> = { cold: [], warm: [] };
  const hashes = new Set<string>();
  let flourishZipBytes = 0;

  // Warm the page cache so every tool reads from memory.
  await timeCommand('zip', ['-q', '-X', '-r', zipOut, '-@'], { cwd: projectDir, stdin: fileList });

  for (let run = 0; run < RUNS; run++) {
    await rm(zipOut, { force: true });
    samples.zip!.push(
      await timeCommand('zip', ['-q', '-X', '-r', zipOut, '-@'], {
        cwd: projectDir,
        stdin: fileList,
      }),
    );

    await rm(path.join(projectDir, '.serverless'), { recursive: true, force: true });
    samples.sls!.push(
      await timeCommand(process.execPath, [serverlessBin(), 'package', '--stage', 'dev'], {
        cwd: projectDir,
        env: SERVERLESS_ENV,
      }),
    );

    await rm(cacheDir, { recursive: true, force: true });
    const cold = await timeCommand(process.execPath, [packOnce, projectDir, cacheDir], {
      cwd: repo,
    });
    const coldResult = JSON.parse(cold.stdout) as PackageResult;
    if (coldResult.reused)
      throw new Error('The cold Flourish run reused a zip: the cache was not cleared.');
    samples.cold!.push(cold);
    hashes.add(coldResult.sha256Hex);
    flourishZipBytes = coldResult.zipBytes;

    const warm = await timeCommand(process.execPath, [packOnce, projectDir, cacheDir], {
      cwd: repo,
    });
    if (!(JSON.parse(warm.stdout) as PackageResult).reused) {
      throw new Error('The unchanged Flourish run did not reuse its zip.');
    }
    samples.warm!.push(warm);

    await rm(cacheDir, { recursive: true, force: true });
    const c = await inProcess(cacheDir);
    const w = await inProcess(cacheDir);
    if (c.result.reused || !w.result.reused)
      throw new Error('In-process runs did not cold/reuse as expected.');
    hashes.add(c.result.sha256Hex);
    inProc.cold!.push(c.ms);
    inProc.warm!.push(w.ms);
  }

  const best = (k: string) => Math.min(...samples[k]!.map((s) => s.wallMs));
  const wallMedian = (k: string) => median(samples[k]!.map((s) => s.wallMs));
  const cpu = (k: string) => Math.min(...samples[k]!.map((s) => s.cpuMs));
  const zipBytes = (await stat(zipOut)).size;
  const slsBytes = (await stat(slsZip)).size;
  const slsFiles = Number(
    execFileSync('unzip', ['-Z1', slsZip], { maxBuffer: 64 << 20 })
      .toString()
      .trim()
      .split('\n').length,
  );
  const rows: [string, string, string][] = [
    ['Info-ZIP zip -r (same file list)', 'zip', mb(zipBytes)],
    [`serverless package (v3, ${slsFiles} files)`, 'sls', mb(slsBytes)],
    ['Flourish, cold (process)', 'cold', mb(flourishZipBytes)],
    ['Flourish, nothing changed (process)', 'warm', '(reused)'],
  ];
  const head = `${'tool'.padEnd(40)} ${'best'.padStart(8)} ${'median'.padStart(8)} ${'cpu'.padStart(8)}  zip size`;
  console.log(head);
  for (const [name, key, size] of rows) {
    console.log(
      `${name.padEnd(40)} ${secs(best(key)).padStart(8)} ${secs(wallMedian(key)).padStart(8)} ` +
        `${secs(cpu(key)).padStart(8)}  ${size}`,
    );
  }
  const coldIn = Math.min(...inProc.cold!);
  const warmIn = Math.min(...inProc.warm!);
  for (const [name, list] of [
    ['Flourish, cold (in-process)', inProc.cold!],
    ['Flourish, nothing changed (in-process)', inProc.warm!],
  ] as const) {
    console.log(
      `${name.padEnd(40)} ${secs(Math.min(...list)).padStart(8)} ${secs(median(list)).padStart(8)}`,
    );
  }

  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const vsSls = best('cold') / best('sls');
  const vsZip = best('cold') / best('zip');
  const warmShare = warmIn / coldIn;
  console.log('\nRatios (best wall time, processes against processes):');
  console.log(
    `  Flourish cold / serverless package : ${ratio(best('cold'), best('sls'))}  (target < 1: ${verdict(vsSls < 1)})`,
  );
  console.log(
    `  Flourish cold / zip -r              : ${ratio(best('cold'), best('zip'))}  (target <= 1.5: ${verdict(vsZip <= 1.5)})`,
  );
  console.log(
    `  unchanged / cold, in-process        : ${(warmShare * 100).toFixed(1)}%  (target < 5%: ${verdict(warmShare < 0.05)}; ` +
      `${millis(warmIn)} of ${millis(coldIn)})`,
  );
  console.log(
    `  unchanged / cold, as processes      : ${((best('warm') / best('cold')) * 100).toFixed(1)}%  (Node start-up included)`,
  );
  console.log(
    `  floor: one stat of each file and folder takes ${secs(statFloor)} (${millis(statFloor)}) ` +
      `(${((statFloor / coldIn) * 100).toFixed(1)}% of the in-process cold package)`,
  );
  console.log('CPU time (user + system, all threads, least of the runs):');
  console.log(`  Flourish cold / serverless package : ${ratio(cpu('cold'), cpu('sls'))}`);
  console.log(`  Flourish cold / zip -r              : ${ratio(cpu('cold'), cpu('zip'))}`);
  console.log(`  zip size Flourish / zip -r          : ${ratio(flourishZipBytes, zipBytes)}`);
  const digest = createHash('sha256')
    .update(await readFile(path.join(cacheDir, 'packages', 'api', 'function.zip')))
    .digest('hex');
  console.log(
    `\nFlourish zips from ${RUNS * 2} cold runs: ${hashes.size === 1 && hashes.has(digest) ? 'byte-identical' : 'DIFFERENT'} (sha256 ${digest.slice(0, 16)}...)`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
