// The language client starts on first need: when a manifest is open in an editor, not at
// activation, so a workspace that only shows the explorer never pays for a server process.
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { SetStageNotification, type FlourishInitializationOptions } from '../server/protocol';
import { readSetting } from './settings';

export const MANIFEST_SELECTOR = [
  { scheme: 'file', language: 'flourish-yaml' },
  { scheme: 'file', language: 'yaml', pattern: '**/flourish.{yaml,yml}' },
];

export function isManifestDocument(document: vscode.TextDocument): boolean {
  return vscode.languages.match(MANIFEST_SELECTOR, document) > 0;
}

export class ManifestLanguageClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient> | undefined;
  private watcher: vscode.FileSystemWatcher | undefined;
  private stageWatcher: vscode.Disposable | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {}

  /** Starts the server once, when the first manifest is open; later calls reuse it. */
  startWhenNeeded(): vscode.Disposable {
    const maybeStart = (document: vscode.TextDocument) => {
      if (isManifestDocument(document)) void this.ensureStarted();
    };
    vscode.workspace.textDocuments.forEach(maybeStart);
    return vscode.workspace.onDidOpenTextDocument(maybeStart);
  }

  ensureStarted(): Promise<LanguageClient> {
    this.starting ??= this.start().catch((error: unknown) => {
      this.starting = undefined;
      this.output.appendLine(`Flourish language server failed to start: ${String(error)}`);
      throw error;
    });
    return this.starting;
  }

  async restart(): Promise<void> {
    if (this.client) {
      await this.client.restart();
    } else {
      await this.ensureStarted();
    }
  }

  private async start(): Promise<LanguageClient> {
    const module = this.context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--inspect=6019'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: MANIFEST_SELECTOR,
      outputChannel: this.output,
      synchronize: {
        // Handler files decide diagnostics too: tell the server when sources change.
        fileEvents: (this.watcher = vscode.workspace.createFileSystemWatcher(
          '**/*.{js,mjs,cjs,ts,mts,cts,py}',
        )),
      },
      initializationOptions: {
        stage: readSetting('stage') || undefined,
      } satisfies FlourishInitializationOptions,
    };
    const client = new LanguageClient('flourish', 'Flourish', serverOptions, clientOptions);
    await client.start();
    this.client = client;
    // Diagnostics follow the stage chosen in the status bar (stage overrides change limits).
    this.stageWatcher = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('flourish.stage')) {
        void client.sendNotification(SetStageNotification, {
          stage: readSetting('stage') || undefined,
        });
      }
    });
    return client;
  }

  dispose(): void {
    void this.client?.stop();
    this.watcher?.dispose();
    this.stageWatcher?.dispose();
  }
}
