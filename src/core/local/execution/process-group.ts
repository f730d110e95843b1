// Killing a worker with everything it started. On POSIX the worker leads its own process group
// (it is spawned detached), so one signal to -pid reaches its children too; Windows has no
// groups, so taskkill ends the tree.
import { spawn } from 'node:child_process';

export function killProcessGroup(pid: number): void {
  if (process.platform === 'win32') {
    spawn('taskkill', ['/PID', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on(
      'error',
      () => undefined,
    );
    return;
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // No process left in the group.
  }
}
