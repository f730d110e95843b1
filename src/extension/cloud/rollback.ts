// Roll back from the editor: pick an earlier version (or take the one a tree node names) and
// move the stage alias there with the core's rollback, the same as `flourish rollback`.
import * as vscode from 'vscode';
import { listVersions, rollback, type RollbackResult } from '../../core/deploy';
import type { CloudContext } from './index';
import type { ResolvedFunction } from '../functionRef';
import { providerFor } from './providers';
import { refuseUntrusted, type Refusal } from '../trust';

export async function rollbackFunction(
  ctx: CloudContext,
  { entry, fn }: ResolvedFunction,
  to?: string,
): Promise<RollbackResult | Refusal | undefined> {
  const refusal = refuseUntrusted('Rolling back');
  if (refusal) return refusal;
  const manifest = entry.manifest;
  const provider = await providerFor(ctx, manifest, entry.uri);
  let target = to;
  if (!target) {
    const versions = await listVersions(manifest, provider, fn.key);
    const current = versions.find((v) => v.aliases.includes(manifest.stage));
    const earlier = versions.filter(
      (v) => Number(v.version) < Number(current?.version ?? Infinity),
    );
    if (earlier.length === 0) {
      void vscode.window.showInformationMessage(
        `${fn.name} has no version before ${current ? `version ${current.version}` : 'the current one'} on ${provider.label}.`,
      );
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      earlier.map((v) => ({
        label: `Version ${v.version}`,
        description: [
          new Date(v.deployedAt).toLocaleString(),
          v.commit?.slice(0, 10),
          v.aliases.join(', '),
        ]
          .filter(Boolean)
          .join(' · '),
        detail: v.contentHash ? `content ${v.contentHash.slice(0, 12)}` : v.description,
        version: v.version,
      })),
      {
        placeHolder: `Move alias "${manifest.stage}" of ${fn.key} (now at version ${current?.version ?? '?'}) back to…`,
      },
    );
    if (!picked) return undefined;
    target = picked.version;
  }
  const result = await rollback(manifest, provider, fn.key, { to: target });
  ctx.output.info(
    `Rolled back ${result.functionName}: alias ${result.alias} ${result.from} -> ${result.to}`,
  );
  void vscode.window.showInformationMessage(
    `${fn.key}: alias ${result.alias} now points at version ${result.to} (was ${result.from}); its code and configuration are served again.`,
  );
  return result;
}
