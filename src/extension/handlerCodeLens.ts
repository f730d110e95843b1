// CodeLens above each handler function: Invoke, Deploy, Logs. Handlers are found with the core's
// resolver, reading the open (possibly unsaved) document so the lenses sit on the right line.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ManifestFs } from '../core/manifest';
import type { FunctionRef } from './functionRef';
import { manifestTools } from './lazyManifest';
import type { WorkspaceManifests } from './workspaceManifests';

export const HANDLER_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', language: 'javascript' },
  { scheme: 'file', language: 'typescript' },
  { scheme: 'file', language: 'python' },
];

export class HandlerCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly manifests: WorkspaceManifests) {
    this.subscription = manifests.onDidChange(() => this.changed.fire());
  }

  async provideCodeLenses(
    document: vscode.TextDocument,
    token: vscode.CancellationToken,
  ): Promise<vscode.CodeLens[]> {
    const file = document.uri.fsPath;
    const entries = await this.manifests.all();
    if (!entries.some((entry) => entry.manifest)) return [];
    const { nodeFs, resolveHandler } = await manifestTools();
    const overlay: ManifestFs = {
      readFile: (p) => (p === file ? Promise.resolve(document.getText()) : nodeFs.readFile(p)),
      readDir: (p) => nodeFs.readDir(p),
    };
    const lenses: vscode.CodeLens[] = [];
    for (const entry of entries) {
      const manifest = entry.manifest;
      // Only functions whose manifest folder holds this file can name it.
      if (!manifest || path.relative(manifest.root, file).startsWith('..')) continue;
      for (const fn of manifest.functions) {
        if (token.isCancellationRequested) return [];
        const target = await resolveHandler(manifest.root, fn, overlay);
        if (target.file !== file || !target.found) continue;
        const { start } = target.found.range;
        const range = new vscode.Range(start.line, 0, start.line, 0);
        const ref: FunctionRef = { manifestFile: entry.uri.fsPath, functionKey: fn.key };
        lenses.push(
          new vscode.CodeLens(range, {
            title: `$(play) Invoke ${fn.key}`,
            command: 'flourish.invoke',
            arguments: [ref],
          }),
          new vscode.CodeLens(range, {
            title: '$(cloud-upload) Deploy',
            command: 'flourish.deployFunction',
            arguments: [ref],
          }),
          new vscode.CodeLens(range, {
            title: '$(output) Logs',
            command: 'flourish.tailLogs',
            arguments: [ref],
          }),
        );
      }
    }
    return lenses;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
