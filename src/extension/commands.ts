// The command table: one entry per id in COMMAND_IDS, each a factory that receives the
// extension's context. TypeScript refuses a missing or unknown id. Handlers return what they
// did (or why they refused), which the editor tests read.
import * as vscode from 'vscode';
import { abortOn } from './cancellation';
import type { CommandId } from './commandIds';
import type { FlourishContext } from './context';
import { createManifest } from './createManifest';
import type { DeployedNode } from './deployedTree';
import { DashboardPanel } from './dashboard/dashboardPanel';
import { resolveFunction, resolveManifest } from './functionRef';
import type { ExplorerNode } from './functionsTree';
import { InvokePanel } from './invoke/invokePanel';
import { openHandler } from './openHandler';
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
      async (_progress, token) => (await ctx.cloud()).localCloud.ensure(abortOn(token)),
    );
    ctx.deployedTree.refresh();
    ctx.functionsTree.refreshStates();
    void vscode.window.showInformationMessage(`The local cloud is running at ${info.endpoint}.`);
    return { endpoint: info.endpoint, pid: info.pid };
  },
  'flourish.stopLocalCloud': (ctx) => async () => {
    const stopped = await (await ctx.cloud()).localCloud.stop();
    ctx.deployedTree.refresh();
    ctx.functionsTree.refreshStates();
    void vscode.window.showInformationMessage(
      stopped
        ? 'Stopped the local cloud. Deployed functions stay; they run again on the next start.'
        : 'The local cloud is not running.',
    );
    return { stopped };
  },
  'flourish.build': (ctx) =>
    onFunction(ctx, async (resolved) => (await ctx.cloud()).build(resolved)),
  'flourish.package': (ctx) =>
    onFunction(ctx, async (resolved) => (await ctx.cloud()).package(resolved)),
  'flourish.deployFunction': (ctx) =>
    onFunction(ctx, async ({ entry, fn }) => {
      const result = await (await ctx.cloud()).deploy(entry, [fn.key]);
      ctx.deployedTree.refresh();
      ctx.functionsTree.refreshStates();
      return result;
    }),
  'flourish.deployAll': (ctx) => async (arg) => {
    const entry = await resolveManifest(ctx, arg);
    if (!entry) return undefined;
    const result = await (await ctx.cloud()).deploy(entry);
    ctx.deployedTree.refresh();
    ctx.functionsTree.refreshStates();
    return result;
  },
  'flourish.invoke': (ctx) =>
    onFunction(ctx, async (resolved) => {
      const cloud = await ctx.cloud();
      const ref = { manifestFile: resolved.entry.uri.fsPath, functionKey: resolved.fn.key };
      // After a target or stage change the manifest resolves differently: look it up again.
      const rebind = async () => {
        const again = await resolveFunction(ctx, ref);
        return (
          again && {
            manifest: again.entry.manifest,
            fn: again.fn,
            backend: cloud.invokeBackend(again),
          }
        );
      };
      return InvokePanel.show(
        ctx.extension.extensionUri,
        resolved.entry.manifest,
        resolved.fn,
        cloud.invokeBackend(resolved),
        rebind,
      );
    }),
  'flourish.tailLogs': (ctx) =>
    onFunction(ctx, async (resolved) => {
      const cloud = await ctx.cloud();
      await cloud.tailLogs(resolved);
      // `lines` is the live list of what the view shows (bounded), for the editor tests.
      return { following: cloud.logTail.active, lines: cloud.logTail.recent };
    }),
  'flourish.stopTail': (ctx) => async () => ({ stopped: (await ctx.cloud()).logTail.stop() }),
  'flourish.filterLogs': (ctx) => async (text?: unknown) => {
    const input =
      typeof text === 'string'
        ? text
        : await vscode.window.showInputBox({
            prompt:
              'Show log lines matching: text, level:warn, request:<id> (empty shows everything)',
            placeHolder: 'level:error timeout',
          });
    return input === undefined ? undefined : (await ctx.cloud()).logTail.setFilter(input);
  },
  'flourish.toggleLogPause': (ctx) => async () => ({
    paused: (await ctx.cloud()).logTail.togglePause(),
  }),
  'flourish.rollback': (ctx) => async (arg?: unknown, version?: unknown) => {
    const node = arg as { kind?: string; version?: { version: string } } | undefined;
    const to =
      typeof version === 'string'
        ? version
        : node?.kind === 'version'
          ? node.version?.version
          : undefined;
    const resolved = await resolveFunction(ctx, arg);
    if (!resolved) return undefined;
    const result = await (await ctx.cloud()).rollback(resolved, to);
    ctx.deployedTree.refresh();
    ctx.functionsTree.refreshStates();
    return result;
  },
  'flourish.openDashboard': (ctx) => async (arg) => {
    const node = arg as
      { kind?: string; entry?: unknown; ref?: { manifestFile?: string } } | undefined;
    const linked = node?.ref?.manifestFile
      ? (await ctx.manifests.all()).find((e) => e.uri.fsPath === node.ref?.manifestFile)
      : undefined;
    const entry = await resolveManifest(
      ctx,
      node?.kind === 'function'
        ? { kind: 'manifest', entry: node.entry }
        : linked
          ? { kind: 'manifest', entry: linked }
          : arg,
    );
    if (!entry) return undefined;
    const cloud = await ctx.cloud();
    const { manifest } = entry;
    return DashboardPanel.show(
      ctx.extension.extensionUri,
      `${entry.uri.fsPath}#${manifest.stage}`,
      `Dashboard: ${manifest.service} (${manifest.stage})`,
      (from, to, signal) => cloud.metrics(entry, from, to, signal),
    );
  },
  'flourish.refreshDeployed': (ctx) => async () => {
    (await ctx.cloud()).deployed.reset();
    ctx.deployedTree.refresh();
    ctx.functionsTree.refreshStates();
  },
  'flourish.filterDeployed': (ctx) => async (text?: unknown) => {
    const filter =
      typeof text === 'string'
        ? text
        : await vscode.window.showInputBox({
            prompt: 'Show deployed functions whose name contains (empty shows all)',
            value: ctx.deployedTree.filterText,
          });
    if (filter !== undefined) ctx.deployedTree.setFilter(filter);
    return { filter };
  },
  'flourish.loadMoreDeployed': (ctx) => (node) => ctx.deployedTree.loadMore(node as DeployedNode),
  'flourish.copyArn': () => async (node) => {
    const n = node as DeployedNode | undefined;
    const arn =
      n?.kind === 'deployed'
        ? n.fn.arn
        : n?.kind === 'version'
          ? n.version.arn
          : n?.kind === 'alias'
            ? n.arn
            : undefined;
    if (!arn) return undefined;
    await vscode.env.clipboard.writeText(arn);
    void vscode.window.setStatusBarMessage(`Copied ${arn}`, 3000);
    return arn;
  },
  'flourish.removeStage': (ctx) => async (arg?: unknown, options?: unknown) => {
    const entry = await resolveManifest(ctx, arg);
    if (!entry) return undefined;
    const confirmed = (options as { confirmed?: boolean } | undefined)?.confirmed === true;
    const result = await (await ctx.cloud()).remove(entry, { confirmed });
    ctx.deployedTree.refresh();
    ctx.functionsTree.refreshStates();
    return result;
  },
  'flourish.openUrl': (ctx) => async (node?: unknown) => {
    const n = node as ExplorerNode | undefined;
    const url =
      n?.kind === 'function'
        ? ctx.functionsTree.stateOf(n.entry.uri.fsPath, n.fn.key)?.url
        : undefined;
    if (!url) {
      void vscode.window.showInformationMessage(
        'This function has no URL yet: give it an http event and deploy it.',
      );
      return undefined;
    }
    await vscode.env.openExternal(vscode.Uri.parse(url));
    return url;
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
