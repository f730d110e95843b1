// The explorer's Deployed view: the TreeDataProvider around deployedTreeModel.ts. The local
// cloud and AWS, each with its functions (a page at a time, filterable), and each function's
// aliases and versions. Nothing loads until expanded.
import * as vscode from 'vscode';
import type { FlourishContext } from './context';
import {
  appendPage,
  deployedItem,
  errorNodes,
  functionNodes,
  localStoppedNodes,
  targetNodes,
  versionNodes,
  workspaceNames,
  type DeployedNode,
  type TargetSettings,
} from './deployedTreeModel';
import { readSetting } from './settings';
import { toTreeItem } from './treeItems';

export type { DeployedNode } from './deployedTreeModel';

export class DeployedTreeProvider
  implements vscode.TreeDataProvider<DeployedNode>, vscode.Disposable
{
  private readonly changed = new vscode.EventEmitter<DeployedNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** The rows under each target, by target settings, until the next refresh. */
  private readonly pages = new Map<string, DeployedNode[]>();
  private filter = '';
  private localRunning: { endpoint: string } | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly ctx: FlourishContext) {
    this.subscriptions = [
      this.changed,
      ctx.manifests.onDidChange(() => this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('flourish.aws') || e.affectsConfiguration('flourish.stage'))
          this.refresh();
      }),
    ];
  }

  refresh(): void {
    this.pages.clear();
    this.changed.fire(undefined);
  }

  setFilter(filter: string): void {
    this.filter = filter.trim();
    this.refresh();
  }

  get filterText(): string {
    return this.filter;
  }

  async getChildren(node?: DeployedNode): Promise<DeployedNode[]> {
    try {
      if (!node) return await this.targets();
      if (node.kind === 'target') return await this.functions(node.target);
      if (node.kind === 'deployed') {
        const { versions, aliases } = await (
          await this.ctx.cloud()
        ).deployed.describe(node.target, node.fn.name);
        return versionNodes(node, versions, aliases);
      }
      return [];
    } catch (error) {
      return errorNodes(error);
    }
  }

  private async targets(): Promise<DeployedNode[]> {
    const cloud = await this.ctx.cloud();
    const running = await cloud.localCloud.status();
    this.localRunning = running ? { endpoint: running.endpoint } : undefined;
    const first = (await this.ctx.manifests.all()).find((e) => e.manifest)?.manifest;
    return targetNodes(
      { profile: readSetting('aws.profile'), region: readSetting('aws.region') },
      first,
    );
  }

  private async functions(target: TargetSettings): Promise<DeployedNode[]> {
    if (target.kind === 'local' && !this.localRunning) return localStoppedNodes();
    const key = JSON.stringify(target);
    const cached = this.pages.get(key);
    if (cached) return cached;
    const nodes = await this.loadPage(target);
    this.pages.set(key, nodes);
    return nodes;
  }

  private async loadPage(target: TargetSettings, marker?: string): Promise<DeployedNode[]> {
    const cloud = await this.ctx.cloud();
    const page = await cloud.deployed.list(target, marker, this.filter || undefined);
    const names = workspaceNames(
      (await this.ctx.manifests.all()).map((entry) => ({
        file: entry.uri.fsPath,
        manifest: entry.manifest,
      })),
    );
    return functionNodes(target, page, names, this.filter);
  }

  /** Appends the next page under a target ("Load more…"). */
  async loadMore(node: DeployedNode): Promise<void> {
    if (node.kind !== 'more') return;
    const key = JSON.stringify(node.target);
    const next = await this.loadPage(node.target, node.marker);
    this.pages.set(key, appendPage(this.pages.get(key) ?? [], node, next));
    this.changed.fire(undefined);
  }

  getTreeItem(node: DeployedNode): vscode.TreeItem {
    const model = deployedItem(node, {
      localRunning: this.localRunning,
      filter: this.filter,
      relativePath: (file) => vscode.workspace.asRelativePath(file),
      formatTime: (date) => date.toLocaleString(),
    });
    return toTreeItem(model, [node]);
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}
