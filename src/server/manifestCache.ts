// One parse per document version, shared by hover, completion, definition and the outline.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ManifestDocument } from '../core/manifest';

export class ManifestCache {
  private readonly entries = new Map<
    string,
    { doc: TextDocument; version: number; parsed: ManifestDocument }
  >();

  constructor(private readonly parse: (doc: TextDocument) => ManifestDocument) {}

  get(doc: TextDocument): ManifestDocument {
    const hit = this.entries.get(doc.uri);
    // A reopened document is a new object that may restart at the same version number.
    if (hit && hit.doc === doc && hit.version === doc.version) return hit.parsed;
    const parsed = this.parse(doc);
    this.entries.set(doc.uri, { doc, version: doc.version, parsed });
    return parsed;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
  }

  clear(): void {
    this.entries.clear();
  }
}
