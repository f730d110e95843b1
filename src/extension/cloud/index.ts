// Everything that talks to a cloud (the AWS SDK, the local cloud, build and packaging), loaded
// on first use as its own bundle (dist/extension-cloud.js) so activation stays light.
import * as vscode from 'vscode';
import type { FlourishContext } from '../context';
import type { ResolvedFunction } from '../functionRef';
import { collectServiceMetrics } from '../../core/metrics';
import { buildFunction, packageOne } from './buildCommands';
import { deploy } from './deploy';
import { DeployedBrowser } from './deployed';
import { functionStates } from './functionStates';
import { invokeBackend } from './invokeBackend';
import { LocalCloudService } from './localCloudService';
import { LogTail } from './logTail';
import { ProviderCache, providerFor } from './providers';
import { removeStage } from './remove';
import { rollbackFunction } from './rollback';

/** The extension context plus the long-lived cloud services. */
export interface CloudContext extends FlourishContext {
  localCloud: LocalCloudService;
  logTail: LogTail;
  providers: ProviderCache;
}

export function createCloudFeatures(base: FlourishContext) {
  const ctx: CloudContext = {
    ...base,
    localCloud: new LocalCloudService(base.extension, base.output),
    logTail: new LogTail(),
    providers: new ProviderCache(),
  };
  const deployed = new DeployedBrowser(ctx);
  return {
    ctx,
    deployed,
    localCloud: ctx.localCloud,
    logTail: ctx.logTail,
    deploy: (entry: ResolvedFunction['entry'], functionKeys?: string[]) =>
      deploy(ctx, entry, functionKeys),
    rollback: (target: ResolvedFunction, to?: string) => rollbackFunction(ctx, target, to),
    remove: (entry: ResolvedFunction['entry'], options?: { confirmed?: boolean }) =>
      removeStage(ctx, entry, options),
    build: (target: ResolvedFunction) => buildFunction(ctx, target),
    package: (target: ResolvedFunction) => packageOne(ctx, target),
    invokeBackend: (target: ResolvedFunction) => invokeBackend(ctx, target),
    tailLogs: (target: ResolvedFunction) => ctx.logTail.start(ctx, target),
    functionStates: (entry: ResolvedFunction['entry'], signal?: AbortSignal) =>
      functionStates(ctx, entry, signal),
    metrics: async (
      entry: ResolvedFunction['entry'],
      from: number,
      to: number,
      signal: AbortSignal,
    ) =>
      collectServiceMetrics(entry.manifest, await providerFor(ctx, entry.manifest, entry.uri), {
        from,
        to,
        signal,
      }),
    dispose: () =>
      vscode.Disposable.from(deployed, ctx.providers, ctx.localCloud, ctx.logTail).dispose(),
  };
}

export type CloudFeatures = ReturnType<typeof createCloudFeatures>;
