// The file system the manifest checks see from the server: a file open in the editor is read
// from its unsaved buffer, everything else from disk. Disk answers are remembered while the
// client watches the workspace for us (a file event clears them), so typing in a manifest with
// a thousand handlers does not reread a thousand files on every keystroke.
import { fileURLToPath } from 'node:url';
import type { TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { nodeFs, type ManifestFs } from '../core/manifest';

type DirEntry = { name: string; dir: boolean };

/** Beyond this many remembered answers the cache starts over, bounding its memory. */
const MAX_ENTRIES = 20_000;

export class OpenDocumentsFs implements ManifestFs {
  private readonly files = new Map<string, Promise<string | undefined>>();
  private readonly dirs = new Map<string, Promise<DirEntry[]>>();
  private caching = false;
  /** Open file: documents by path: a check reads thousands of paths, few of them open. */
  private readonly open = new Map<string, string>();

  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    private readonly disk: ManifestFs = nodeFs,
  ) {
    documents.onDidOpen(({ document }) => {
      const file = pathOf(document.uri);
      if (file) this.open.set(file, document.uri);
    });
    documents.onDidClose(({ document }) => {
      const file = pathOf(document.uri);
      if (file && this.open.get(file) === document.uri) this.open.delete(file);
    });
  }

  /** Remember disk answers from now on; only safe once file events are guaranteed to arrive. */
  enableCaching(): void {
    this.caching = true;
  }

  /** Something changed on disk: forget every remembered answer. */
  invalidate(): void {
    this.files.clear();
    this.dirs.clear();
  }

  readFile(absPath: string): Promise<string | undefined> {
    const uri = this.open.get(absPath);
    const open = uri === undefined ? undefined : this.documents.get(uri);
    if (open) return Promise.resolve(open.getText());
    return this.remembered(this.files, absPath, () => this.disk.readFile(absPath));
  }

  readDir(absPath: string): Promise<DirEntry[]> {
    return this.remembered(this.dirs, absPath, () => this.disk.readDir(absPath));
  }

  private remembered<T>(cache: Map<string, Promise<T>>, key: string, read: () => Promise<T>) {
    if (!this.caching) return read();
    let answer = cache.get(key);
    if (!answer) {
      if (this.files.size + this.dirs.size >= MAX_ENTRIES) this.invalidate();
      answer = read();
      cache.set(key, answer);
    }
    return answer;
  }
}

function pathOf(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined; // a file: URI naming another host
  }
}
