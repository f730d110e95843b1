// Deploy from the editor: the core's plan and apply (exactly what `flourish deploy` runs), with
// cancellable progress, a confirmation before overwriting drift, and an actionable result.
import * as vscode from 'vscode';
import { applyDeploy, formatPlan, planDeploy, type DeployResult } from '../../core/deploy';
import { abortOn } from '../cancellation';
import type { CloudContext } from './index';
import type { ResolvedFunction } from '../functionRef';
import { providerFor } from './providers';
import { refuseUntrusted, type Refusal } from '../trust';

export interface DeploySummary {
  ok: boolean;
  cancelled: boolean;
  functions: { key: string; status: string; version?: string }[];
}

export async function deploy(
  ctx: CloudContext,
  entry: ResolvedFunction['entry'],
  functionKeys?: string[],
): Promise<DeploySummary | Refusal | undefined> {
  const refusal = refuseUntrusted('Deploying');
  if (refusal) return refusal;
  const manifest = entry.manifest;
  const what = functionKeys?.length === 1 ? functionKeys[0] : manifest.service;
  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Deploying ${what}`,
      cancellable: true,
    },
    async (progress, token) => {
      const signal = abortOn(token);
      const provider = await providerFor(ctx, manifest, entry.uri);
      progress.report({ message: `planning on ${provider.label}` });
      const plan = await planDeploy(manifest, provider, {
        functions: functionKeys,
        signal,
        onProgress: (p) => progress.report({ message: `${p.functionKey}: ${p.message}` }),
      });
      ctx.output.info(formatPlan(plan));
      const drifted = plan.functions.filter((f) => f.drift);
      if (drifted.length > 0) {
        const choice = await vscode.window.showWarningMessage(
          `${drifted.map((f) => f.key).join(', ')} changed outside Flourish since the last deploy. Deploying overwrites those changes.`,
          { modal: true, detail: formatPlan(plan) },
          'Deploy and Overwrite',
        );
        if (choice !== 'Deploy and Overwrite') return undefined;
      }
      const result = await applyDeploy(plan, provider, {
        signal,
        onEvent: (event) => {
          if (event.type === 'step-started')
            progress.report({ message: `${event.functionKey}: ${event.message}` });
        },
      });
      report(ctx, result);
      return {
        ok: result.ok,
        cancelled: result.cancelled,
        functions: result.functions.map((f) => ({
          key: f.functionKey,
          status: f.status,
          version: f.version,
        })),
      };
    },
  );
}

function report(ctx: CloudContext, result: DeployResult): void {
  for (const fn of result.functions) {
    const line = `${fn.functionKey}: ${fn.status}${fn.version ? ` (version ${fn.version})` : ''}`;
    if (fn.error) ctx.output.error(`${line}: ${fn.error.message}`);
    else ctx.output.info(line);
  }
  const failed = result.functions.filter((f) => f.status === 'failed');
  if (result.cancelled) {
    void vscode.window.showWarningMessage(
      'Deploy cancelled. Aliases still point at the last good versions.',
    );
  } else if (failed.length > 0) {
    void vscode.window
      .showErrorMessage(
        `Deploy failed for ${failed.map((f) => f.functionKey).join(', ')}: ${failed[0].error?.message ?? ''}`,
        'Show Output',
      )
      .then((choice) => choice && ctx.output.show());
  } else {
    const deployed = result.functions.filter((f) => f.status === 'deployed');
    void vscode.window.showInformationMessage(
      deployed.length === 0
        ? 'Nothing to deploy: every function is up to date.'
        : `Deployed ${deployed.map((f) => `${f.functionKey} v${f.version}`).join(', ')}.`,
    );
  }
}
