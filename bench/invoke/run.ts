// Invoke benchmark, one run, side by side on the same Node.js handler: warm and cold latency
// (p50, p99) and throughput at concurrency 1, 16 and 64 for the Flourish local cloud and its
// peers, with a bare loopback HTTP echo as the floor. Prints a table and the ratios.
//
//   npm run bench:invoke                 all peers (install them: bench/invoke/install-peers.sh)
//   npm run bench:invoke -- --quick      shorter budgets
//   npm run bench:invoke -- --only=flourish,echo
//
// Every peer is measured by a fresh bench process of its own (this script with --peer=), so no
// peer's client inherits code another peer's run has already warmed up, and the order of the
// rows does not matter.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { latencies, percentile, throughput } from './measure';
import type { Peer } from './peer';
import { EchoPeer } from './peers/echo';
import { FlourishPeer } from './peers/flourish';
import { FlourishEnginePeer } from './peers/flourish-engine';
import { FlourishHttpPeer } from './peers/flourish-http';
import { LambdaLocalPeer } from './peers/lambda-local';
import { SandboxPeer } from './peers/sandbox';
import { SdkEchoPeer } from './peers/sdk-echo';
import { ServerlessOfflinePeer } from './peers/serverless-offline';

const CONCURRENCY = [1, 16, 64] as const;
/** The pause before each cold sample, the same for every peer. */
const COLD_SETTLE_MS = 500;

interface Result {
  peer: string;
  skipped?: string;
  warmP50?: number;
  warmP99?: number;
  coldP50?: number;
  coldP99?: number;
  rps: Partial<Record<(typeof CONCURRENCY)[number], number>>;
  notes: string[];
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const childPeer = args.find((a) => a.startsWith('--peer='))?.slice('--peer='.length);
const budget = {
  // Warm latency is the steady state: the client's and the server's code paths are compiled by
  // the JIT, which takes a few thousand calls. Every peer gets the same warm-up.
  warmupCount: quick ? 500 : 3000,
  warmupMs: quick ? 1_500 : 5_000,
  warmCount: quick ? 300 : 2000,
  warmMs: quick ? 3_000 : 10_000,
  throughputMs: quick ? 1_500 : 4_000,
  rampMs: quick ? 500 : 1_500,
};

const keys: Record<string, () => Peer> = {
  flourish: () => new FlourishPeer(),
  'flourish-http': () => new FlourishHttpPeer(),
  'flourish-engine': () => new FlourishEnginePeer(),
  'lambda-local': () => new LambdaLocalPeer(),
  sandbox: () => new SandboxPeer(),
  'serverless-offline': () => new ServerlessOfflinePeer(),
  echo: () => new EchoPeer(),
  'sdk-echo': () => new SdkEchoPeer(),
};

async function measure(peer: Peer): Promise<Result> {
  const result: Result = { peer: peer.name, rps: {}, notes: [] };
  const why = await peer.unavailable();
  if (why) return { ...result, skipped: why };
  process.stderr.write(`\n${peer.name}: starting\n`);
  try {
    await peer.start();
    process.stderr.write(`${peer.name}: warm latency\n`);
    const warm = await latencies(() => peer.invoke(), {
      warmup: { count: budget.warmupCount, budgetMs: budget.warmupMs },
      count: budget.warmCount,
      budgetMs: budget.warmMs,
    });
    result.warmP50 = percentile(warm, 50);
    result.warmP99 = percentile(warm, 99);
    result.notes.push(`${warm.length} warm samples`);
    for (const c of CONCURRENCY) {
      process.stderr.write(`${peer.name}: throughput at concurrency ${c}\n`);
      await throughput(() => peer.invoke(), c, budget.rampMs); // start the environments it needs
      const t = await throughput(() => peer.invoke(), c, budget.throughputMs);
      result.rps[c] = t.perSecond;
      if (t.errors > 0)
        result.notes.push(`${t.errors} errors at c=${c}: ${String(t.firstError).slice(0, 160)}`);
    }
    process.stderr.write(`${peer.name}: cold latency\n`);
    const cold: number[] = [];
    for (let i = 0; i < peer.coldSamples; i++) {
      // Cold starts follow idle time in real use: every peer gets the same quiet moment before
      // each sample, so none is timed while still busy with the previous one.
      await delay(COLD_SETTLE_MS);
      cold.push(await peer.cold(i));
    }
    result.coldP50 = percentile(cold, 50);
    result.coldP99 = percentile(cold, 99);
    result.notes.push(`${cold.length} cold samples`);
  } catch (err) {
    result.skipped = `failed: ${String(err instanceof Error ? err.message : err)
      .split('\n')[0]!
      .slice(0, 200)}`;
  } finally {
    await peer.stop().catch((err: unknown) => result.notes.push(`stop failed: ${String(err)}`));
  }
  return result;
}

const ms = (v: number | undefined): string =>
  v === undefined ? '-' : v < 10 ? v.toFixed(3) : v.toFixed(1);
const rps = (v: number | undefined): string => (v === undefined ? '-' : v.toFixed(0));
const x = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)}x` : '-');

function table(results: Result[]): void {
  const head = [
    'peer',
    'warm p50 ms',
    'warm p99 ms',
    'cold p50 ms',
    'cold p99 ms',
    'req/s c=1',
    'req/s c=16',
    'req/s c=64',
  ];
  const rows = results.map((r) =>
    r.skipped
      ? [r.peer, `skipped: ${r.skipped}`, '', '', '', '', '', '']
      : [
          r.peer,
          ms(r.warmP50),
          ms(r.warmP99),
          ms(r.coldP50),
          ms(r.coldP99),
          rps(r.rps[1]),
          rps(r.rps[16]),
          rps(r.rps[64]),
        ],
  );
  const widths = head.map((h, i) =>
    Math.max(
      h.length,
      ...rows.map((row) => (row[1]!.startsWith('skipped') && i === 1 ? 0 : row[i]!.length)),
    ),
  );
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(head));
  for (const row of rows)
    console.log(
      row[1]!.startsWith('skipped') ? `${row[0]!.padEnd(widths[0]!)}  ${row[1]}` : line(row),
    );
}

function versus(flourish: Result, peers: Result[]): void {
  for (const peer of peers) {
    const parts = [
      `warm p50 ${x(peer.warmP50! / flourish.warmP50!)}`,
      `warm p99 ${x(peer.warmP99! / flourish.warmP99!)}`,
      `cold p50 ${x(peer.coldP50! / flourish.coldP50!)}`,
      `cold p99 ${x(peer.coldP99! / flourish.coldP99!)}`,
      ...CONCURRENCY.map((c) => `c=${c} ${x(flourish.rps[c]! / peer.rps[c]!)}`),
    ];
    console.log(`  vs ${peer.peer}: ${parts.join(', ')}`);
  }
}

function ratios(results: Result[]): void {
  const flourish = results.find((r) => r.peer === new FlourishPeer().name && !r.skipped);
  if (!flourish) return;
  console.log('\nRatios (how many times faster Flourish is; > 1 means Flourish wins):');
  const peers = results.filter(
    (r) => !r.skipped && !r.peer.startsWith('Flourish') && !r.peer.startsWith('bare'),
  );
  versus(flourish, peers);
  const overHttp = results.find((r) => r.peer === new FlourishHttpPeer().name && !r.skipped);
  if (overHttp) {
    console.log(`The same for ${overHttp.peer}:`);
    versus(overHttp, peers);
  }
  const echo = results.find((r) => r.peer === new EchoPeer().name && !r.skipped);
  const sdkEcho = results.find((r) => r.peer === new SdkEchoPeer().name && !r.skipped);
  if (echo) {
    const floor = flourish.warmP50! / echo.warmP50!;
    console.log(`\nFlourish warm p50 / bare echo warm p50 = ${x(floor)} (target: within 3x)`);
    console.log(
      `Flourish throughput / bare echo: ${CONCURRENCY.map((c) => `c=${c} ${x(flourish.rps[c]! / echo.rps[c]!)}`).join(', ')}`,
    );
    if (sdkEcho) {
      console.log(
        `The AWS SDK client's own cost: its warm p50 against the echo is ${ms(sdkEcho.warmP50)} ms, ` +
          `${x(sdkEcho.warmP50! / echo.warmP50!)} the bare echo; Flourish warm p50 / that = ` +
          `${x(flourish.warmP50! / sdkEcho.warmP50!)}; Flourish's server side is about ` +
          `${ms(flourish.warmP50! - sdkEcho.warmP50!)} ms of its warm p50`,
      );
    }
    const lambdaLocal = results.find((r) => r.peer.startsWith('lambda-local') && !r.skipped);
    if (sdkEcho && lambdaLocal) {
      // What no server can change: the SDK client's own cost against a peer called without it.
      console.log(
        `The AWS SDK client against an echo that does no work, next to lambda-local (plain HTTP, ` +
          `running a function): warm p50 ${ms(sdkEcho.warmP50)} vs ${ms(lambdaLocal.warmP50)} ms, ` +
          CONCURRENCY.map(
            (c) => `c=${c} ${rps(sdkEcho.rps[c])} vs ${rps(lambdaLocal.rps[c])} req/s`,
          ).join(', '),
      );
    }
    const engine = results.find((r) => r.peer.startsWith('Flourish engine') && !r.skipped);
    if (engine) {
      console.log(
        `Flourish engine alone warm p50 / bare echo warm p50 = ${x(engine.warmP50! / echo.warmP50!)}`,
      );
    }
  }
  for (const r of results)
    if (r.notes.length) console.log(`  note ${r.peer}: ${r.notes.join('; ')}`);
}

const RESULT = 'BENCH-RESULT ';

/** Measures one peer in a fresh bench process and reads its result. */
function measureApart(key: string): Promise<Result> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, process.argv[1]!, `--peer=${key}`, ...(quick ? ['--quick'] : [])],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const stop = (): void => void child.kill('SIGTERM');
  process.once('SIGINT', stop).once('SIGTERM', stop);
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise<Result>((resolve) => {
    child.once('exit', (code, signal) => {
      process.off('SIGINT', stop).off('SIGTERM', stop);
      const line = out.split('\n').find((l) => l.startsWith(RESULT));
      resolve(
        line
          ? (JSON.parse(line.slice(RESULT.length)) as Result)
          : { peer: key, rps: {}, notes: [], skipped: `bench process ended (${signal ?? code})` },
      );
    });
  });
}

async function measureChild(key: string): Promise<void> {
  const make = keys[key];
  if (!make) throw new Error(`--peer=${key}: no such peer; one of ${Object.keys(keys).join(', ')}`);
  // A stopped run still stops its servers: the exit handler kills their process groups.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(1));
  const result = await measure(make());
  process.stdout.write(`${RESULT}${JSON.stringify(result)}\n`);
}

async function main(): Promise<void> {
  if (childPeer) return measureChild(childPeer);
  const selected = Object.keys(keys).filter((key) => !only || only.includes(key));
  const results: Result[] = [];
  const loadBefore = os.loadavg()[0]!;
  for (const key of selected) results.push(await measureApart(key));
  console.log(
    `\nInvoke benchmark (node ${process.version}, ${os.cpus().length} CPUs, ${quick ? 'quick' : 'full'} budgets, ` +
      `load average ${loadBefore.toFixed(1)} before and ${os.loadavg()[0]!.toFixed(1)} after: ` +
      'other work on the machine skews every number)\n',
  );
  table(results);
  ratios(results);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
