// The language client itself (vscode-languageclient and the protocol), a bundle of its own
// (dist/extension-lsp.js) loaded when the first manifest opens, not at activation.
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { SetStageNotification, type FlourishInitializationOptions } from '../../server/protocol';
import { readSetting } from '../settings';

export interface RunningClient extends vscode.Disposable {
  restart(): Promise<void>;
}

export async function startManifestClient(
  context: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
  documentSelector: { scheme: string; language: string; pattern?: string }[],
): Promise<RunningClient> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--inspect=6019'] } },
  };
  // Handler files decide diagnostics too: the server hears when sources change.
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.{js,mjs,cjs,ts,mts,cts,py}');
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    outputChannel: output,
    synchronize: { fileEvents: watcher },
    initializationOptions: {
      stage: readSetting('stage') || undefined,
    } satisfies FlourishInitializationOptions,
  };
  const client = new LanguageClient('flourish', 'Flourish', serverOptions, clientOptions);
  await client.start();
  // Diagnostics follow the stage chosen in the status bar (stage overrides change limits).
  const stageWatcher = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('flourish.stage')) {
      void client.sendNotification(SetStageNotification, {
        stage: readSetting('stage') || undefined,
      });
    }
  });
  return {
    restart: () => client.restart(),
    dispose: () => {
      void client.stop();
      watcher.dispose();
      stageWatcher.dispose();
    },
  };
}
