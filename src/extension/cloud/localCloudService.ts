// The extension's handle on the local cloud: the same background process the CLI uses
// (`flourish local start`), started on first need with this extension's own CLI bundle.
import * as vscode from 'vscode';
import { ensureLocalCloud, findRunningLocalCloud } from '../../core/launch';
import { defaultStateDir, type LocalCloudInfo } from '../../core/local';

export class LocalCloudService implements vscode.Disposable {
  readonly stateDir = defaultStateDir();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly extension: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  status(): Promise<LocalCloudInfo | undefined> {
    return findRunningLocalCloud(this.stateDir);
  }

  async ensure(signal?: AbortSignal): Promise<LocalCloudInfo> {
    const running = await this.status();
    if (running) return running;
    if (!vscode.workspace.isTrusted) {
      throw new Error(
        'The local cloud is not running, and Flourish does not start it in Restricted Mode because it runs code from the workspace. Trust the workspace, or start it with "flourish local start".',
      );
    }
    this.output.info(`Starting the local cloud (state in ${this.stateDir})`);
    const info = await ensureLocalCloud({
      stateDir: this.stateDir,
      signal,
      command: {
        // The editor's own runtime runs the CLI bundle; in desktop VS Code that is Electron,
        // which behaves as Node with ELECTRON_RUN_AS_NODE.
        executable: process.execPath,
        args: [
          this.extension.asAbsolutePath('dist/cli.js'),
          'local',
          'start',
          '--state-dir',
          this.stateDir,
          '--port',
          '0',
        ],
        env: { ELECTRON_RUN_AS_NODE: '1' },
      },
    });
    this.output.info(`Local cloud running at ${info.endpoint} (pid ${info.pid})`);
    this.changed.fire();
    return info;
  }

  async stop(): Promise<boolean> {
    const running = await this.status();
    if (!running) return false;
    process.kill(running.pid, 'SIGTERM');
    for (let i = 0; i < 100 && (await this.status()); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    this.output.info(`Stopped the local cloud (pid ${running.pid})`);
    this.changed.fire();
    return true;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
