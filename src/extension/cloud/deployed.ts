// What the Deployed view shows of a target: its functions a page at a time (optionally
// filtered by name), and each function's versions and aliases.
import {
  resolveProvider,
  type AliasInfo,
  type CloudProvider,
  type FunctionVersion,
} from '../../core/cloud';
import type { CloudContext } from './index';
import { ProviderCache } from './providers';

export type TargetKey = 'local' | 'aws';

export interface TargetSettings {
  kind: TargetKey;
  profile?: string;
  region?: string;
}

export interface FunctionsPage {
  functions: FunctionVersion[];
  nextMarker?: string;
  label: string;
}

const PAGE = 50;
/** A filter reads at most this many pages before it shows what it found. */
const MAX_FILTER_PAGES = 20;

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
    const needle = filter?.toLowerCase();
    const functions: FunctionVersion[] = [];
    let next = marker;
    for (let pages = 0; pages < (needle ? MAX_FILTER_PAGES : 1); pages++) {
      const page = await provider.listFunctions({ marker: next, maxItems: PAGE });
      functions.push(
        ...(needle ? page.items.filter((f) => f.name.toLowerCase().includes(needle)) : page.items),
      );
      next = page.nextToken;
      if (!next || functions.length >= PAGE) break;
    }
    return { functions, nextMarker: next, label: provider.label };
  }

  async describe(
    target: TargetSettings,
    name: string,
  ): Promise<{ versions: FunctionVersion[]; aliases: AliasInfo[] }> {
    const provider = await this.provider(target);
    const [versions, aliases] = await Promise.all([
      provider.listVersions(name),
      provider.listAliases(name),
    ]);
    return { versions: versions.reverse(), aliases };
  }

  /** Forget cached clients (a restarted local cloud has new credentials). */
  reset(): void {
    this.providers.dispose();
  }

  dispose(): void {
    this.providers.dispose();
  }
}
