// What a tree row shows, as plain data: the view models (functionsTreeModel, deployedTreeModel)
// produce it without `vscode`, so they are tested in plain Node; treeItems.ts turns it into a
// vscode.TreeItem.

export interface TreeItemModel {
  label: string;
  /** Stable across refreshes, so the tree keeps expansion and selection. */
  id?: string;
  description?: string;
  /** Plain text, or Markdown. */
  tooltip?: string | { markdown: string };
  /** What `viewItem` menus in package.json key on. */
  contextValue?: string;
  /** A codicon id, and a theme colour id for it. */
  icon?: { id: string; color?: string };
  /** Absent: a leaf. */
  collapsible?: 'collapsed' | 'expanded';
  /** The command a click runs; the tree adds its arguments. */
  command?: { command: string; title: string };
}
