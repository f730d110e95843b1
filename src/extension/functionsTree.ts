// The explorer's workspace view: the TreeDataProvider around functionsTreeModel.ts. One node per
// flourish.yaml, one per function, each function marked with its state against the selected
// target and stage (computed in the background once the list is shown, and again after saves,
// deploys and setting changes).
import * as vscode from 'vscode';
import type { FunctionSpec } from '../core/manifest';
import type { FlourishContext } from './context';
import type { FunctionStatus } from './functionStatesModel';
import {
  FunctionStateStore,
  functionItem,
  functionsOf,
  manifestItem,
  type ManifestView,
} from './functionsTreeModel';
import { toTreeItem } from './treeItems';
import { manifestLabel, type WorkspaceManifest } from './workspaceManifests';

export type ExplorerNode =
  | { kind: 'manifest'; entry: WorkspaceManifest }
  | { kind: 'function'; entry: WorkspaceManifest; fn: FunctionSpec };

export function manifestView(entry: WorkspaceManifest): ManifestView {
  return {
    file: entry.uri.fsPath,
    label: manifestLabel(entry),
    manifest: entry.manifest,
    problems: entry.problems,
  };
}

export class FunctionsTreeProvider
  implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable
{
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private readonly states = new FunctionStateStore();
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: Pick<FlourishContext, 'manifests' | 'cloud' | 'output'>) {
    this.subscriptions = [
      this.changed,
      ctx.manifests.onDidChange(() => this.refreshStates()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('flourish.target') || e.affectsConfiguration('flourish.aws'))
          this.refreshStates();
      }),
      vscode.workspace.onDidSaveTextDocument(() => {
        if (!this.states.hasStates) return;
        clearTimeout(this.saveTimer);
        this.saveTimer = setTimeout(() => this.refreshStates(), 1000);
      }),
    ];
  }

  /** Parses every manifest again and redraws. */
  refresh(): void {
    this.ctx.manifests.invalidate();
  }

  /** Forgets the functions' states; they are read again when shown. */
  refreshStates(): void {
    this.states.clear();
    this.changed.fire(undefined);
  }

  /** The state last computed for a function (for tests and tooltips). */
  stateOf(manifestFile: string, functionKey: string): FunctionStatus | undefined {
    return this.states.get(manifestFile, functionKey);
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!node) {
      const entries = await this.ctx.manifests.all();
      return entries.map((entry) => ({ kind: 'manifest', entry }));
    }
    if (node.kind === 'manifest') {
      this.computeStates(node.entry);
      return functionsOf(manifestView(node.entry)).map((fn) => ({
        kind: 'function',
        entry: node.entry,
        fn,
      }));
    }
    return [];
  }

  /** Reads the states of a manifest's functions in the background; the view redraws after. */
  private computeStates(entry: WorkspaceManifest): void {
    const file = entry.uri.fsPath;
    if (!entry.manifest || !vscode.workspace.isTrusted) return;
    const signal = this.states.begin(file);
    if (!signal) return;
    void this.ctx
      .cloud()
      .then((cloud) =>
        cloud.functionStates(entry as Parameters<typeof cloud.functionStates>[0], signal),
      )
      .then(
        (states) => {
          if (this.states.finish(file, signal, states)) this.changed.fire(undefined);
        },
        (error: unknown) => {
          this.states.finish(file, signal);
          this.ctx.output.warn(`Could not read the deployed state of ${file}: ${String(error)}`);
        },
      );
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    if (node.kind === 'manifest') {
      const item = toTreeItem(manifestItem(manifestView(node.entry)), [node.entry.uri]);
      // The file's decorations (problems, source control) show on the row.
      item.resourceUri = node.entry.uri;
      return item;
    }
    const item = toTreeItem(
      functionItem(node.fn, this.stateOf(node.entry.uri.fsPath, node.fn.key)),
      [node],
    );
    item.id = `${node.entry.uri.toString()}#${node.fn.key}`;
    return item;
  }

  dispose(): void {
    clearTimeout(this.saveTimer);
    this.states.clear();
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}
