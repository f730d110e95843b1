import * as vscode from 'vscode';
import { registerCommands } from './commands';
import type { FlourishContext } from './context';
import { FunctionsTreeProvider } from './functionsTree';
import { ManifestLanguageClient } from './languageClient';

export function activate(extension: vscode.ExtensionContext): FlourishContext {
  const output = vscode.window.createOutputChannel('Flourish', { log: true });
  const languageClient = new ManifestLanguageClient(extension, output);
  const functionsTree = new FunctionsTreeProvider();
  const ctx: FlourishContext = { extension, output, languageClient, functionsTree };

  extension.subscriptions.push(
    output,
    languageClient,
    functionsTree,
    vscode.window.registerTreeDataProvider('flourish.functions', functionsTree),
    ...registerCommands(ctx),
    languageClient.startWhenNeeded(),
  );
  return ctx;
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions, which VS Code disposes.
}
