// The cloud a workspace manifest talks to under the current target, stage and profile: the same
// resolveTarget the CLI uses, with the extension's way of starting the local cloud. Providers
// (SDK clients with their sockets) are kept per target and disposed with the cloud features.
import type * as vscode from 'vscode';
import { resolveTarget, type CloudProvider } from '../../core/cloud';
import type { Manifest } from '../../core/manifest';
import { effectiveTarget } from '../targetSelection';
import type { CloudContext } from './index';

export class ProviderCache implements vscode.Disposable {
  private readonly providers = new Map<string, Promise<CloudProvider>>();

  async get(ctx: CloudContext, manifest: Manifest, scope?: vscode.Uri): Promise<CloudProvider> {
    const target = effectiveTarget(manifest, scope);
    // A restarted local cloud has a new endpoint and credentials: part of the key.
    const local = target.kind === 'local' ? await ctx.localCloud.ensure() : undefined;
    const key = JSON.stringify([
      target.kind,
      target.profile,
      target.region,
      manifest.provider.endpoint,
      local?.endpoint,
    ]);
    return this.remember(key, () =>
      resolveTarget(manifest, {
        target: target.kind,
        profile: target.profile,
        region: target.region,
        localStateDir: ctx.localCloud.stateDir,
        ensureLocalCloud: () => ctx.localCloud.ensure(),
      }),
    );
  }

  /** The provider kept under `key`, made by `create` the first time (a failed one is forgotten). */
  remember(key: string, create: () => Promise<CloudProvider>): Promise<CloudProvider> {
    let provider = this.providers.get(key);
    if (!provider) {
      provider = create();
      provider.catch(() => this.providers.delete(key));
      this.providers.set(key, provider);
    }
    return provider;
  }

  dispose(): void {
    for (const provider of this.providers.values())
      void provider.then(
        (p) => p.dispose(),
        () => undefined,
      );
    this.providers.clear();
  }
}

export function providerFor(
  ctx: CloudContext,
  manifest: Manifest,
  scope?: vscode.Uri,
): Promise<CloudProvider> {
  return ctx.providers.get(ctx, manifest, scope);
}
