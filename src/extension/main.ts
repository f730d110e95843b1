import * as vscode from 'vscode';
import { registerCommands } from './commands';
import type { FlourishContext } from './context';
import { DeployedTreeProvider } from './deployedTree';
import { FunctionsTreeProvider } from './functionsTree';
import { HANDLER_SELECTOR, HandlerCodeLensProvider } from './handlerCodeLens';
import { ManifestLanguageClient } from './languageClient';
import { lazyCloudFeatures } from './lazyCloud';
import { TargetStatusBar } from './statusBar';
import { WorkspaceManifests } from './workspaceManifests';

export function activate(extension: vscode.ExtensionContext): FlourishContext {
  const output = vscode.window.createOutputChannel('Flourish', { log: true });
  const manifests = new WorkspaceManifests();
  const ctx = {
    extension,
    output,
    manifests,
    languageClient: new ManifestLanguageClient(extension, output),
    cloud: lazyCloudFeatures(() => ctx, extension.subscriptions),
  } as FlourishContext;
  ctx.functionsTree = new FunctionsTreeProvider(ctx);
  ctx.deployedTree = new DeployedTreeProvider(ctx);
  const codeLens = new HandlerCodeLensProvider(manifests);
  extension.subscriptions.push(
    output,
    manifests,
    ctx.languageClient,
    ctx.functionsTree,
    new TargetStatusBar(manifests),
    codeLens,
    vscode.languages.registerCodeLensProvider(HANDLER_SELECTOR, codeLens),
    ctx.deployedTree,
    vscode.window.registerTreeDataProvider('flourish.functions', ctx.functionsTree),
    vscode.window.registerTreeDataProvider('flourish.deployed', ctx.deployedTree),
    ...registerCommands(ctx),
    ctx.languageClient.startWhenNeeded(),
  );
  return ctx;
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions, which VS Code disposes.
}
