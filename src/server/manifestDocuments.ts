// Which open documents are manifests, and where each one's project lives on disk.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MANIFEST_FILE_NAMES, MANIFEST_LANGUAGE_ID } from './protocol';

/** A flourish.yaml (or .yml) opened as the manifest language or as plain YAML. */
export function isManifestDocument(uri: string, languageId: string): boolean {
  if (languageId === MANIFEST_LANGUAGE_ID) return true;
  return languageId === 'yaml' && MANIFEST_FILE_NAMES.includes(baseName(uri));
}

function baseName(uri: string): string {
  const withoutQuery = uri.replace(/[?#].*$/, '');
  return decodeURIComponent(withoutQuery.slice(withoutQuery.lastIndexOf('/') + 1));
}

export interface ManifestLocation {
  /** Absolute path of the manifest, or a stand-in inside the workspace for unsaved files. */
  file: string;
  /** The project root used to resolve handlers: the manifest's own folder. */
  root: string;
}

/**
 * A file: URI maps to its path. An untitled or remote document has no folder of its own, so
 * handlers resolve against the first workspace folder (or the current directory).
 */
export function locateManifest(uri: string, workspaceFolders: readonly string[]): ManifestLocation {
  if (uri.startsWith('file:')) {
    const file = fileURLToPath(uri);
    return { file, root: path.dirname(file) };
  }
  const root = workspaceFolders[0] ?? process.cwd();
  return { file: path.join(root, MANIFEST_FILE_NAMES[0]!), root };
}

/** Workspace folder URIs from `initialize`, as paths; non-file folders are skipped. */
export function workspaceFolderPaths(
  folders: readonly { uri: string }[] | null | undefined,
  rootUri: string | null | undefined,
): string[] {
  const uris = folders?.length ? folders.map((f) => f.uri) : rootUri ? [rootUri] : [];
  return uris.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
}
