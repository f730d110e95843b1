// The explorer's workspace view: one node per flourish.yaml (its service), one per function,
// each function marked with its state against the selected target and stage (computed in the
// background once the list is shown, and again after saves, deploys and setting changes).
import * as vscode from 'vscode';
import type { FunctionSpec } from '../core/manifest';
import type { FunctionStatus } from './cloud/functionStates';
import type { FlourishContext } from './context';
import { manifestLabel, type WorkspaceManifest } from './workspaceManifests';

export type ExplorerNode =
  | { kind: 'manifest'; entry: WorkspaceManifest }
  | { kind: 'function'; entry: WorkspaceManifest; fn: FunctionSpec };

const STATE_ICON: Record<FunctionStatus['state'], [string, string | undefined]> = {
  'in-sync': ['pass', 'testing.iconPassed'],
  changed: ['circle-filled', 'gitDecoration.modifiedResourceForeground'],
  'not-deployed': ['circle-outline', undefined],
  drifted: ['warning', 'problemsWarningIcon.foreground'],
  unknown: ['symbol-function', undefined],
};

const STATE_LABEL: Record<FunctionStatus['state'], string> = {
  'in-sync': 'in sync',
  changed: 'changed',
  'not-deployed': 'not deployed',
  drifted: 'drifted',
  unknown: '',
};

export class FunctionsTreeProvider
  implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable
{
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private readonly states = new Map<string, Map<string, FunctionStatus>>();
  private readonly pending = new Map<string, AbortController>();
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
        if (this.states.size === 0) return;
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
    for (const controller of this.pending.values()) controller.abort();
    this.pending.clear();
    this.states.clear();
    this.changed.fire(undefined);
  }

  /** The state last computed for a function (for tests and tooltips). */
  stateOf(manifestFile: string, functionKey: string): FunctionStatus | undefined {
    return this.states.get(manifestFile)?.get(functionKey);
  }

  async getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!node) {
      const entries = await this.ctx.manifests.all();
      return entries.map((entry) => ({ kind: 'manifest', entry }));
    }
    if (node.kind === 'manifest') {
      this.computeStates(node);
      return (node.entry.manifest?.functions ?? []).map((fn) => ({
        kind: 'function',
        entry: node.entry,
        fn,
      }));
    }
    return [];
  }

  private computeStates(node: Extract<ExplorerNode, { kind: 'manifest' }>): void {
    const key = node.entry.uri.fsPath;
    const entry = node.entry;
    if (
      !entry.manifest ||
      this.states.has(key) ||
      this.pending.has(key) ||
      !vscode.workspace.isTrusted
    )
      return;
    const controller = new AbortController();
    this.pending.set(key, controller);
    void this.ctx
      .cloud()
      .then((cloud) =>
        cloud.functionStates(
          entry as Parameters<typeof cloud.functionStates>[0],
          controller.signal,
        ),
      )
      .then(
        (states) => {
          if (controller.signal.aborted) return;
          this.states.set(key, states);
          this.changed.fire(undefined);
        },
        (error: unknown) =>
          this.ctx.output.warn(`Could not read the deployed state of ${key}: ${String(error)}`),
      )
      .finally(() => {
        if (this.pending.get(key) === controller) this.pending.delete(key);
      });
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    if (node.kind === 'manifest') return manifestItem(node.entry);
    const item = functionItem(node.fn, this.stateOf(node.entry.uri.fsPath, node.fn.key));
    item.id = `${node.entry.uri.toString()}#${node.fn.key}`;
    item.command = { command: 'flourish.openHandler', title: 'Open Handler', arguments: [node] };
    return item;
  }

  dispose(): void {
    clearTimeout(this.saveTimer);
    for (const controller of this.pending.values()) controller.abort();
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

function functionItem(fn: FunctionSpec, status: FunctionStatus | undefined): vscode.TreeItem {
  const item = new vscode.TreeItem(fn.key, vscode.TreeItemCollapsibleState.None);
  item.contextValue = status?.url ? 'function.url' : 'function';
  const state = status?.state ?? 'unknown';
  const label = STATE_LABEL[state];
  item.description = `${label ? `${label} · ` : ''}${fn.runtime} · ${fn.memory} MB · ${fn.timeout} s`;
  const [icon, color] = STATE_ICON[state];
  item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
  const tooltip = new vscode.MarkdownString();
  tooltip.appendMarkdown(`**${fn.name}**\n\n`);
  if (fn.description) tooltip.appendMarkdown(`${fn.description}\n\n`);
  tooltip.appendMarkdown(`Handler \`${fn.handler}\` · ${fn.architecture}`);
  if (status) tooltip.appendMarkdown(`\n\n${status.detail}`);
  if (status?.url) tooltip.appendMarkdown(`\n\nURL: ${status.url}`);
  item.tooltip = tooltip;
  return item;
}
