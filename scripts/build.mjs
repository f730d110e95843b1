// One build for every bundle: the extension (vscode external), the language server, the CLI,
// the local cloud's runtime bootstraps, and each webview. The .vsix ships dist/, not node_modules.
import * as esbuild from 'esbuild';
import { chmod, cp, mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
// --analyze prints what each extension bundle is made of (esbuild's metafile), largest first.
const analyze = process.argv.includes('--analyze');

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

// `dist/cli.js` is the package's `bin`: esbuild writes it without the executable bit, and npm
// only sets that bit when it links bins at install time, before dist/ exists.
/** @type {esbuild.Plugin} */
const executable = {
  name: 'executable',
  setup(build) {
    build.onEnd(async (result) => {
      if (result.errors.length === 0) await chmod('dist/cli.js', 0o755);
    });
  },
};

// The extension's cloud features (AWS SDK, local cloud, packaging), the language client and the
// manifest parser (yaml and src/core/manifest) are bundles of their own, required on first use,
// so that activation loads only the light part.
/** @type {esbuild.Plugin} */
const lazyCloud = {
  name: 'lazy-cloud',
  setup(build) {
    build.onResolve({ filter: /^\.\/cloud\/index\.js$/ }, () => ({
      path: './extension-cloud.js',
      external: true,
    }));
    build.onResolve({ filter: /^\.\/lsp\/index\.js$/ }, () => ({
      path: './extension-lsp.js',
      external: true,
    }));
    build.onResolve({ filter: /^\.\/manifest\/index\.js$/ }, (args) =>
      args.importer.endsWith('lazyManifest.ts')
        ? { path: './extension-manifest.js', external: true }
        : undefined,
    );
  },
};

// esbuild is a native binary: the TypeScript handler bundler loads it at run time.
const external = ['esbuild'];

/** @type {esbuild.BuildOptions[]} */
const bundles = [
  {
    ...node,
    entryPoints: { extension: 'src/extension/main.ts' },
    outdir: 'dist',
    external: ['vscode', ...external],
    plugins: [lazyCloud],
  },
  {
    ...node,
    entryPoints: { 'extension-cloud': 'src/extension/cloud/index.ts' },
    outdir: 'dist',
    external: ['vscode', ...external],
  },
  {
    ...node,
    entryPoints: { 'extension-manifest': 'src/extension/manifest/index.ts' },
    outdir: 'dist',
  },
  {
    ...node,
    entryPoints: { 'extension-lsp': 'src/extension/lsp/index.ts' },
    outdir: 'dist',
    external: ['vscode'],
  },
  { ...node, entryPoints: { server: 'src/server/main.ts' }, outdir: 'dist' },
  {
    ...node,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    external,
    banner: { js: '#!/usr/bin/env node' },
    plugins: [executable],
  },
];

for (const entry of ['src/webview/invoke/main.ts', 'src/webview/dashboard/main.ts']) {
  if (existsSync(entry)) {
    const name = entry.split('/')[2];
    bundles.push({
      bundle: true,
      platform: 'browser',
      target: 'es2022',
      format: 'esm',
      sourcemap: !production,
      minify: production,
      logLevel: 'warning',
      entryPoints: { [name]: entry },
      outdir: 'dist/webview',
      tsconfig: 'src/webview/tsconfig.json',
    });
  }
}

await rm('dist', { recursive: true, force: true });
await mkdir('dist', { recursive: true });
// Runtime bootstraps are plain files the local cloud spawns; they are copied, not bundled.
if (existsSync('src/core/local/runtimes')) {
  await cp('src/core/local/runtimes', 'dist/runtimes', { recursive: true });
}
// Codicons for the panels, served from dist/webview under the webview CSP.
await mkdir('dist/webview', { recursive: true });
for (const file of ['codicon.css', 'codicon.ttf']) {
  await cp(`node_modules/@vscode/codicons/dist/${file}`, `dist/webview/${file}`);
}
if (existsSync('src/core/manifest/flourish.schema.json')) {
  await cp('src/core/manifest/flourish.schema.json', 'dist/flourish.schema.json');
}

if (watch) {
  const contexts = await Promise.all(bundles.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching…');
} else {
  const results = await Promise.all(bundles.map((b) => esbuild.build({ ...b, metafile: analyze })));
  if (analyze) {
    for (const [index, result] of results.entries()) {
      const name = Object.keys(bundles[index].entryPoints)[0];
      if (name.startsWith('extension')) console.log(await esbuild.analyzeMetafile(result.metafile));
    }
  }
}
