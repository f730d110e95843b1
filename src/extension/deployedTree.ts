// The explorer's Deployed view: the local cloud and AWS, each with its functions (a page at a
// time, filterable), and each function's aliases and versions. Nothing loads until expanded.
import * as vscode from 'vscode';
import { deployedName } from '../core/manifest/limits';
import type { FunctionVersion } from '../core/cloud/provider';
import type { TargetSettings } from './cloud/deployed';
import type { FlourishContext } from './context';
import type { FunctionRef } from './functionRef';
import { readSetting } from './settings';

export type DeployedNode =
  | { kind: 'target'; target: TargetSettings }
  | { kind: 'deployed'; target: TargetSettings; fn: FunctionVersion; ref?: FunctionRef }
  | { kind: 'more'; target: TargetSettings; marker: string }
  | { kind: 'alias'; name: string; version: string; arn: string }
  | {
      kind: 'version';
      target: TargetSettings;
      fn: FunctionVersion;
      version: FunctionVersion;
      aliases: string[];
      ref?: FunctionRef;
    }
  | { kind: 'message'; text: string; icon?: string };

export class DeployedTreeProvider
  implements vscode.TreeDataProvider<DeployedNode>, vscode.Disposable
{
  private readonly changed = new vscode.EventEmitter<DeployedNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
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
      if (!node) return this.targets();
      if (node.kind === 'target') return await this.functions(node.target);
      if (node.kind === 'deployed') return await this.versions(node);
      return [];
    } catch (error) {
      return [{ kind: 'message', text: (error as Error).message, icon: 'error' }];
    }
  }

  private async targets(): Promise<DeployedNode[]> {
    const cloud = await this.ctx.cloud();
    const running = await cloud.localCloud.status();
    this.localRunning = running ? { endpoint: running.endpoint } : undefined;
    const aws = await this.awsTarget();
    return [
      { kind: 'target', target: { kind: 'local' } },
      { kind: 'target', target: aws },
    ];
  }

  private async awsTarget(): Promise<TargetSettings> {
    const first = (await this.ctx.manifests.all()).find((e) => e.manifest)?.manifest;
    return {
      kind: 'aws',
      profile: readSetting('aws.profile') || first?.provider.profile || undefined,
      region: readSetting('aws.region') || first?.provider.region || undefined,
    };
  }

  private async functions(target: TargetSettings): Promise<DeployedNode[]> {
    if (target.kind === 'local' && !this.localRunning) {
      return [
        { kind: 'message', text: 'Stopped. Start it to see its functions.', icon: 'debug-stop' },
      ];
    }
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
    const refs = await this.workspaceNames();
    const nodes: DeployedNode[] = page.functions.map((fn) => ({
      kind: 'deployed',
      target,
      fn,
      ref: refs.get(fn.name),
    }));
    if (page.nextMarker) nodes.push({ kind: 'more', target, marker: page.nextMarker });
    if (nodes.length === 0) {
      nodes.push({
        kind: 'message',
        text: this.filter ? `No function matches "${this.filter}".` : 'No functions deployed.',
      });
    }
    return nodes;
  }

  /** Appends the next page under a target ("Load more…"). */
  async loadMore(node: DeployedNode): Promise<void> {
    if (node.kind !== 'more') return;
    const key = JSON.stringify(node.target);
    const current = (this.pages.get(key) ?? []).filter((n) => n !== node);
    this.pages.set(key, [...current, ...(await this.loadPage(node.target, node.marker))]);
    this.changed.fire(undefined);
  }

  private async versions(
    node: Extract<DeployedNode, { kind: 'deployed' }>,
  ): Promise<DeployedNode[]> {
    const cloud = await this.ctx.cloud();
    const { versions, aliases } = await cloud.deployed.describe(node.target, node.fn.name);
    return [
      ...aliases.map((a): DeployedNode => ({
        kind: 'alias',
        name: a.name,
        version: a.version,
        arn: a.arn,
      })),
      ...versions.map((v): DeployedNode => ({
        kind: 'version',
        target: node.target,
        fn: node.fn,
        version: v,
        aliases: aliases.filter((a) => a.version === v.version).map((a) => a.name),
        ref: node.ref,
      })),
    ];
  }

  /** Deployed names of the workspace's functions under the current stage, to link them. */
  private async workspaceNames(): Promise<Map<string, FunctionRef>> {
    const names = new Map<string, FunctionRef>();
    for (const entry of await this.ctx.manifests.all()) {
      const manifest = entry.manifest;
      if (!manifest) continue;
      for (const fn of manifest.functions) {
        names.set(deployedName(manifest.service, manifest.stage, fn.key), {
          manifestFile: entry.uri.fsPath,
          functionKey: fn.key,
        });
      }
    }
    return names;
  }

  getTreeItem(node: DeployedNode): vscode.TreeItem {
    switch (node.kind) {
      case 'target':
        return this.targetItem(node.target);
      case 'deployed': {
        const item = new vscode.TreeItem(node.fn.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `${JSON.stringify(node.target)}/${node.fn.name}`;
        item.description = `${node.fn.configuration.runtime} · ${node.fn.configuration.memory} MB`;
        item.tooltip = `${node.fn.arn}\nLast modified ${node.fn.lastModified}${node.ref ? `\nFunction "${node.ref.functionKey}" of ${vscode.workspace.asRelativePath(node.ref.manifestFile)}` : ''}`;
        item.iconPath = new vscode.ThemeIcon(node.ref ? 'symbol-function' : 'cloud');
        item.contextValue = node.ref ? 'deployedFunction.workspace' : 'deployedFunction';
        return item;
      }
      case 'more': {
        const item = new vscode.TreeItem('Load more…');
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = {
          command: 'flourish.loadMoreDeployed',
          title: 'Load more',
          arguments: [node],
        };
        return item;
      }
      case 'alias': {
        const item = new vscode.TreeItem(`${node.name} → ${node.version}`);
        item.iconPath = new vscode.ThemeIcon('tag');
        item.tooltip = node.arn;
        item.contextValue = 'alias';
        return item;
      }
      case 'version': {
        const item = new vscode.TreeItem(`version ${node.version.version}`);
        const when = new Date(node.version.lastModified);
        item.description = [
          Number.isNaN(when.getTime()) ? node.version.lastModified : when.toLocaleString(),
          node.aliases.length ? `← ${node.aliases.join(', ')}` : undefined,
        ]
          .filter(Boolean)
          .join(' ');
        item.tooltip = `${node.version.arn}\n${node.version.configuration.description}`;
        item.iconPath = new vscode.ThemeIcon(node.aliases.length ? 'pass-filled' : 'versions');
        item.contextValue = node.ref && node.aliases.length === 0 ? 'version.rollback' : 'version';
        return item;
      }
      case 'message': {
        const item = new vscode.TreeItem(node.text);
        if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon);
        return item;
      }
    }
  }

  private targetItem(target: TargetSettings): vscode.TreeItem {
    if (target.kind === 'local') {
      const item = new vscode.TreeItem('Local cloud', vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = new vscode.ThemeIcon('vm');
      item.description = this.localRunning ? `running at ${this.localRunning.endpoint}` : 'stopped';
      item.contextValue = this.localRunning ? 'localCloud.running' : 'localCloud.stopped';
      return item;
    }
    const item = new vscode.TreeItem('AWS Lambda', vscode.TreeItemCollapsibleState.Collapsed);
    item.iconPath = new vscode.ThemeIcon('cloud');
    item.description = `${target.region ?? 'default region'}${target.profile ? ` · ${target.profile}` : ''}`;
    item.tooltip =
      'Expanding lists the functions of this account and region with your AWS credentials.';
    item.contextValue = 'aws';
    if (this.filter) item.description += ` · filter "${this.filter}"`;
    return item;
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}
