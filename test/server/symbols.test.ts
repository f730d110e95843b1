import { strict as assert } from 'node:assert';
import { DocumentSymbolRequest, SymbolKind, type DocumentSymbol } from 'vscode-languageserver/node';
import { TestConnection } from './testConnection';
import { makeProject, yaml, type Project } from './fixtures';

describe('server: document symbols', () => {
  let project: Project;
  let conn: TestConnection;

  beforeEach(async () => {
    project = await makeProject();
    conn = await TestConnection.start({ workspaceFolder: project.root });
  });
  afterEach(async () => {
    await conn.dispose();
    await project.remove();
  });

  async function symbols(text: string): Promise<DocumentSymbol[]> {
    const uri = project.uri('flourish.yaml');
    await conn.open(uri, text);
    const result = await conn.client.sendRequest(DocumentSymbolRequest.type, {
      textDocument: { uri },
    });
    await conn.close(uri);
    assert.ok(Array.isArray(result));
    return result as DocumentSymbol[];
  }

  /** name/kind/detail and children, without ranges, for a readable comparison. */
  const shape = (list: DocumentSymbol[]): unknown =>
    list.map((s) => ({
      name: s.name,
      kind: s.kind,
      ...(s.detail ? { detail: s.detail } : {}),
      ...(s.children ? { children: shape(s.children) } : {}),
    }));

  it('outlines the service, its functions and their events', async () => {
    const list = await symbols(yaml`
      service: shop
      provider:
        name: local
      functions:
        users:
          handler: src/users.list
          runtime: nodejs22.x
          events:
            - http: GET /users
            - schedule:
                expression: rate(5 minutes)
        report:
          handler: app/report.run
          runtime: python3.13
    `);
    assert.deepEqual(shape(list), [
      { name: 'service', kind: SymbolKind.Module, detail: 'shop' },
      { name: 'provider', kind: SymbolKind.Namespace },
      {
        name: 'functions',
        kind: SymbolKind.Namespace,
        children: [
          {
            name: 'users',
            kind: SymbolKind.Function,
            detail: 'nodejs22.x',
            children: [
              { name: 'http', kind: SymbolKind.Event, detail: 'GET /users' },
              { name: 'schedule', kind: SymbolKind.Event, detail: 'rate(5 minutes)' },
            ],
          },
          { name: 'report', kind: SymbolKind.Function, detail: 'python3.13' },
        ],
      },
    ]);
    const users = list[2]!.children![0]!;
    // The whole function block, selecting its name.
    assert.deepEqual(users.selectionRange, {
      start: { line: 4, character: 2 },
      end: { line: 4, character: 7 },
    });
    assert.equal(users.range.start.line, 4);
    assert.equal(users.range.end.line, 11);
  });

  it('lists the functions a stage overrides under that stage', async () => {
    const list = await symbols(
      'stages:\n  prod:\n    functions:\n      users:\n        memory: 512\n',
    );
    assert.deepEqual(shape(list), [
      {
        name: 'stages',
        kind: SymbolKind.Namespace,
        children: [
          {
            name: 'prod',
            kind: SymbolKind.Namespace,
            children: [{ name: 'users', kind: SymbolKind.Function }],
          },
        ],
      },
    ]);
  });

  it('outlines what it can of a broken file', async () => {
    const list = await symbols('service: shop\nfunctions:\n  users:\n    handler: [\n');
    assert.deepEqual(
      list.map((s) => s.name),
      ['service', 'functions'],
    );
  });
});
