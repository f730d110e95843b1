// The file system the manifest checks see from the server: a handler file open in the editor
// is read from its unsaved buffer, everything else from disk.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { nodeFs, type ManifestFs } from '../core/manifest';

export class OpenDocumentsFs implements ManifestFs {
  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    private readonly disk: ManifestFs = nodeFs,
  ) {}

  async readFile(absPath: string): Promise<string | undefined> {
    const open = this.documents.get(pathToFileURL(path.resolve(absPath)).href);
    return open ? open.getText() : this.disk.readFile(absPath);
  }

  readDir(absPath: string): Promise<{ name: string; dir: boolean }[]> {
    return this.disk.readDir(absPath);
  }
}
