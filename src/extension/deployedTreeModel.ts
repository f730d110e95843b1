// The Deployed view as plain data: the local cloud and AWS, each with its functions a page at a
// time (filtered by name, "Load more…" for the next page), and each function's aliases and
// versions, newest first, with the versions an alias points at marked. Pure, so it is tested
// in plain Node; deployedTree.ts is the TreeDataProvider and cloud/deployed.ts reads the cloud.
import type { Manifest } from '../core/manifest';
import { deployedName } from '../core/manifest/limits';
import type { AliasInfo, FunctionVersion } from '../core/cloud/provider';
import type { FunctionRef } from './functionsTreeModel';
import type { TreeItemModel } from './treeItemModel';

export type TargetKey = 'local' | 'aws';

export interface TargetSettings {
  kind: TargetKey;
  profile?: string;
  region?: string;
}

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

/** Functions per page of the view. */
export const PAGE_SIZE = 50;
/** A filter reads at most this many pages of the cloud's list before it shows what it found. */
export const MAX_FILTER_PAGES = 20;

export interface FunctionsPage {
  functions: FunctionVersion[];
  /** Where the next page starts; absent on the last one. */
  nextMarker?: string;
}

/**
 * One page of the view from the cloud's paged list. Unfiltered, that is one page of the list;
 * with a filter (a case-insensitive part of the name), pages are read until a view page is
 * full, the list ends, or MAX_FILTER_PAGES were read.
 */
export async function collectPage(
  listPage: (marker?: string) => Promise<{ items: FunctionVersion[]; nextToken?: string }>,
  marker?: string,
  filter?: string,
): Promise<FunctionsPage> {
  const needle = filter?.trim().toLowerCase();
  const functions: FunctionVersion[] = [];
  let next = marker;
  for (let pages = 0; pages < (needle ? MAX_FILTER_PAGES : 1); pages++) {
    const page = await listPage(next);
    functions.push(
      ...(needle ? page.items.filter((f) => f.name.toLowerCase().includes(needle)) : page.items),
    );
    next = page.nextToken;
    if (!next || functions.length >= PAGE_SIZE) break;
  }
  return { functions, nextMarker: next };
}

/** The two targets; AWS with the settings' profile and region, else the first manifest's. */
export function targetNodes(
  settings: { profile: string; region: string },
  first: Pick<Manifest, 'provider'> | undefined,
): DeployedNode[] {
  return [
    { kind: 'target', target: { kind: 'local' } },
    {
      kind: 'target',
      target: {
        kind: 'aws',
        profile: settings.profile || first?.provider.profile || undefined,
        region: settings.region || first?.provider.region || undefined,
      },
    },
  ];
}

/** Deployed name → the workspace function it is (under each manifest's current stage). */
export function workspaceNames(
  manifests: { file: string; manifest?: Pick<Manifest, 'service' | 'stage' | 'functions'> }[],
): Map<string, FunctionRef> {
  const names = new Map<string, FunctionRef>();
  for (const { file, manifest } of manifests) {
    if (!manifest) continue;
    for (const fn of manifest.functions) {
      names.set(deployedName(manifest.service, manifest.stage, fn.key), {
        manifestFile: file,
        functionKey: fn.key,
      });
    }
  }
  return names;
}

/** The rows under a target for one page: functions, then "Load more…" or a message. */
export function functionNodes(
  target: TargetSettings,
  page: FunctionsPage,
  names: Map<string, FunctionRef>,
  filter: string,
): DeployedNode[] {
  const nodes: DeployedNode[] = page.functions.map((fn) => ({
    kind: 'deployed',
    target,
    fn,
    ref: names.get(fn.name),
  }));
  if (page.nextMarker) nodes.push({ kind: 'more', target, marker: page.nextMarker });
  if (nodes.length === 0) {
    nodes.push({
      kind: 'message',
      text: filter ? `No function matches "${filter}".` : 'No functions deployed.',
    });
  }
  return nodes;
}

/** The rows after "Load more…": the next page takes the place of the row that asked for it. */
export function appendPage(
  current: DeployedNode[],
  more: DeployedNode,
  next: DeployedNode[],
): DeployedNode[] {
  return [...current.filter((node) => node !== more), ...next];
}

/** Under a function: its aliases, then its versions newest first (the cloud lists oldest first). */
export function versionNodes(
  parent: Extract<DeployedNode, { kind: 'deployed' }>,
  versions: FunctionVersion[],
  aliases: AliasInfo[],
): DeployedNode[] {
  return [
    ...aliases.map((a): DeployedNode => ({
      kind: 'alias',
      name: a.name,
      version: a.version,
      arn: a.arn,
    })),
    ...[...versions].reverse().map((v): DeployedNode => ({
      kind: 'version',
      target: parent.target,
      fn: parent.fn,
      version: v,
      aliases: aliases.filter((a) => a.version === v.version).map((a) => a.name),
      ref: parent.ref,
    })),
  ];
}

export interface DeployedViewState {
  /** The local cloud's endpoint when it runs. */
  localRunning?: { endpoint: string };
  filter: string;
  /** A workspace path as the editor shows it (relative to its folder). */
  relativePath: (file: string) => string;
  /** A time as the user reads it. */
  formatTime: (date: Date) => string;
}

export function deployedItem(node: DeployedNode, view: DeployedViewState): TreeItemModel {
  switch (node.kind) {
    case 'target':
      return targetItem(node.target, view);
    case 'deployed':
      return {
        label: node.fn.name,
        collapsible: 'collapsed',
        id: `${JSON.stringify(node.target)}/${node.fn.name}`,
        description: `${node.fn.configuration.runtime} · ${node.fn.configuration.memory} MB`,
        tooltip: `${node.fn.arn}\nLast modified ${node.fn.lastModified}${node.ref ? `\nFunction "${node.ref.functionKey}" of ${view.relativePath(node.ref.manifestFile)}` : ''}`,
        icon: { id: node.ref ? 'symbol-function' : 'cloud' },
        contextValue: node.ref ? 'deployedFunction.workspace' : 'deployedFunction',
      };
    case 'more':
      return {
        label: 'Load more…',
        icon: { id: 'ellipsis' },
        command: { command: 'flourish.loadMoreDeployed', title: 'Load more' },
      };
    case 'alias':
      return {
        label: `${node.name} → ${node.version}`,
        icon: { id: 'tag' },
        tooltip: node.arn,
        contextValue: 'alias',
      };
    case 'version': {
      const when = new Date(node.version.lastModified);
      return {
        label: `version ${node.version.version}`,
        description: [
          Number.isNaN(when.getTime()) ? node.version.lastModified : view.formatTime(when),
          node.aliases.length ? `← ${node.aliases.join(', ')}` : undefined,
        ]
          .filter(Boolean)
          .join(' '),
        tooltip: `${node.version.arn}\n${node.version.configuration.description}`,
        icon: { id: node.aliases.length ? 'pass-filled' : 'versions' },
        // Rolling back means moving the stage alias to a version no alias points at yet.
        contextValue: node.ref && node.aliases.length === 0 ? 'version.rollback' : 'version',
      };
    }
    case 'message':
      return { label: node.text, icon: node.icon ? { id: node.icon } : undefined };
  }
}

function targetItem(target: TargetSettings, view: DeployedViewState): TreeItemModel {
  if (target.kind === 'local') {
    return {
      label: 'Local cloud',
      collapsible: 'expanded',
      icon: { id: 'vm' },
      description: view.localRunning ? `running at ${view.localRunning.endpoint}` : 'stopped',
      contextValue: view.localRunning ? 'localCloud.running' : 'localCloud.stopped',
    };
  }
  let description = `${target.region ?? 'default region'}${target.profile ? ` · ${target.profile}` : ''}`;
  if (view.filter) description += ` · filter "${view.filter}"`;
  return {
    label: 'AWS Lambda',
    collapsible: 'collapsed',
    icon: { id: 'cloud' },
    description,
    tooltip: 'Expanding lists the functions of this account and region with your AWS credentials.',
    contextValue: 'aws',
  };
}

/** Under the local cloud while it is stopped. */
export function localStoppedNodes(): DeployedNode[] {
  return [{ kind: 'message', text: 'Stopped. Start it to see its functions.', icon: 'debug-stop' }];
}

/** A failed read shows as a row with the error's message. */
export function errorNodes(error: unknown): DeployedNode[] {
  return [
    {
      kind: 'message',
      text: error instanceof Error ? error.message : String(error),
      icon: 'error',
    },
  ];
}
