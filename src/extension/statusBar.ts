// The status bar item: the current target and stage; clicking it switches.
import * as vscode from 'vscode';
import { statusBarModel } from './statusBarModel';
import { effectiveTarget } from './targetSelection';
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
    const model = statusBarModel(
      first?.manifest ? effectiveTarget(first.manifest, first.uri) : undefined,
    );
    if (!model) {
      this.item.hide();
      return;
    }
    this.item.text = model.text;
    this.item.tooltip = model.tooltip;
    this.item.show();
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}
