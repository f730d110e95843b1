// An LSP client and the Flourish server wired over an in-memory pair of streams, in one Node
// process: no editor, no child process. Waits are on events (publishDiagnostics), never sleeps.
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import {
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  MessageType,
  PublishDiagnosticsNotification,
  DocumentSymbolRequest,
  RegistrationRequest,
  ShutdownRequest,
  type InitializeResult,
  type PublishDiagnosticsParams,
  type Registration,
} from 'vscode-languageserver/node';
import { createConnection } from 'vscode-languageserver/node';
import { startServer } from '../../src/server/server';
import type { FlourishInitializationOptions } from '../../src/server/protocol';

export interface TestConnectionOptions {
  /** Folder given as the workspace folder in `initialize`. */
  workspaceFolder?: string;
  initializationOptions?: FlourishInitializationOptions;
  /** Let the server register its own file watchers (as VS Code does). */
  dynamicFileWatching?: boolean;
  /** Whether the client can create files through a WorkspaceEdit (default true). */
  canCreateFiles?: boolean;
}

interface DiagnosticsWaiter {
  accept: (params: PublishDiagnosticsParams) => boolean;
  resolve: (params: PublishDiagnosticsParams) => void;
}

export class TestConnection {
  readonly published: PublishDiagnosticsParams[] = [];
  readonly errors: string[] = [];
  readonly registrations: Registration[] = [];
  private readonly registrationWaiters = new Map<string, () => void>();
  private readonly versions = new Map<string, number>();
  private waiters: DiagnosticsWaiter[] = [];

  capabilities: InitializeResult['capabilities'] = {};

  private constructor(
    readonly client: MessageConnection,
    private readonly stopServer: () => void,
  ) {
    client.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.published.push(params);
      this.deliver(params);
    });
    client.onNotification(LogMessageNotification.type, (params) => {
      if (params.type === MessageType.Error) this.errors.push(params.message);
    });
    client.onRequest(RegistrationRequest.type, (params) => {
      this.registrations.push(...params.registrations);
      for (const r of params.registrations) this.registrationWaiters.get(r.method)?.();
    });
  }

  static async start(options: TestConnectionOptions = {}): Promise<TestConnection> {
    const up = new PassThrough();
    const down = new PassThrough();
    // Reader/writer objects rather than raw streams: given streams, vscode-languageserver
    // exits the process when they close.
    const serverConnection = createConnection(
      new StreamMessageReader(up),
      new StreamMessageWriter(down),
    );
    const server = startServer(serverConnection);
    const client = createMessageConnection(
      new StreamMessageReader(down),
      new StreamMessageWriter(up),
    );
    const self = new TestConnection(client, () => {
      server.dispose();
      serverConnection.dispose();
    });
    client.listen();
    const folder = options.workspaceFolder;
    const result = await client.sendRequest(InitializeRequest.type, {
      // No processId: the server would otherwise poll for this process to exit.
      processId: null,
      rootUri: folder ? pathToFileURL(folder).href : null,
      workspaceFolders: folder ? [{ uri: pathToFileURL(folder).href, name: 'test' }] : null,
      capabilities: {
        textDocument: {
          completion: { completionItem: { snippetSupport: true, deprecatedSupport: true } },
          documentSymbol: { hierarchicalDocumentSymbolSupport: true },
          publishDiagnostics: { versionSupport: true },
        },
        workspace: {
          workspaceEdit: {
            documentChanges: true,
            resourceOperations: options.canCreateFiles === false ? [] : ['create'],
          },
          didChangeWatchedFiles: { dynamicRegistration: options.dynamicFileWatching === true },
        },
      },
      initializationOptions: { diagnosticsDelayMs: 0, ...options.initializationOptions },
    });
    self.capabilities = result.capabilities;
    await client.sendNotification(InitializedNotification.type, {});
    return self;
  }

  /** Resolves once the server has registered a capability for `method` and seen it succeed. */
  async registered(method: string): Promise<void> {
    if (!this.registrations.some((r) => r.method === method)) {
      await new Promise<void>((resolve) => this.registrationWaiters.set(method, resolve));
    }
    // The server acts on a registration when our answer reaches it. Messages are handled in
    // order, so the reply to a request sent after that answer means the server has acted.
    await new Promise((resolve) => setImmediate(resolve));
    await this.client.sendRequest(DocumentSymbolRequest.type, {
      textDocument: { uri: 'file:///flourish-test-barrier/none.txt' },
    });
  }

  /** Opens a document and returns its version. */
  async open(uri: string, text: string, languageId = 'flourish-yaml'): Promise<number> {
    this.versions.set(uri, 1);
    await this.client.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: 1, text },
    });
    return 1;
  }

  /** Replaces a document's whole text and returns its new version. */
  async change(uri: string, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.client.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return version;
  }

  async close(uri: string): Promise<void> {
    this.versions.delete(uri);
    await this.client.sendNotification(DidCloseTextDocumentNotification.type, {
      textDocument: { uri },
    });
  }

  /** Opens a document and resolves with the diagnostics published for that version. */
  async openAndValidate(
    uri: string,
    text: string,
    languageId?: string,
  ): Promise<PublishDiagnosticsParams> {
    const version = await this.open(uri, text, languageId);
    return this.diagnostics(uri, version);
  }

  /** A position in the stream of published diagnostics, for `diagnostics(..., since)`. */
  mark(): number {
    return this.published.length;
  }

  /**
   * Resolves with the first diagnostics published for `uri` (for `version`, when given) at or
   * after position `since` of the stream, including ones that arrived before the call.
   */
  diagnostics(
    uri: string,
    version?: number,
    since = 0,
    timeoutMs = 10_000,
  ): Promise<PublishDiagnosticsParams> {
    const accept = (p: PublishDiagnosticsParams) =>
      p.uri === uri && (version === undefined || p.version === version);
    const seen = this.published.slice(since).find(accept);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      // A deadline so a missing notification fails with a message instead of hanging.
      const deadline = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const got = this.published.map((p) => `${p.uri}@${p.version}`).join(', ') || 'none';
        reject(new Error(`no diagnostics for ${uri}@${version ?? 'any'} (published: ${got})`));
      }, timeoutMs);
      const waiter: DiagnosticsWaiter = {
        accept,
        resolve: (p) => {
          clearTimeout(deadline);
          resolve(p);
        },
      };
      this.waiters.push(waiter);
    });
  }

  async dispose(): Promise<void> {
    try {
      await this.client.sendRequest(ShutdownRequest.type);
    } finally {
      // No `exit` notification: vscode-languageserver answers it with process.exit().
      this.waiters = [];
      this.client.dispose();
      this.stopServer();
    }
  }

  private deliver(params: PublishDiagnosticsParams): void {
    const ready = this.waiters.filter((w) => w.accept(params));
    this.waiters = this.waiters.filter((w) => !w.accept(params));
    for (const w of ready) w.resolve(params);
  }
}
