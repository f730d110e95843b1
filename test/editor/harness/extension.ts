// The extension under test, built from this working tree and unpacked into an extensions folder
// the way the editor would after installing its .vsix, next to the test-runner extension.
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot, logsDir } from './paths';
import { runLogged } from './processes';

/** What a .vsix of Flourish holds (.vscodeignore keeps the rest out). */
const SHIPPED = [
  'package.json',
  'dist',
  'media',
  'syntaxes',
  'README.md',
  'LICENSE',
  'CHANGELOG.md',
];

export interface PackageJson {
  name: string;
  publisher: string;
  version: string;
  contributes?: {
    commands?: { command: string; title?: unknown }[];
    viewsContainers?: Record<string, { id: string; title: string }[]>;
    views?: Record<string, { id: string; name: string }[]>;
  };
}

export function readPackageJson(root = repoRoot): PackageJson {
  return JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as PackageJson;
}

export async function buildExtension(): Promise<void> {
  mkdirSync(logsDir, { recursive: true });
  await runLogged('npm', ['run', 'build'], {
    cwd: repoRoot,
    logFile: path.join(logsDir, 'build.log'),
    what: 'building the extension (npm run build)',
  });
}

/**
 * Copies what a .vsix would hold from the working tree into `target`, right after the build,
 * so every editor of the run gets the same build even if dist/ is rebuilt meanwhile.
 */
export function snapshotExtension(target: string): string {
  mkdirSync(target, { recursive: true });
  for (const entry of SHIPPED) {
    const source = path.join(repoRoot, entry);
    if (existsSync(source)) cpSync(source, path.join(target, entry), { recursive: true });
  }
  const main =
    (readPackageJson(target) as PackageJson & { main?: string }).main ?? './dist/extension.js';
  if (!existsSync(path.join(target, main))) {
    throw new Error(
      `the built extension has no ${main} (package.json "main"); run npm run build and look at ${path.join(logsDir, 'build.log')}`,
    );
  }
  return target;
}

/** Installs a snapshot into `extensionsDir` as the editor would unpack its .vsix; returns its folder. */
export function placeExtension(snapshot: string, extensionsDir: string): string {
  const pkg = readPackageJson(snapshot);
  const target = path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  cpSync(snapshot, target, { recursive: true });
  return target;
}
