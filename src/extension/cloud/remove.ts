// Remove a stage from the editor: the core's planRemove/applyRemove (what `flourish remove`
// runs), shown first and confirmed in a modal, with cancellable progress.
import * as vscode from 'vscode';
import { applyRemove, formatRemovePlan, planRemove } from '../../core/deploy';
import { abortOn } from '../cancellation';
import type { ResolvedFunction } from '../functionRef';
import { refuseUntrusted, type Refusal } from '../trust';
import type { CloudContext } from './index';
import { providerFor } from './providers';

export interface RemoveSummary {
  ok: boolean;
  removed: number;
  failed: number;
}

export async function removeStage(
  ctx: CloudContext,
  entry: ResolvedFunction['entry'],
  options: { confirmed?: boolean } = {},
): Promise<RemoveSummary | Refusal | undefined> {
  const refusal = refuseUntrusted('Removing a stage');
  if (refusal) return refusal;
  const manifest = entry.manifest;
  const provider = await providerFor(ctx, manifest, entry.uri);
  const plan = await planRemove(manifest, provider);
  const text = formatRemovePlan(plan);
  ctx.output.info(text);
  const count = plan.functions.length + plan.schedules.length + plan.roles.length;
  if (count === 0) {
    void vscode.window.showInformationMessage(
      `Nothing of ${manifest.service} (stage ${manifest.stage}) to remove on ${provider.label}.`,
    );
    return { ok: true, removed: 0, failed: 0 };
  }
  if (!options.confirmed) {
    const choice = await vscode.window.showWarningMessage(
      `Remove ${manifest.service} stage "${manifest.stage}" from ${provider.label}? This deletes ${count} resource${count === 1 ? '' : 's'} Flourish created.`,
      { modal: true, detail: text },
      'Remove',
    );
    if (choice !== 'Remove') return undefined;
  }
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Removing ${manifest.service} (${manifest.stage})`,
      cancellable: true,
    },
    (progress, token) =>
      applyRemove(plan, provider, {
        signal: abortOn(token),
        onEvent: (event) => {
          progress.report({ message: event.message });
          ctx.output.info(event.message);
        },
      }),
  );
  if (result.failed.length) {
    void vscode.window.showErrorMessage(
      `Removed ${result.removed.length}; ${result.failed.length} could not be removed. See the Flourish output.`,
    );
  } else {
    void vscode.window.showInformationMessage(
      `Removed ${manifest.service} stage "${manifest.stage}" (${result.removed.length} resources).`,
    );
  }
  return { ok: result.ok, removed: result.removed.length, failed: result.failed.length };
}
