// The command table: one entry per id in COMMAND_IDS, each a factory that receives the
// extension's context. TypeScript refuses a missing or unknown id. Handlers return what they
// did (or why they refused), which the editor tests read.
import * as vscode from 'vscode';
import { buildFunction, packageOne } from './buildCommands';
import { abortOn } from './cancellation';
import type { CommandId } from './commandIds';
import type { FlourishContext } from './context';
import { createManifest } from './createManifest';
import { deploy } from './deploy';
import { resolveFunction, resolveManifest } from './functionRef';
import type { ExplorerNode } from './functionsTree';
import { invokeBackend } from './invoke/invokeBackend';
import { InvokePanel } from './invoke/invokePanel';
import { openHandler } from './openHandler';
import { rollbackFunction } from './rollback';
import { selectProfile, selectStage, selectTarget } from './targetSelection';
import { refuseUntrusted } from './trust';

type Handler = (...args: unknown[]) => unknown;

/** Runs a handler on the function its argument names (or the user picks). */
const onFunction =
  <T>(
    ctx: FlourishContext,
    run: (
      resolved: NonNullable<Awaited<ReturnType<typeof resolveFunction>>>,
      ...rest: unknown[]
    ) => T,
  ) =>
  async (arg?: unknown, ...rest: unknown[]) => {
    const resolved = await resolveFunction(ctx, arg);
    return resolved ? run(resolved, ...rest) : undefined;
  };

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
  'flourish.build': (ctx) => onFunction(ctx, (resolved) => buildFunction(ctx, resolved)),
  'flourish.package': (ctx) => onFunction(ctx, (resolved) => packageOne(ctx, resolved)),
  'flourish.deployFunction': (ctx) =>
    onFunction(ctx, ({ entry, fn }) => deploy(ctx, entry, [fn.key])),
  'flourish.deployAll': (ctx) => async (arg) => {
    const entry = await resolveManifest(ctx, arg);
    return entry ? deploy(ctx, entry) : undefined;
  },
  'flourish.invoke': (ctx) =>
    onFunction(ctx, (resolved) => {
      const panel = InvokePanel.show(
        ctx.extension.extensionUri,
        resolved.entry.manifest,
        resolved.fn,
        invokeBackend(ctx, resolved),
      );
      return panel;
    }),
  'flourish.tailLogs': (ctx) =>
    onFunction(ctx, async (resolved) => {
      await ctx.logTail.start(ctx, resolved);
      return { following: ctx.logTail.active };
    }),
  'flourish.stopTail': (ctx) => () => ({ stopped: ctx.logTail.stop() }),
  'flourish.filterLogs': (ctx) => async (text?: unknown) => {
    const input =
      typeof text === 'string'
        ? text
        : await vscode.window.showInputBox({
            prompt:
              'Show log lines matching: text, level:warn, request:<id> (empty shows everything)',
            placeHolder: 'level:error timeout',
          });
    return input === undefined ? undefined : ctx.logTail.setFilter(input);
  },
  'flourish.toggleLogPause': (ctx) => () => ({ paused: ctx.logTail.togglePause() }),
  'flourish.rollback': (ctx) => async (arg?: unknown, version?: unknown) => {
    const node = arg as { kind?: string; version?: string } | undefined;
    const to =
      typeof version === 'string' ? version : node?.kind === 'version' ? node.version : undefined;
    const resolved = await resolveFunction(ctx, arg);
    return resolved ? rollbackFunction(ctx, resolved, to) : undefined;
  },
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
