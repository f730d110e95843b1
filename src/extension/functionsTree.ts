// The explorer's workspace view: one node per flourish.yaml (its service), one per function.
import * as vscode from 'vscode';
import type { FunctionSpec } from '../core/manifest';
import {
  manifestLabel,
  type WorkspaceManifest,
  type WorkspaceManifests,
} from './workspaceManifests';

export type ExplorerNode =
  | { kind: 'manifest'; entry: WorkspaceManifest }
  | { kind: 'function'; entry: WorkspaceManifest; fn: FunctionSpec };

export class FunctionsTreeProvider
  implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable
{
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly manifests: WorkspaceManifests) {
    this.subscriptions = [this.changed, manifests.onDidChange(() => this.changed.fire(undefined))];
  }

  /** Parses every manifest again and redraws. */
  refresh(): void {
    this.manifests.invalidate();
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!node) {
      const entries = await this.manifests.all();
      return entries.map((entry) => ({ kind: 'manifest', entry }));
    }
    if (node.kind === 'manifest') {
      return (node.entry.manifest?.functions ?? []).map((fn) => ({
        kind: 'function',
        entry: node.entry,
        fn,
      }));
    }
    return [];
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    const item =
      node.kind === 'manifest' ? manifestItem(node.entry) : functionItem(node.entry, node.fn);
    if (node.kind === 'function') {
      item.command = { command: 'flourish.openHandler', title: 'Open Handler', arguments: [node] };
    }
    return item;
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}

function manifestItem(entry: WorkspaceManifest): vscode.TreeItem {
  const item = new vscode.TreeItem(manifestLabel(entry), vscode.TreeItemCollapsibleState.Expanded);
  item.contextValue = 'manifest';
  item.resourceUri = entry.uri;
  item.iconPath = new vscode.ThemeIcon('package');
  const errors = entry.problems.filter((p) => p.severity === 'error').length;
  if (entry.manifest) {
    item.description = `${entry.manifest.stage} · ${entry.manifest.provider.name}`;
  }
  if (errors > 0) {
    item.description = `${errors} problem${errors === 1 ? '' : 's'}`;
    item.iconPath = new vscode.ThemeIcon(
      'warning',
      new vscode.ThemeColor('problemsWarningIcon.foreground'),
    );
  }
  item.tooltip = entry.uri.fsPath;
  item.command = {
    command: 'flourish.openManifest',
    title: 'Open Manifest',
    arguments: [entry.uri],
  };
  return item;
}

function functionItem(entry: WorkspaceManifest, fn: FunctionSpec): vscode.TreeItem {
  const item = new vscode.TreeItem(fn.key, vscode.TreeItemCollapsibleState.None);
  item.id = `${entry.uri.toString()}#${fn.key}`;
  item.contextValue = 'function';
  item.description = `${fn.runtime} · ${fn.memory} MB · ${fn.timeout} s`;
  item.iconPath = new vscode.ThemeIcon('symbol-function');
  const tooltip = new vscode.MarkdownString();
  tooltip.appendMarkdown(`**${fn.name}**\n\n`);
  if (fn.description) tooltip.appendMarkdown(`${fn.description}\n\n`);
  tooltip.appendMarkdown(`Handler \`${fn.handler}\` · ${fn.architecture}`);
  item.tooltip = tooltip;
  return item;
}
