import * as path from 'node:path';
import { UnsafePathError } from './errors';

/** `child` is `parent` or lies below it (both absolute, already resolved). */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** A relative path with forward slashes, as stored in a zip and matched by globs. */
export function toPosix(rel: string): string {
  return path.sep === '/' ? rel : rel.split(path.sep).join('/');
}

/**
 * Refuses zip entry names that could write outside the folder they are extracted into:
 * absolute paths, drive letters, `..` or empty segments, and backslashes (a separator on Windows).
 */
export function assertSafeEntryName(name: string): void {
  const bad =
    name.length === 0 ||
    name.startsWith('/') ||
    /^[a-zA-Z]:/.test(name) ||
    name.includes('\\') ||
    name.includes('\0') ||
    name.split('/').some((seg) => seg === '..' || seg === '.' || seg === '');
  if (bad) {
    throw new UnsafePathError(
      `Refusing to put "${name}" in a zip: entry names must be relative paths inside the package ` +
        `without "..", "." or empty segments, backslashes or drive letters. Rename the file or ` +
        `exclude it in the function's package.exclude.`,
      { path: name },
    );
  }
}

/** Resolves `rel` against `root` and refuses results outside it (e.g. `../dist`). */
export function resolveInside(root: string, rel: string, what: string): string {
  const abs = path.resolve(root, rel);
  if (!isInside(root, abs)) {
    throw new UnsafePathError(
      `The ${what} "${rel}" resolves to ${abs}, outside the project at ${root}. ` +
        `Point it at a folder inside the project.`,
      { path: rel, target: abs },
    );
  }
  return abs;
}
