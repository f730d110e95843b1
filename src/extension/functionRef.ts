// Commands reach a function three ways: a tree node, a CodeLens argument, or nothing (the
// palette, which asks). All become one resolved reference.
import * as vscode from 'vscode';
import type { FunctionSpec } from '../core/manifest';
import type { FlourishContext } from './context';
import type { WorkspaceManifest } from './workspaceManifests';

import type { FunctionRef } from './functionsTreeModel';

/** What a CodeLens or a webview passes: plain data that survives serialisation. */
export type { FunctionRef } from './functionsTreeModel';

export interface ResolvedFunction {
  entry: WorkspaceManifest & { manifest: NonNullable<WorkspaceManifest['manifest']> };
  fn: FunctionSpec;
}

function isRef(value: unknown): value is FunctionRef {
  const ref = value as FunctionRef | undefined;
  return typeof ref?.manifestFile === 'string' && typeof ref.functionKey === 'string';
}

function isNode(
  value: unknown,
): value is { kind: 'function'; entry: WorkspaceManifest; fn: FunctionSpec } {
  return (value as { kind?: string } | undefined)?.kind === 'function';
}

/** The function an argument names, or the one the user picks; undefined if they cancel. */
export async function resolveFunction(
  ctx: FlourishContext,
  arg: unknown,
): Promise<ResolvedFunction | undefined> {
  const linked = (arg as { ref?: unknown } | undefined)?.ref;
  const ref: FunctionRef | undefined = isNode(arg)
    ? { manifestFile: arg.entry.uri.fsPath, functionKey: arg.fn.key }
    : isRef(arg)
      ? arg
      : isRef(linked)
        ? linked
        : await pickFunction(ctx);
  if (!ref) return undefined;
  const found = await ctx.manifests.find(ref.manifestFile, ref.functionKey);
  if (!found?.entry.manifest) {
    void vscode.window.showErrorMessage(
      `Function "${ref.functionKey}" is not in ${vscode.workspace.asRelativePath(ref.manifestFile)} any more, or the manifest has errors. Open it to check.`,
    );
    return undefined;
  }
  return found as ResolvedFunction;
}

async function pickFunction(ctx: FlourishContext): Promise<FunctionRef | undefined> {
  const entries = await ctx.manifests.all();
  const items = entries.flatMap((entry) =>
    (entry.manifest?.functions ?? []).map((fn) => ({
      label: fn.key,
      description: `${entry.manifest?.service} · ${fn.runtime}`,
      detail: fn.description,
      ref: { manifestFile: entry.uri.fsPath, functionKey: fn.key },
    })),
  );
  if (items.length === 0) {
    void vscode.window.showInformationMessage(
      'No functions: add one to flourish.yaml, or create a manifest first.',
    );
    return undefined;
  }
  if (items.length === 1) return items[0].ref;
  return (
    await vscode.window.showQuickPick(items, {
      placeHolder: 'Which function?',
      matchOnDescription: true,
    })
  )?.ref;
}

/** The manifest a deploy-all refers to: a tree node's, the only one, or the one picked. */
export async function resolveManifest(
  ctx: FlourishContext,
  arg: unknown,
): Promise<ResolvedFunction['entry'] | undefined> {
  const node = arg as { kind?: string; entry?: WorkspaceManifest } | undefined;
  if (node?.kind === 'manifest' && node.entry?.manifest)
    return node.entry as ResolvedFunction['entry'];
  const usable = (await ctx.manifests.all()).filter(
    (e) => e.manifest,
  ) as ResolvedFunction['entry'][];
  if (usable.length <= 1) return usable[0];
  const picked = await vscode.window.showQuickPick(
    usable.map((entry) => ({
      label: entry.manifest.service,
      description: vscode.workspace.asRelativePath(entry.uri),
      entry,
    })),
    { placeHolder: 'Deploy which service?' },
  );
  return picked?.entry;
}
