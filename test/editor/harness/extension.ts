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

export function readPackageJson(): PackageJson {
  return JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as PackageJson;
}

export async function buildExtension(): Promise<void> {
  mkdirSync(logsDir, { recursive: true });
  await runLogged('npm', ['run', 'build'], {
    cwd: repoRoot,
    logFile: path.join(logsDir, 'build.log'),
    what: 'building the extension (npm run build)',
  });
  if (!existsSync(path.join(repoRoot, 'dist', 'extension.js'))) {
    throw new Error('npm run build finished but dist/extension.js is missing');
  }
}

/** Copies the built extension into `extensionsDir`; returns its folder. */
export function placeExtension(extensionsDir: string): string {
  const pkg = readPackageJson();
  const target = path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  mkdirSync(target, { recursive: true });
  for (const entry of SHIPPED) {
    const source = path.join(repoRoot, entry);
    if (existsSync(source)) cpSync(source, path.join(target, entry), { recursive: true });
  }
  return target;
}
