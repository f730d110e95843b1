// The Functions view as plain data: a row per flourish.yaml (its service, stage and provider,
// or its problems) and a row per function with its state against the selected target, and the
// store of those states (computed in the background, dropped when anything changes). Pure, so
// it is tested in plain Node; functionsTree.ts is the TreeDataProvider around it.
import type { FunctionSpec, Manifest, Problem } from '../core/manifest';
import type { FunctionState, FunctionStatus } from './functionStatesModel';
import type { TreeItemModel } from './treeItemModel';

/** A workspace function by manifest file and key: what a CodeLens, a webview or a row passes. */
export interface FunctionRef {
  manifestFile: string;
  functionKey: string;
}

/** What the view needs of a workspace manifest. */
export interface ManifestView {
  /** The manifest's path: it keys the states and is the row's tooltip. */
  file: string;
  /** The service name, or the path when the manifest does not parse. */
  label: string;
  manifest?: Pick<Manifest, 'stage' | 'provider' | 'functions'>;
  problems: Pick<Problem, 'severity'>[];
}

export const STATE_ICON: Record<FunctionState, { id: string; color?: string }> = {
  'in-sync': { id: 'pass', color: 'testing.iconPassed' },
  changed: { id: 'circle-filled', color: 'gitDecoration.modifiedResourceForeground' },
  'not-deployed': { id: 'circle-outline' },
  drifted: { id: 'warning', color: 'problemsWarningIcon.foreground' },
  unknown: { id: 'symbol-function' },
};

export const STATE_LABEL: Record<FunctionState, string> = {
  'in-sync': 'in sync',
  changed: 'changed',
  'not-deployed': 'not deployed',
  drifted: 'drifted',
  unknown: '',
};

export function manifestItem(entry: ManifestView): TreeItemModel {
  const errors = entry.problems.filter((p) => p.severity === 'error').length;
  const item: TreeItemModel = {
    label: entry.label,
    collapsible: 'expanded',
    contextValue: 'manifest',
    icon: { id: 'package' },
    tooltip: entry.file,
    command: { command: 'flourish.openManifest', title: 'Open Manifest' },
  };
  if (entry.manifest) {
    item.description = `${entry.manifest.stage} · ${entry.manifest.provider.name}`;
  }
  if (errors > 0) {
    item.description = `${errors} problem${errors === 1 ? '' : 's'}`;
    item.icon = { id: 'warning', color: 'problemsWarningIcon.foreground' };
  }
  return item;
}

/** A manifest's functions, in the order the manifest declares them. */
export function functionsOf(entry: ManifestView): FunctionSpec[] {
  return entry.manifest?.functions ?? [];
}

export function functionItem(fn: FunctionSpec, status: FunctionStatus | undefined): TreeItemModel {
  const state = status?.state ?? 'unknown';
  const label = STATE_LABEL[state];
  const tooltip = [`**${fn.name}**`];
  if (fn.description) tooltip.push(fn.description);
  tooltip.push(`Handler \`${fn.handler}\` · ${fn.architecture}`);
  if (status) tooltip.push(status.detail);
  if (status?.url) tooltip.push(`URL: ${status.url}`);
  return {
    label: fn.key,
    description: `${label ? `${label} · ` : ''}${fn.runtime} · ${fn.memory} MB · ${fn.timeout} s`,
    contextValue: status?.url ? 'function.url' : 'function',
    icon: STATE_ICON[state],
    tooltip: { markdown: tooltip.join('\n\n') },
    command: { command: 'flourish.openHandler', title: 'Open Handler' },
  };
}

/**
 * The functions' states per manifest file. A manifest's states are computed once (begin ...
 * finish); clear() forgets them and abandons computations under way, whose results are then
 * ignored, so a late answer never overwrites a newer one.
 */
export class FunctionStateStore {
  private readonly states = new Map<string, Map<string, FunctionStatus>>();
  private readonly pending = new Map<string, AbortController>();

  get(file: string, functionKey: string): FunctionStatus | undefined {
    return this.states.get(file)?.get(functionKey);
  }

  /** Whether any manifest's states are known (saves only matter then). */
  get hasStates(): boolean {
    return this.states.size > 0;
  }

  /** Starts a computation for a manifest; undefined when its states are known or under way. */
  begin(file: string): AbortSignal | undefined {
    if (this.states.has(file) || this.pending.has(file)) return undefined;
    const controller = new AbortController();
    this.pending.set(file, controller);
    return controller.signal;
  }

  /**
   * Ends the computation `signal` belongs to, keeping `states` (undefined: it failed, and the
   * next begin() tries again). True when the states were kept and the view should redraw.
   */
  finish(file: string, signal: AbortSignal, states?: Map<string, FunctionStatus>): boolean {
    if (this.pending.get(file)?.signal === signal) this.pending.delete(file);
    if (signal.aborted || !states) return false;
    this.states.set(file, states);
    return true;
  }

  clear(): void {
    for (const controller of this.pending.values()) controller.abort();
    this.pending.clear();
    this.states.clear();
  }
}
