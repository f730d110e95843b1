// Every flourish.yaml in the workspace, resolved for the chosen stage with the core parser, so
// the explorer, the status bar and CodeLens show exactly what deploy would see. Parsed once and
// kept until a manifest or a setting changes; the parser itself loads on the first read.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FunctionSpec, Manifest, Problem } from '../core/manifest';
import { manifestTools } from './lazyManifest';
import { readSetting } from './settings';

export interface WorkspaceManifest {
  uri: vscode.Uri;
  folder: vscode.WorkspaceFolder | undefined;
  manifest?: Manifest;
  problems: Problem[];
  /** Stage names the manifest declares (its default and those under `stages:`). */
  stages: string[];
}

const MANIFEST_GLOB = '**/flourish.{yaml,yml}';
const MANIFEST_NAMES = new Set(['flourish.yaml', 'flourish.yml']);
const EXCLUDE_GLOB = '**/{node_modules,.git,dist,.flourish}/**';

export class WorkspaceManifests implements vscode.Disposable {
  private cache: Promise<WorkspaceManifest[]> | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher(MANIFEST_GLOB);
    const invalidate = () => this.invalidate();
    this.subscriptions = [
      watcher,
      this.changed,
      watcher.onDidCreate(invalidate),
      watcher.onDidChange(invalidate),
      watcher.onDidDelete(invalidate),
      // A save is seen here before the file watcher reports it (which can take a moment), so a
      // command run right after saving works from what was saved.
      vscode.workspace.onDidSaveTextDocument((document) => {
        if (MANIFEST_NAMES.has(path.basename(document.uri.fsPath))) invalidate();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(invalidate),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('flourish.stage')) invalidate();
      }),
    ];
  }

  invalidate(): void {
    this.cache = undefined;
    this.changed.fire();
  }

  all(): Promise<WorkspaceManifest[]> {
    this.cache ??= findWorkspaceManifests();
    return this.cache;
  }

  /** The manifest and function a command or CodeLens refers to. */
  async find(
    manifestFile: string,
    functionKey: string,
  ): Promise<{ entry: WorkspaceManifest; fn: FunctionSpec } | undefined> {
    for (const entry of await this.all()) {
      if (entry.uri.fsPath !== manifestFile) continue;
      const fn = entry.manifest?.functions.find((f) => f.key === functionKey);
      if (fn) return { entry, fn };
    }
    return undefined;
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}

async function findWorkspaceManifests(): Promise<WorkspaceManifest[]> {
  const uris = await vscode.workspace.findFiles(MANIFEST_GLOB, EXCLUDE_GLOB);
  uris.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  return Promise.all(uris.map(loadWorkspaceManifest));
}

async function loadWorkspaceManifest(uri: vscode.Uri): Promise<WorkspaceManifest> {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const bytes = await vscode.workspace.fs.readFile(uri);
  const stage = readSetting('stage', uri) || undefined;
  const { parseWorkspaceManifest } = await manifestTools();
  const parsed = parseWorkspaceManifest(new TextDecoder().decode(bytes), uri.fsPath, stage);
  return { uri, folder, ...parsed };
}

export function manifestLabel(entry: WorkspaceManifest): string {
  const relative = entry.folder
    ? path.relative(entry.folder.uri.fsPath, entry.uri.fsPath)
    : entry.uri.fsPath;
  return entry.manifest?.service ?? relative;
}
