// Starts code-server (the real VS Code server and workbench) in its own process group on a free
// loopback port, with fresh user-data and extensions folders, and waits until it listens.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import * as path from 'node:path';
import { startGroup, stopGroup, tail } from './processes';

export interface CodeServerOptions {
  node: string;
  entry: string;
  /** Folder for this editor's data: user data, config, logs. */
  home: string;
  extensionsDir: string;
  workspace: string;
  trusted: boolean;
  env: Record<string, string>;
}

export interface CodeServer {
  url: string;
  logFile: string;
  /** Rejects when code-server exits, which is always unexpected while a scenario runs. */
  exited: Promise<never>;
  stop(): Promise<void>;
}

const SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  // Machines running other tests listen on many ports; the workbench would announce them.
  'remote.autoForwardPorts': false,
  // Keep the chat side panel out of the screenshots.
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // Restricted Mode without the modal question, which would cover the workbench.
  'security.workspace.trust.startupPrompt': 'never',
};

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const userDataDir = path.join(options.home, 'user-data');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(SETTINGS, null, 2));
  const config = path.join(options.home, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  const logFile = path.join(options.home, 'code-server.log');
  const port = await freePort();
  const args = [
    options.entry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--config',
    config,
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.trusted ? ['--disable-workspace-trust'] : []),
    '--extensions-dir',
    options.extensionsDir,
    '--user-data-dir',
    userDataDir,
    options.workspace,
  ];
  const child = startGroup(options.node, args, {
    logFile,
    env: {
      ...options.env,
      PATH: `${path.dirname(options.node)}:${options.env.PATH ?? ''}`,
      // code-server keeps state (last opened folder, default config) under these.
      XDG_CONFIG_HOME: path.join(options.home, 'xdg-config'),
      XDG_DATA_HOME: path.join(options.home, 'xdg-data'),
    },
  });
  const pgid = child.pid as number;
  const exited = exitPromise(child, logFile);
  exited.catch(() => undefined); // observed by callers that race it; never unhandled
  try {
    await waitForPort(port, 60_000, exited);
  } catch (error) {
    await stopGroup(pgid);
    throw error;
  }
  return { url: `http://127.0.0.1:${port}/`, logFile, exited, stop: () => stopGroup(pgid) };
}

function exitPromise(child: ChildProcess, logFile: string): Promise<never> {
  return once(child, 'exit').then(([code, signal]) => {
    throw new Error(
      `code-server exited (${signal ? `signal ${String(signal)}` : `exit code ${String(code)}`}).\n` +
        `Last lines of ${logFile}:\n${tail(logFile, 30)}`,
    );
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string')
    throw new Error('could not find a free loopback port');
  return address.port;
}

/** Connects every 100 ms until the port accepts; there is no event for "listening" across processes. */
async function waitForPort(port: number, timeoutMs: number, exited: Promise<never>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let failed: Error | undefined;
  exited.catch((error: Error) => (failed = error));
  while (Date.now() < deadline) {
    if (failed) throw failed;
    if (await canConnect(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`code-server did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
