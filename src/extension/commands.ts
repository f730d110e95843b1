// The command table: one entry per id in COMMAND_IDS, each a factory that receives the
// extension's context. TypeScript refuses a missing or unknown id.
import * as vscode from 'vscode';
import type { CommandId } from './commandIds';
import type { FlourishContext } from './context';
import { createManifest } from './createManifest';
import type { ExplorerNode } from './functionsTree';
import { openHandler } from './openHandler';
import { selectProfile, selectStage, selectTarget } from './targetSelection';
import { refuseUntrusted } from './trust';

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
  'flourish.selectTarget': () => () => selectTarget(),
  'flourish.selectStage': (ctx) => async () => {
    const stages = (await ctx.manifests.all()).flatMap((entry) => entry.stages);
    await selectStage(stages);
  },
  'flourish.selectProfile': () => () => selectProfile(),
  'flourish.startLocalCloud': (ctx) => async () => {
    const refusal = refuseUntrusted('Starting the local cloud');
    if (refusal) return refusal;
    const info = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: 'Starting the local cloud…',
        cancellable: true,
      },
      (_progress, token) => ctx.localCloud.ensure(abortOn(token)),
    );
    void vscode.window.showInformationMessage(`The local cloud is running at ${info.endpoint}.`);
    return { endpoint: info.endpoint, pid: info.pid };
  },
  'flourish.stopLocalCloud': (ctx) => async () => {
    const stopped = await ctx.localCloud.stop();
    void vscode.window.showInformationMessage(
      stopped
        ? 'Stopped the local cloud. Deployed functions stay; they run again on the next start.'
        : 'The local cloud is not running.',
    );
    return { stopped };
  },
};

/** An AbortSignal that follows a VS Code cancellation token. */
export function abortOn(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

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
