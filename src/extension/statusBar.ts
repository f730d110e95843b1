// The status bar item: the current target and stage; clicking it switches.
import * as vscode from 'vscode';
import { describeTarget, effectiveTarget } from './targetSelection';
import type { WorkspaceManifests } from './workspaceManifests';

export class TargetStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'flourish.target',
    vscode.StatusBarAlignment.Left,
    10,
  );
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly manifests: WorkspaceManifests) {
    this.item.name = 'Flourish target';
    this.item.command = 'flourish.selectTarget';
    this.subscriptions = [
      this.item,
      manifests.onDidChange(() => void this.update()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('flourish')) void this.update();
      }),
    ];
    void this.update();
  }

  private async update(): Promise<void> {
    const first = (await this.manifests.all()).find((entry) => entry.manifest);
    if (!first?.manifest) {
      this.item.hide();
      return;
    }
    const target = effectiveTarget(first.manifest, first.uri);
    this.item.text = `$(${target.kind === 'local' ? 'vm' : 'cloud'}) ${describeTarget(target)}`;
    this.item.tooltip = `Flourish deploys, invokes and reads logs on ${describeTarget(target)}. Click to switch.`;
    this.item.show();
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}
