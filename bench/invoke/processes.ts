// Peer servers run in their own process groups; every one is stopped by its pid at the end,
// whatever happens to the run.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface Hosted {
  pid: number;
  /** The first stdout/stderr line matching the ready pattern. */
  readyLine: string;
  output(): string;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) killGroup(child, 'SIGKILL');
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

export function host(
  command: string,
  args: string[],
  options: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    /** A line that says it is ready; or else `port`, polled until it accepts connections. */
    ready?: RegExp;
    port?: number;
    startTimeoutMs?: number;
  },
): Promise<Hosted> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let log = '';
  return new Promise<Hosted>((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(child, 'SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not become ready:\n${log.slice(-2000)}`));
    }, options.startTimeoutMs ?? 60_000);
    const ready = (line: string): void => {
      clearTimeout(timer);
      resolve({
        pid: child.pid!,
        readyLine: line,
        output: () => log,
        stop: async () => {
          killGroup(child, 'SIGTERM');
          const hard = setTimeout(() => killGroup(child, 'SIGKILL'), 15_000);
          await exited;
          clearTimeout(hard);
          // Whatever the leader left in its group goes too.
          killGroup(child, 'SIGKILL');
          live.delete(child);
        },
      });
    };
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      const line = options.ready && log.split('\n').find((l) => options.ready!.test(l));
      if (line) ready(line);
    };
    if (options.port !== undefined) void waitForPort(options.port).then(() => ready(''));
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      live.delete(child);
      reject(new Error(`${command} exited with ${code} before it was ready:\n${log.slice(-2000)}`));
    });
  });
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls until something accepts connections on 127.0.0.1:port. */
export async function waitForPort(port: number): Promise<void> {
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
