import { spawn } from 'node:child_process';

export interface Timing {
  /** Wall-clock milliseconds. */
  wallMs: number;
  /** User + system CPU milliseconds of the process and its children. */
  cpuMs: number;
  stdout: string;
}

/**
 * Runs a command and times it with bash's `time`, which also reports the CPU used by the
 * command and everything it started.
 */
export function timeCommand(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; stdin?: string },
): Promise<Timing> {
  const quoted = [command, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const script = `TIMEFORMAT='%R %U %S'; time ( ${quoted} )`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin.end(options.stdin ?? '');
    child.once('error', reject);
    child.once('close', (code) => {
      const last = stderr.trim().split('\n').pop() ?? '';
      const m = /^([\d.]+) ([\d.]+) ([\d.]+)$/.exec(last);
      if (code !== 0 || !m) {
        reject(new Error(`${command} ${args.join(' ')} failed (exit ${code}):\n${stderr}`));
        return;
      }
      resolve({
        wallMs: Number(m[1]) * 1000,
        cpuMs: (Number(m[2]) + Number(m[3])) * 1000,
        stdout,
      });
    });
  });
}

export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
