// Build and package from the editor, streaming the build's output into the Flourish channel.
import * as vscode from 'vscode';
import { packageFunction, runBuild } from '../../core/build';
import { abortOn } from '../cancellation';
import type { CloudContext } from './index';
import type { ResolvedFunction } from '../functionRef';
import { refuseUntrusted, type Refusal } from '../trust';

export async function buildFunction(
  ctx: CloudContext,
  { entry, fn }: ResolvedFunction,
): Promise<{ exitCode: number } | Refusal | undefined> {
  const refusal = refuseUntrusted('Building');
  if (refusal) return refusal;
  if (!fn.build) {
    void vscode.window.showInformationMessage(
      `${fn.key} has no build command; packaging bundles its handler directly.`,
    );
    return undefined;
  }
  ctx.output.show(true);
  const run = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Building ${fn.key}`,
      cancellable: true,
    },
    (_progress, token) =>
      runBuild(fn, entry.manifest, {
        signal: abortOn(token),
        onOutput: (line) => ctx.output.info(`${fn.key} | ${line}`),
      }),
  );
  void vscode.window.showInformationMessage(`Built ${fn.key} (${run.command}).`);
  return { exitCode: run.exitCode };
}

export async function packageOne(ctx: CloudContext, { entry, fn }: ResolvedFunction) {
  const refusal = refuseUntrusted('Packaging');
  if (refusal) return refusal;
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Packaging ${fn.key}`,
      cancellable: true,
    },
    (progress, token) =>
      packageFunction(entry.manifest, fn, {
        signal: abortOn(token),
        onProgress: (p) => progress.report({ message: p.message }),
        onBuildOutput: (line) => ctx.output.info(`${fn.key} | ${line}`),
      }),
  );
  for (const warning of result.warnings) ctx.output.warn(`${fn.key}: ${warning.message}`);
  const kb = (result.zipBytes / 1024).toFixed(1);
  void vscode.window.showInformationMessage(
    `${fn.key}: ${kb} KB, ${result.fileCount} files, sha256 ${result.sha256Hex.slice(0, 12)}${result.reused ? ' (unchanged)' : ''}.`,
  );
  return {
    zipPath: result.zipPath,
    sha256: result.sha256Hex,
    reused: result.reused,
    warnings: result.warnings.length,
  };
}
