// Finds every flourish.yaml in the workspace and resolves it for the chosen stage, with the
// core parser: the explorer shows exactly what deploy would see.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseManifest, type Manifest, type Problem } from '../core/manifest';
import { readSetting } from './settings';

export interface WorkspaceManifest {
  uri: vscode.Uri;
  folder: vscode.WorkspaceFolder | undefined;
  manifest?: Manifest;
  problems: Problem[];
}

const MANIFEST_GLOB = '**/flourish.{yaml,yml}';
const EXCLUDE_GLOB = '**/{node_modules,.git,dist,.flourish}/**';

export async function findWorkspaceManifests(): Promise<WorkspaceManifest[]> {
  const uris = await vscode.workspace.findFiles(MANIFEST_GLOB, EXCLUDE_GLOB);
  uris.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
  return Promise.all(uris.map(loadWorkspaceManifest));
}

export async function loadWorkspaceManifest(uri: vscode.Uri): Promise<WorkspaceManifest> {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const bytes = await vscode.workspace.fs.readFile(uri);
  const stage = readSetting('stage', uri) || undefined;
  const parsed = parseManifest(new TextDecoder().decode(bytes), { file: uri.fsPath, stage });
  return { uri, folder, manifest: parsed.manifest, problems: parsed.problems };
}

export function manifestLabel(entry: WorkspaceManifest): string {
  const relative = entry.folder
    ? path.relative(entry.folder.uri.fsPath, entry.uri.fsPath)
    : entry.uri.fsPath;
  return entry.manifest?.service ?? relative;
}
