// The command table: one entry per id in COMMAND_IDS, each a factory that receives the
// extension's context. TypeScript refuses a missing or unknown id.
import * as vscode from 'vscode';
import type { CommandId } from './commandIds';
import type { FlourishContext } from './context';
import { createManifest } from './createManifest';
import type { ExplorerNode } from './functionsTree';
import { openHandler } from './openHandler';

type Handler = (...args: unknown[]) => unknown;

const COMMANDS: Record<CommandId, (ctx: FlourishContext) => Handler> = {
  'flourish.createManifest': () => () => createManifest(),
  'flourish.openManifest': () => async (target) => {
    const uri = target instanceof vscode.Uri ? target : await pickManifest();
    if (uri) await vscode.window.showTextDocument(uri);
  },
  'flourish.openHandler': (ctx) => (node) => openHandler(ctx, node as ExplorerNode),
  'flourish.refreshExplorer': (ctx) => () => ctx.functionsTree.refresh(),
  'flourish.restartLanguageServer': (ctx) => () => ctx.languageClient.restart(),
  'flourish.showOutput': (ctx) => () => ctx.output.show(),
};

export function registerCommands(ctx: FlourishContext): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, factory]) =>
    vscode.commands.registerCommand(id, factory(ctx)),
  );
}

async function pickManifest(): Promise<vscode.Uri | undefined> {
  const uris = await vscode.workspace.findFiles('**/flourish.{yaml,yml}', '**/node_modules/**');
  if (uris.length <= 1) return uris[0];
  const picked = await vscode.window.showQuickPick(
    uris.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { placeHolder: 'Which manifest?' },
  );
  return picked?.uri;
}
