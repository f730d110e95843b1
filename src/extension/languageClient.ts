// The language client starts on first need: when a manifest is open in an editor, not at
// activation, so a workspace that only shows the explorer never pays for a server process,
// and the client library itself loads only then (see lsp/index.ts).
import * as vscode from 'vscode';
import type { RunningClient } from './lsp';

export const MANIFEST_SELECTOR = [
  { scheme: 'file', language: 'flourish-yaml' },
  { scheme: 'file', language: 'yaml', pattern: '**/flourish.{yaml,yml}' },
];

export function isManifestDocument(document: vscode.TextDocument): boolean {
  return vscode.languages.match(MANIFEST_SELECTOR, document) > 0;
}

export class ManifestLanguageClient implements vscode.Disposable {
  private client: RunningClient | undefined;
  private starting: Promise<RunningClient> | undefined;
  private disposed = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  /** Starts the server once, when the first manifest is open; later calls reuse it. */
  startWhenNeeded(): vscode.Disposable {
    const maybeStart = (document: vscode.TextDocument) => {
      if (isManifestDocument(document)) void this.ensureStarted().catch(() => undefined);
    };
    vscode.workspace.textDocuments.forEach(maybeStart);
    return vscode.workspace.onDidOpenTextDocument(maybeStart);
  }

  ensureStarted(): Promise<RunningClient> {
    this.starting ??= import('./lsp/index.js')
      .then(({ startManifestClient }) =>
        startManifestClient(this.context, this.output, MANIFEST_SELECTOR),
      )
      .then((client) => {
        if (this.disposed) client.dispose();
        this.client = client;
        return client;
      })
      .catch((error: unknown) => {
        this.starting = undefined;
        this.output.error(`Flourish language server failed to start: ${String(error)}`);
        throw error;
      });
    return this.starting;
  }

  async restart(): Promise<void> {
    if (this.client) await this.client.restart();
    else await this.ensureStarted();
  }

  dispose(): void {
    this.disposed = true;
    this.client?.dispose();
  }
}
