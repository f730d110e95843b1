// TreeItemModel -> vscode.TreeItem: the only place the trees' rows meet the `vscode` API.
import * as vscode from 'vscode';
import type { TreeItemModel } from './treeItemModel';

const COLLAPSIBLE = {
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
} as const;

export function toTreeItem(
  model: TreeItemModel,
  commandArguments: unknown[] = [],
): vscode.TreeItem {
  const item = new vscode.TreeItem(
    model.label,
    model.collapsible ? COLLAPSIBLE[model.collapsible] : vscode.TreeItemCollapsibleState.None,
  );
  item.id = model.id;
  item.description = model.description;
  item.tooltip =
    typeof model.tooltip === 'object'
      ? new vscode.MarkdownString(model.tooltip.markdown)
      : model.tooltip;
  item.contextValue = model.contextValue;
  if (model.icon) {
    item.iconPath = new vscode.ThemeIcon(
      model.icon.id,
      model.icon.color ? new vscode.ThemeColor(model.icon.color) : undefined,
    );
  }
  if (model.command) item.command = { ...model.command, arguments: commandArguments };
  return item;
}
