// The cloud a workspace manifest talks to under the current target, stage and profile: the same
// resolveTarget the CLI uses, with the extension's way of starting the local cloud.
import type * as vscode from 'vscode';
import { resolveTarget, type CloudProvider } from '../../core/cloud';
import type { Manifest } from '../../core/manifest';
import type { CloudContext } from './index';
import { effectiveTarget } from '../targetSelection';

export function providerFor(
  ctx: CloudContext,
  manifest: Manifest,
  scope?: vscode.Uri,
): Promise<CloudProvider> {
  const target = effectiveTarget(manifest, scope);
  return resolveTarget(manifest, {
    target: target.kind,
    profile: target.profile,
    region: target.region,
    localStateDir: ctx.localCloud.stateDir,
    ensureLocalCloud: () => ctx.localCloud.ensure(),
  });
}
