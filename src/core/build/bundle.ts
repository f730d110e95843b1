import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { FunctionSpec, Manifest } from '../manifest/types';
import { BuildError } from './errors';
import { resolveInside, toPosix } from './paths';

const TS_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx'] as const;

/** `src/app.handler` -> `src/app`: the module part of a Lambda handler string. */
export function handlerModule(handler: string): string {
  const dot = handler.lastIndexOf('.');
  return dot > 0 ? handler.slice(0, dot) : handler;
}

/** The TypeScript source of a Node.js handler, when there is one (absolute path). */
export function typeScriptHandlerSource(fn: FunctionSpec, root: string): string | undefined {
  if (!fn.runtime.startsWith('nodejs')) return undefined;
  const base = path.resolve(root, handlerModule(fn.handler));
  return TS_EXTENSIONS.map((ext) => base + ext).find((file) => existsSync(file));
}

/** `nodejs20.x` -> `node20`; undefined for runtimes that are not Node.js. */
export function esbuildTarget(runtime: string): string | undefined {
  const match = /^nodejs(\d+)\.x$/.exec(runtime);
  return match ? `node${match[1]}` : undefined;
}

export interface BundleResult {
  /** The folder holding the bundle, laid out so the handler string still resolves. */
  outDir: string;
  /** The bundle's path inside outDir, e.g. `src/handler.js`. */
  entry: string;
}

/**
 * Bundles a TypeScript handler with esbuild into `outDir`, keeping the handler's path: a
 * handler `src/app.handler` from `src/app.ts` becomes `outDir/src/app.js`. The AWS SDK v3 is
 * left external on Node.js 18 and later, whose runtimes ship it.
 */
export async function bundleHandler(
  fn: FunctionSpec,
  manifest: Manifest,
  outDir: string,
): Promise<BundleResult> {
  const source = typeScriptHandlerSource(fn, manifest.root);
  const target = esbuildTarget(fn.runtime);
  const command = `esbuild ${source ? toPosix(path.relative(manifest.root, source)) : fn.handler}`;
  const fail = (message: string, cause?: unknown, lastLines: string[] = []) =>
    new BuildError(
      message,
      { functionKey: fn.key, command, exitCode: null, lastLines },
      cause ? { cause } : undefined,
    );
  if (!source || !target) {
    throw fail(
      `Function "${fn.key}" has no TypeScript handler to bundle (handler ${fn.handler}, ` +
        `runtime ${fn.runtime}). Give it a build command or point the handler at a .ts file.`,
    );
  }
  const moduleRel = handlerModule(fn.handler);
  resolveInside(manifest.root, moduleRel, `handler of function "${fn.key}"`);
  const ext = path.extname(source);
  const outExt = ext === '.mts' ? '.mjs' : ext === '.cts' ? '.cjs' : '.js';
  const entry = toPosix(moduleRel) + outExt;
  const major = Number(target.slice(4));

  await rm(outDir, { recursive: true, force: true });
  const esbuild = await loadEsbuild(manifest.root, (message, cause) => fail(message, cause));
  try {
    await esbuild.build({
      entryPoints: [source],
      outfile: path.join(outDir, entry),
      absWorkingDir: manifest.root,
      bundle: true,
      platform: 'node',
      target,
      format: outExt === '.mjs' ? 'esm' : 'cjs',
      external: major >= 18 ? ['@aws-sdk/*'] : [],
      logLevel: 'silent',
      legalComments: 'none',
      charset: 'utf8',
    });
  } catch (err) {
    const messages = (
      err as { errors?: { text: string; location?: { file: string; line: number } | null }[] }
    ).errors;
    const lines = (messages ?? []).map((m) =>
      m.location ? `${m.location.file}:${m.location.line}: ${m.text}` : m.text,
    );
    throw fail(
      `Bundling the handler of function "${fn.key}" with esbuild failed` +
        (lines.length ? `:\n${lines.join('\n')}` : `: ${(err as Error).message}`) +
        `\nFix the errors in ${toPosix(path.relative(manifest.root, source))}, or give the ` +
        `function its own build command.`,
      err,
      lines,
    );
  }
  return { outDir, entry };
}

type Esbuild = typeof import('esbuild');

/**
 * esbuild is a native binary, so it is never bundled: the project's own copy is used first
 * (a TypeScript project usually has one), then the one installed with Flourish's CLI. The
 * editor extension ships without node_modules, so there only the project's copy exists.
 */
async function loadEsbuild(
  projectRoot: string,
  fail: (message: string, cause: unknown) => BuildError,
): Promise<Esbuild> {
  try {
    const fromProject = createRequire(path.join(projectRoot, 'package.json'));
    return fromProject('esbuild') as Esbuild;
  } catch {
    // not installed in the project; try Flourish's own
  }
  try {
    return await import('esbuild');
  } catch (error) {
    throw fail(
      'Bundling a TypeScript handler needs esbuild, which is not installed. Run ' +
        '"npm install --save-dev esbuild" in the project, or give the function a build command.',
      error,
    );
  }
}
