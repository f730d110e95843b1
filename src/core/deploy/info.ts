// What a stage looks like in the cloud, function by function: the version its alias serves,
// its URL and its schedules. Reads only; `flourish info` and the explorer show it.
import type { CallOptions, CloudProvider, UrlAuthType } from '../cloud/provider';
import type { Manifest } from '../manifest/types';
import { readStageSchedules } from './events';
import { mapBounded } from './pool';

export interface FunctionInfo {
  key: string;
  name: string;
  deployed: boolean;
  alias: string;
  /** The version the stage alias serves; absent when the alias does not exist. */
  version?: string;
  url?: string;
  authType?: UrlAuthType;
  /** `GET /hello` routes of its http events: all served by the one URL. */
  routes: string[];
  schedules: { name: string; expression: string; state: string }[];
}

export interface StageInfo {
  service: string;
  stage: string;
  target: string;
  functions: FunctionInfo[];
}

export async function describeStage(
  manifest: Manifest,
  provider: CloudProvider,
  options: CallOptions = {},
): Promise<StageInfo> {
  const { signal } = options;
  const scheduled = manifest.functions.some((f) => f.events.some((e) => e.type === 'schedule'));
  const schedules = await readStageSchedules(provider, manifest, { signal, required: scheduled });
  const functions = await mapBounded(manifest.functions, 4, async (fn) => {
    const info: FunctionInfo = {
      key: fn.key,
      name: fn.name,
      deployed: false,
      alias: manifest.stage,
      routes: fn.events.flatMap((e) => (e.type === 'http' ? [`${e.method} ${e.path}`] : [])),
      schedules: (schedules.get(fn.key) ?? []).map((s) => ({
        name: s.name,
        expression: s.expression,
        state: s.state,
      })),
    };
    const deployed = await provider.getFunction(fn.name, { signal });
    if (!deployed) return info;
    info.deployed = true;
    const alias = await provider.getAlias(fn.name, manifest.stage, { signal });
    if (!alias) return info;
    info.version = alias.version;
    const url = await provider.getFunctionUrl(fn.name, manifest.stage, { signal });
    if (url) {
      info.url = url.url;
      info.authType = url.authType;
    }
    return info;
  });
  return { service: manifest.service, stage: manifest.stage, target: provider.label, functions };
}
