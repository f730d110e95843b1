// Loads the cloud features bundle once, on the first command that needs it. esbuild turns
// `import('./cloud/index.js')` into a require of dist/extension-cloud.js (see scripts/build.mjs).
import type * as vscode from 'vscode';
import type { CloudFeatures } from './cloud';
import type { FlourishContext } from './context';

export function lazyCloudFeatures(
  ctx: () => FlourishContext,
  subscriptions: vscode.Disposable[],
): () => Promise<CloudFeatures> {
  let loading: Promise<CloudFeatures> | undefined;
  return () =>
    (loading ??= import('./cloud/index.js').then(({ createCloudFeatures }) => {
      const features = createCloudFeatures(ctx());
      subscriptions.push(features);
      return features;
    }));
}
