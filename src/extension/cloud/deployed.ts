// What the Deployed view shows of a target: its functions a page at a time (optionally
// filtered by name), and each function's versions and aliases. How pages are gathered and
// shown is decided in deployedTreeModel.ts.
import {
  resolveProvider,
  type AliasInfo,
  type CloudProvider,
  type FunctionVersion,
} from '../../core/cloud';
import {
  collectPage,
  PAGE_SIZE,
  type FunctionsPage,
  type TargetSettings,
} from '../deployedTreeModel';
import type { CloudContext } from './index';
import { ProviderCache } from './providers';

export type { FunctionsPage, TargetKey, TargetSettings } from '../deployedTreeModel';

export class DeployedBrowser {
  private readonly providers = new ProviderCache();

  constructor(private readonly ctx: CloudContext) {}

  private provider(target: TargetSettings): Promise<CloudProvider> {
    return this.providers.remember(JSON.stringify(target), () =>
      resolveProvider({
        target: target.kind,
        profile: target.profile,
        region: target.region,
        localStateDir: this.ctx.localCloud.stateDir,
      }),
    );
  }

  async list(target: TargetSettings, marker?: string, filter?: string): Promise<FunctionsPage> {
    const provider = await this.provider(target);
    return collectPage(
      (next) => provider.listFunctions({ marker: next, maxItems: PAGE_SIZE }),
      marker,
      filter,
    );
  }

  /** A function's versions as the cloud lists them (oldest first) and its aliases. */
  async describe(
    target: TargetSettings,
    name: string,
  ): Promise<{ versions: FunctionVersion[]; aliases: AliasInfo[] }> {
    const provider = await this.provider(target);
    const [versions, aliases] = await Promise.all([
      provider.listVersions(name),
      provider.listAliases(name),
    ]);
    return { versions, aliases };
  }

  /** Forget cached clients (a restarted local cloud has new credentials). */
  reset(): void {
    this.providers.dispose();
  }

  dispose(): void {
    this.providers.dispose();
  }
}
