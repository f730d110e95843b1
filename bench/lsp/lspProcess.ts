// A language server in a child process, spoken to over stdio with vscode-jsonrpc: just enough
// of a client for the benchmark (initialize, configuration answers, open/change, diagnostics).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import {
  ConfigurationRequest,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  WorkDoneProgressCreateRequest,
  WorkspaceFoldersRequest,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { changeBetween } from './edits';

export interface ServerSpec {
  name: string;
  command: string;
  args: string[];
  rootUri: string;
  initializationOptions?: unknown;
  /** Sections answered to workspace/configuration and pushed with didChangeConfiguration. */
  settings?: Record<string, unknown>;
}

export class LspProcess {
  readonly stderr: string[] = [];
  private waiting: ((p: PublishDiagnosticsParams) => void) | undefined;
  private version = 0;
  private readonly texts = new Map<string, string>();

  private constructor(
    readonly spec: ServerSpec,
    private readonly child: ChildProcess,
    private readonly connection: MessageConnection,
  ) {
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => this.waiting?.(p));
    connection.onRequest(ConfigurationRequest.type, (params) =>
      params.items.map((item) => (item.section ? (spec.settings?.[item.section] ?? null) : null)),
    );
    connection.onRequest(RegistrationRequest.type, () => undefined);
    connection.onRequest(WorkspaceFoldersRequest.type, () => [
      { uri: spec.rootUri, name: 'bench' },
    ]);
    connection.onRequest(WorkDoneProgressCreateRequest.type, () => undefined);
    child.stderr?.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
  }

  static async start(spec: ServerSpec): Promise<LspProcess> {
    const child = spawn(spec.command, spec.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createMessageConnection(
      new StreamMessageReader(child.stdout!),
      new StreamMessageWriter(child.stdin!),
    );
    const server = new LspProcess(spec, child, connection);
    connection.listen();
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: spec.rootUri,
      workspaceFolders: [{ uri: spec.rootUri, name: 'bench' }],
      capabilities: {
        workspace: {
          configuration: true,
          workspaceFolders: true,
          didChangeConfiguration: { dynamicRegistration: false },
          // As VS Code does: servers may register their own file watchers.
          didChangeWatchedFiles: { dynamicRegistration: true },
        },
        textDocument: { publishDiagnostics: { versionSupport: true } },
      },
      initializationOptions: spec.initializationOptions ?? null,
    });
    await connection.sendNotification(InitializedNotification.type, {});
    if (spec.settings) {
      await connection.sendNotification(DidChangeConfigurationNotification.type, {
        settings: spec.settings,
      });
    }
    return server;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Opens the document and resolves with its first diagnostics. */
  open(uri: string, text: string, languageId: string): Promise<PublishDiagnosticsParams> {
    this.version = 1;
    this.texts.set(uri, text);
    return this.next(uri, () =>
      this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId, version: this.version, text },
      }),
    );
  }

  /** Replaces the document's text; resolves with the diagnostics and the time they took. */
  async change(uri: string, text: string): Promise<{ ms: number; diagnostics: number }> {
    const started = process.hrtime.bigint();
    const result = await this.changeAndWait(uri, text);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    return { ms, diagnostics: result.diagnostics.length };
  }

  /**
   * Changes the document to `text`, sent as an editor does while typing (the edited range
   * only), and resolves with the diagnostics that answer it.
   */
  changeAndWait(uri: string, text: string): Promise<PublishDiagnosticsParams> {
    this.version++;
    const change = changeBetween(this.texts.get(uri) ?? '', text);
    this.texts.set(uri, text);
    return this.next(uri, () =>
      this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version: this.version },
        contentChanges: [change],
      }),
    );
  }

  /** The next publishDiagnostics for `uri` after `send` (one validation per change). */
  private next(uri: string, send: () => Promise<void>): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve, reject) => {
      const deadline = setTimeout(
        () => reject(new Error(`${this.spec.name} published no diagnostics for ${uri} in 60 s`)),
        60_000,
      );
      this.waiting = (p) => {
        if (p.uri !== uri) return;
        clearTimeout(deadline);
        this.waiting = undefined;
        resolve(p);
      };
      send().catch(reject);
    });
  }

  /** Shuts the server down politely, then kills it by pid and waits for it to exit. */
  async stop(): Promise<void> {
    const exited = this.child.exitCode !== null ? Promise.resolve() : once(this.child, 'exit');
    await Promise.race([this.connection.sendRequest(ShutdownRequest.type), exited]).catch(
      () => undefined,
    );
    this.connection.dispose();
    if (this.child.exitCode === null && this.child.pid !== undefined) {
      process.kill(this.child.pid, 'SIGTERM');
    }
    await exited;
  }
}
