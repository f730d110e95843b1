import { strict as assert } from 'node:assert';
import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';
import {
  CodeActionKind,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  TextDocumentSyncKind,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver/node';
import { SetStageNotification } from '../../src/server/protocol';
import { TestConnection } from './testConnection';
import { HELLO_JS, makeProject, type Project } from './fixtures';

const LONG_NAME = 'f'.repeat(55);
const MANIFEST = `service: svc\nfunctions:\n  ${LONG_NAME}:\n    handler: src/hello.handler\n    runtime: nodejs22.x\n`;

describe('server: lifecycle', () => {
  let project: Project;
  let conn: TestConnection | undefined;

  beforeEach(async () => {
    project = await makeProject({ 'src/hello.mjs': HELLO_JS });
  });
  afterEach(async () => {
    await conn?.dispose();
    conn = undefined;
    await project.remove();
  });

  it('advertises its features', async () => {
    conn = await TestConnection.start({ workspaceFolder: project.root });
    const caps = conn.capabilities;
    assert.equal(caps.textDocumentSync, TextDocumentSyncKind.Incremental);
    assert.ok(caps.completionProvider?.triggerCharacters?.includes(':'));
    assert.equal(caps.hoverProvider, true);
    assert.equal(caps.definitionProvider, true);
    assert.ok(caps.documentSymbolProvider);
    assert.deepEqual(caps.codeActionProvider, { codeActionKinds: [CodeActionKind.QuickFix] });
  });

  it('applies incremental edits before validating', async () => {
    conn = await TestConnection.start({ workspaceFolder: project.root });
    const uri = project.uri('flourish.yaml');
    assert.deepEqual((await conn.openAndValidate(uri, MANIFEST)).diagnostics, []);
    await conn.client.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: [
        {
          range: { start: { line: 4, character: 13 }, end: { line: 4, character: 15 } },
          text: '99',
        },
      ],
    });
    const published = await conn.diagnostics(uri, 2);
    assert.deepEqual(
      published.diagnostics.map((d) => d.code),
      ['runtime-unknown'],
    );
  });

  it('validates for the stage the client selects', async () => {
    conn = await TestConnection.start({ workspaceFolder: project.root });
    const uri = project.uri('flourish.yaml');
    assert.deepEqual((await conn.openAndValidate(uri, MANIFEST)).diagnostics, []);
    const since = conn.mark();
    // svc-production-<55 characters> is longer than Lambda's 64.
    await conn.client.sendNotification(SetStageNotification, { stage: 'production' });
    const published = await conn.diagnostics(uri, undefined, since);
    assert.deepEqual(
      published.diagnostics.map((d) => d.code),
      ['name-too-long'],
    );
  });

  for (const transport of ['--stdio', '--node-ipc'] as const) {
    it(`starts from its entry point in its own process (${transport})`, async () => {
      const main = path.resolve(__dirname, '../../src/server/main.ts');
      const child =
        transport === '--stdio'
          ? spawn(process.execPath, ['--import', 'tsx', main, transport], {
              stdio: ['pipe', 'pipe', 'inherit'],
            })
          : fork(main, [transport], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
      const exited = once(child, 'exit');
      const client =
        transport === '--stdio'
          ? createMessageConnection(
              new StreamMessageReader(child.stdout!),
              new StreamMessageWriter(child.stdin!),
            )
          : createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
      try {
        const uri = project.uri('flourish.yaml');
        const diagnostics = new Promise<PublishDiagnosticsParams>((resolve) =>
          client.onNotification(PublishDiagnosticsNotification.type, resolve),
        );
        client.listen();
        const init = await client.sendRequest(InitializeRequest.type, {
          processId: null,
          rootUri: pathToFileURL(project.root).href,
          capabilities: {},
          initializationOptions: { diagnosticsDelayMs: 0 },
        });
        assert.equal(init.serverInfo?.name, 'flourish-language-server');
        await client.sendNotification(InitializedNotification.type, {});
        await client.sendNotification(DidOpenTextDocumentNotification.type, {
          textDocument: { uri, languageId: 'flourish-yaml', version: 1, text: 'service: [' },
        });
        const published = await diagnostics;
        assert.equal(published.uri, uri);
        assert.ok(published.diagnostics.length > 0);
        await client.sendRequest(ShutdownRequest.type);
      } finally {
        client.dispose();
        if (child.exitCode === null) process.kill(child.pid!, 'SIGTERM');
        await exited;
      }
    });
  }
});
