// Wires the connection to the documents and the providers. Handlers stay thin: fetch the
// document, hand it to a pure provider, and leave errors and cancellation to `guard`.
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  ResourceOperationKind,
  TextDocuments,
  TextDocumentSyncKind,
  WatchKind,
  type Connection,
  type Diagnostic,
  type Disposable,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseManifest, type ParseOptions } from '../core/manifest';
import { DiagnosticsScheduler } from './diagnosticsScheduler';
import { isManifestDocument, locateManifest, workspaceFolderPaths } from './manifestDocuments';
import { ManifestCache } from './manifestCache';
import { readServerOptions, type ServerOptions } from './serverOptions';
import { SetStageNotification } from './protocol';
import { describeError, guard } from './requestGuard';
import { OpenDocumentsFs } from './openDocumentsFs';
import { validateManifest } from './providers/diagnostics';
import { completeManifest, COMPLETION_TRIGGERS } from './providers/completion';
import { hoverManifest } from './providers/hover';
import { handlerDefinition } from './providers/definition';
import { manifestSymbols } from './providers/symbols';
import { manifestCodeActions, withFixes } from './providers/codeActions';

/** Handler sources in every way they change, and any deletion (a folder goes with its files). */
const SOURCE_WATCHERS = [
  { globPattern: '**/*.{js,mjs,cjs,ts,mts,cts,py,rb}' },
  { globPattern: '**/*', kind: WatchKind.Delete },
];

export function startServer(connection: Connection): Disposable {
  const documents = new TextDocuments(TextDocument);
  const fs = new OpenDocumentsFs(documents);
  const log = { error: (message: string) => connection.console.error(message) };
  let options: ServerOptions = readServerOptions(undefined);
  let folders: string[] = [];
  let canCreateFiles = false;
  let watchSourceFiles = false;
  let scheduler: DiagnosticsScheduler | undefined;
  /** The diagnostics last sent per manifest, to restore fixes a client dropped from `data`. */
  const published = new Map<string, Diagnostic[]>();
  const cache = new ManifestCache((doc, state) => {
    const parseOptions: ParseOptions = { file: locationOf(doc).file, cache: state };
    if (options.stage) parseOptions.stage = options.stage;
    return parseManifest(doc.getText(), parseOptions);
  });

  const manifestOf = (uri: string): TextDocument | undefined => {
    const doc = documents.get(uri);
    return doc && isManifestDocument(doc.uri, doc.languageId) ? doc : undefined;
  };
  const locationOf = (doc: TextDocument) => locateManifest(doc.uri, folders);
  const openManifests = () => documents.all().filter((d) => manifestOf(d.uri));

  async function validate(uri: string, signal: AbortSignal): Promise<void> {
    const doc = manifestOf(uri);
    if (!doc) return;
    const version = doc.version;
    const diagnostics = await validateManifest(doc, {
      ...locationOf(doc),
      stage: options.stage,
      parse: () => cache.get(doc),
      fs,
      signal,
      log,
    });
    // A newer edit or a close has made this run's answer stale.
    if (signal.aborted || manifestOf(uri)?.version !== version) return;
    published.set(uri, diagnostics);
    await connection.sendDiagnostics({ uri, version, diagnostics });
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    options = readServerOptions(params.initializationOptions);
    folders = workspaceFolderPaths(params.workspaceFolders, params.rootUri);
    const workspaceEdit = params.capabilities.workspace?.workspaceEdit;
    canCreateFiles =
      workspaceEdit?.documentChanges === true &&
      (workspaceEdit.resourceOperations ?? []).includes(ResourceOperationKind.Create);
    watchSourceFiles =
      params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    scheduler = new DiagnosticsScheduler(options.diagnosticsDelayMs, validate, (uri, error) =>
      log.error(`Flourish: publishing diagnostics for ${uri} failed: ${describeError(error)}`),
    );
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: COMPLETION_TRIGGERS },
        hoverProvider: true,
        definitionProvider: true,
        documentSymbolProvider: { label: 'Flourish' },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'flourish-language-server' },
    };
  });

  const revalidateAll = () => openManifests().forEach((d) => scheduler?.schedule(d.uri));

  documents.onDidChangeContent(({ document }) => {
    if (manifestOf(document.uri)) scheduler?.schedule(document.uri);
    // A handler file edited in the editor changes what its manifest's checks find.
    else revalidateAll();
  });
  documents.onDidClose(({ document }) => {
    scheduler?.cancel(document.uri);
    cache.forget(document.uri);
    published.delete(document.uri);
    if (isManifestDocument(document.uri, document.languageId)) {
      void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    }
  });
  connection.onDidChangeWatchedFiles(() => {
    fs.invalidate();
    revalidateAll();
  });
  connection.onInitialized(() => {
    if (!watchSourceFiles) return;
    // With our own watchers registered, file events are guaranteed, so disk reads can be cached.
    connection.client
      .register(DidChangeWatchedFilesNotification.type, { watchers: SOURCE_WATCHERS })
      .then(
        () => fs.enableCaching(),
        (error: unknown) =>
          log.error(
            `Flourish: could not watch source files, so none are cached: ${describeError(error)}`,
          ),
      );
  });
  connection.onNotification(SetStageNotification, ({ stage }) => {
    options = { ...options, stage };
    cache.clear();
    revalidateAll();
  });

  connection.onCompletion((params, token) => {
    const doc = manifestOf(params.textDocument.uri);
    if (!doc) return null;
    return guard(`completion in ${doc.uri}`, token, log, (signal) =>
      completeManifest(doc, doc.offsetAt(params.position), {
        ...locationOf(doc),
        parsed: cache.get(doc),
        fs,
        signal,
      }),
    );
  });

  connection.onHover((params, token) => {
    const doc = manifestOf(params.textDocument.uri);
    if (!doc) return null;
    return guard(`hover in ${doc.uri}`, token, log, () =>
      hoverManifest(cache.get(doc), doc.offsetAt(params.position), {
        root: locationOf(doc).root,
        fs,
      }),
    );
  });

  connection.onDefinition((params, token) => {
    const doc = manifestOf(params.textDocument.uri);
    if (!doc) return null;
    return guard(`go to definition in ${doc.uri}`, token, log, () =>
      handlerDefinition(cache.get(doc), doc.offsetAt(params.position), {
        root: locationOf(doc).root,
        fs,
      }),
    );
  });

  connection.onDocumentSymbol((params, token) => {
    const doc = manifestOf(params.textDocument.uri);
    if (!doc) return null;
    return guard(`the outline of ${doc.uri}`, token, log, () =>
      manifestSymbols(doc, cache.get(doc)),
    );
  });

  connection.onCodeAction((params, token) => {
    const doc = manifestOf(params.textDocument.uri);
    if (!doc) return null;
    return guard(`quick fixes in ${doc.uri}`, token, log, () =>
      manifestCodeActions(doc, withFixes(params.context.diagnostics, published.get(doc.uri)), {
        root: locationOf(doc).root,
        canCreateFiles,
      }),
    );
  });

  connection.onShutdown(() => scheduler?.dispose());
  documents.listen(connection);
  connection.listen();

  return {
    dispose: () => {
      scheduler?.dispose();
      cache.clear();
    },
  };
}
