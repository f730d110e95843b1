// How an execution environment's worker process is started: which program runs the runtime,
// and the environment variables Lambda sets for it.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ExecutionConfig } from './contract';
import type { SpareLaunch } from './spare-pool';

export type RuntimeFamily = 'node' | 'python' | 'provided';

export function runtimeFamily(runtime: string): RuntimeFamily | undefined {
  if (runtime.startsWith('nodejs')) return 'node';
  if (runtime.startsWith('python3')) return 'python';
  if (runtime === 'provided' || runtime.startsWith('provided.')) return 'provided';
  return undefined;
}

/**
 * The folder holding the runtime bootstraps: `src/core/local/runtimes` when running from the
 * source (tests), `dist/runtimes` next to the bundle when built.
 */
export function findRuntimesDir(): string {
  const candidates = [
    path.resolve(__dirname, '../runtimes'),
    path.resolve(__dirname, 'runtimes'),
    path.resolve(__dirname, '../dist/runtimes'),
  ];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'node', 'bootstrap.mjs')));
  if (!found) {
    throw new Error(
      `The local cloud's runtime bootstraps were not found (looked in ${candidates.join(', ')}). ` +
        'Rebuild with `npm run build`, which copies them to dist/runtimes.',
    );
  }
  return found;
}

export interface Executables {
  node: string;
  python: string;
  runtimesDir: string;
}

export interface LaunchSpec {
  command: string;
  args: string[];
  runtimeDir: string;
}

/**
 * The heap flags Lambda's Node.js bootstrap passes: a tenth of the memory for the young
 * generation (half of it per semi-space), the rest for the old one, so the garbage collector
 * works within the limit instead of the process growing into the out-of-memory kill.
 */
export function nodeHeapArgs(memorySizeMB: number): string[] {
  const newSpace = Math.floor(memorySizeMB / 10);
  return [
    `--max-semi-space-size=${Math.max(1, Math.floor(newSpace / 2))}`,
    `--max-old-space-size=${memorySizeMB - newSpace}`,
  ];
}

export function launchSpec(
  family: RuntimeFamily,
  config: ExecutionConfig,
  exe: Executables,
): LaunchSpec {
  switch (family) {
    case 'node': {
      const runtimeDir = path.join(exe.runtimesDir, 'node');
      const args = [...nodeHeapArgs(config.memorySizeMB), path.join(runtimeDir, 'bootstrap.mjs')];
      return { command: exe.node, args, runtimeDir };
    }
    case 'python': {
      const runtimeDir = path.join(exe.runtimesDir, 'python');
      // -u: unbuffered, so print() output reaches the log before the response is posted.
      return {
        command: exe.python,
        args: ['-u', path.join(runtimeDir, 'bootstrap.py')],
        runtimeDir,
      };
    }
    case 'provided':
      return {
        command: path.join(config.codeDir, 'bootstrap'),
        args: [],
        runtimeDir: config.codeDir,
      };
  }
}

export interface LambdaVariables {
  runtimeApi: string;
  logStreamName: string;
  tmpDir: string;
  runtimeDir: string;
}

/** The variables Lambda sets, with the function's own on top (reserved names win, as in Lambda). */
export function lambdaEnvironment(
  config: ExecutionConfig,
  family: RuntimeFamily,
  vars: LambdaVariables,
): NodeJS.ProcessEnv {
  const reserved: Record<string, string> = {
    AWS_LAMBDA_FUNCTION_NAME: config.functionName,
    AWS_LAMBDA_FUNCTION_VERSION: config.version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memorySizeMB),
    AWS_LAMBDA_LOG_GROUP_NAME: config.logGroupName,
    AWS_LAMBDA_LOG_STREAM_NAME: vars.logStreamName,
    AWS_LAMBDA_RUNTIME_API: vars.runtimeApi,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_REGION: config.region,
    AWS_DEFAULT_REGION: config.region,
    _HANDLER: config.handler,
    LAMBDA_TASK_ROOT: config.codeDir,
    LAMBDA_RUNTIME_DIR: vars.runtimeDir,
    TZ: ':UTC',
    TMPDIR: vars.tmpDir,
  };
  if (family !== 'provided') reserved.AWS_EXECUTION_ENV = `AWS_Lambda_${config.runtime}`;
  // How Lambda tells the runtime its log format, and for JSON from which level.
  reserved.AWS_LAMBDA_LOG_FORMAT = config.jsonLogging ? 'JSON' : 'Text';
  if (config.jsonLogging) reserved.AWS_LAMBDA_LOG_LEVEL = config.jsonLogging.applicationLogLevel;
  const defaults: Record<string, string> = {
    LANG: 'en_US.UTF-8',
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LD_LIBRARY_PATH: `${config.codeDir}/lib:/opt/lib`,
  };
  if (family === 'node') {
    // Lambda's NODE_PATH ends with the code root (/var/task): require('util') of a top-level
    // util.js works from any folder, and a handler `lib.handler` finds lib/index.js.
    defaults.NODE_PATH = [path.join(config.codeDir, 'node_modules'), config.codeDir].join(
      path.delimiter,
    );
  }
  if (family === 'python') {
    defaults.PYTHONPATH = config.codeDir;
    // The code folder is read-only in Lambda: no __pycache__ written into it here either.
    defaults.PYTHONDONTWRITEBYTECODE = '1';
  }
  return { ...defaults, ...config.environment, ...reserved };
}

/**
 * Variables an interpreter (or the dynamic loader, or ICU) reads only as it starts: a function
 * that sets any of its own runs in a freshly spawned process, where they take effect.
 */
const READ_AT_START = /^(NODE_|PYTHON|LD_|LC_|UV_|OPENSSL_|SSL_CERT_|LANG$|LANGUAGE$)/;

/**
 * How a spare process for this function is started, or undefined when the function needs a
 * process of its own from the start: a custom runtime, variables read at start-up, or libraries
 * in the code's `lib` folder (the loader's search path is fixed when the process starts). A
 * spare waits in a neutral environment that holds only what is the same for every function.
 */
export function spareLaunch(
  family: RuntimeFamily,
  config: ExecutionConfig,
  exe: Executables,
): SpareLaunch | undefined {
  if (family === 'provided') return undefined;
  if (Object.keys(config.environment).some((name) => READ_AT_START.test(name))) return undefined;
  if (existsSync(path.join(config.codeDir, 'lib'))) return undefined;
  const { command, args, runtimeDir } = launchSpec(family, config, exe);
  const env: NodeJS.ProcessEnv = {
    LANG: 'en_US.UTF-8',
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    // What LD_LIBRARY_PATH (<code>/lib:/opt/lib) means when <code>/lib does not exist.
    LD_LIBRARY_PATH: '/opt/lib',
    TZ: ':UTC',
    FLOURISH_SPARE: '1',
  };
  if (family === 'python') env.PYTHONDONTWRITEBYTECODE = '1';
  return { key: JSON.stringify([command, ...args]), command, args, cwd: runtimeDir, env };
}
