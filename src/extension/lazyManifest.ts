// The manifest parser, loaded on first need. esbuild turns `import('./manifest/index.js')` into
// a require of dist/extension-manifest.js (see scripts/build.mjs), which Node caches, so every
// caller after the first gets the loaded module at once.
export type ManifestTools = typeof import('./manifest/index.js');

export function manifestTools(): Promise<ManifestTools> {
  return import('./manifest/index.js');
}
