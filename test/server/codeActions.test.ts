import { strict as assert } from 'node:assert';
import {
  CodeActionKind,
  CodeActionRequest,
  CreateFile,
  DiagnosticTag,
  TextDocumentEdit,
  type CodeAction,
  type Diagnostic,
} from 'vscode-languageserver/node';
import { TestConnection } from './testConnection';
import { makeProject, yaml, type Project } from './fixtures';

describe('server: code actions', () => {
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

  /** Opens the manifest, waits for its diagnostics, and asks for fixes for the one with `code`. */
  async function fixesFor(
    text: string,
    code: string,
  ): Promise<{ diagnostic: Diagnostic; actions: CodeAction[] }> {
    const uri = project.uri('flourish.yaml');
    const { diagnostics } = await conn.openAndValidate(uri, text);
    const diagnostic = diagnostics.find((d) => d.code === code);
    assert.ok(diagnostic, `no ${code} in ${JSON.stringify(diagnostics)}`);
    const actions = (await conn.client.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    })) as CodeAction[];
    return { diagnostic, actions };
  }

  /** The edited manifest text after applying a code action's one text edit. */
  function apply(text: string, action: CodeAction): string {
    const change = action.edit?.documentChanges?.[0];
    assert.ok(change && TextDocumentEdit.is(change), 'expected a text document edit');
    assert.equal(change.textDocument.uri, project.uri('flourish.yaml'));
    assert.equal(change.textDocument.version, 1);
    const lines = text.split('\n');
    for (const edit of [...change.edits].reverse()) {
      assert.ok('newText' in edit, 'expected a plain text edit');
      const { start, end } = edit.range;
      assert.equal(start.line, end.line);
      const line = lines[start.line]!;
      lines[start.line] = line.slice(0, start.character) + edit.newText + line.slice(end.character);
    }
    return lines.join('\n');
  }

  const BASE = yaml`
    service: shop
    functions:
      hello:
        handler: src/hello.handler
        runtime: RUNTIME
  `;

  it('fixes a misspelt key', async () => {
    const text = BASE.replace('RUNTIME', 'nodejs22.x') + '    memroy: 256\n';
    const { diagnostic, actions } = await fixesFor(text, 'unknown-key');
    const fix = actions.find((a) => /memory/.test(a.title));
    assert.ok(fix, JSON.stringify(actions));
    assert.equal(fix.kind, CodeActionKind.QuickFix);
    assert.deepEqual(fix.diagnostics, [diagnostic]);
    assert.match(apply(text, fix), /^ {4}memory: 256$/m);
  });

  it('fixes a misspelt runtime', async () => {
    const text = BASE.replace('RUNTIME', 'nodejs22x');
    const { actions } = await fixesFor(text, 'runtime-unknown');
    assert.equal(actions.length, 1);
    assert.match(apply(text, actions[0]!), /runtime: nodejs22\.x$/m);
  });

  it('moves a retired runtime to its successor', async () => {
    const text = BASE.replace('RUNTIME', 'nodejs16.x');
    const { diagnostic, actions } = await fixesFor(text, 'runtime-deprecated');
    assert.deepEqual(diagnostic.tags, [DiagnosticTag.Deprecated]);
    assert.equal(actions[0]?.title, 'Move to nodejs24.x');
    assert.equal(actions[0]?.isPreferred, true);
    assert.match(apply(text, actions[0]!), /runtime: nodejs24\.x$/m);
  });

  it('creates a missing handler file with a stub for the runtime', async () => {
    const text = BASE.replace('RUNTIME', 'python3.13').replace('src/hello.handler', 'app/main.run');
    const { actions } = await fixesFor(text, 'handler-missing-file');
    assert.equal(actions.length, 1);
    const [create, insert] = actions[0]!.edit!.documentChanges!;
    assert.ok(create && CreateFile.is(create), JSON.stringify(create));
    assert.equal(create.uri, project.uri('app/main.py'));
    assert.equal(create.options, undefined, 'an existing file must not be overwritten');
    assert.ok(insert && TextDocumentEdit.is(insert));
    assert.equal(insert.textDocument.uri, project.uri('app/main.py'));
    const edit = insert.edits[0]!;
    assert.ok('newText' in edit, 'expected a plain text edit');
    const content = edit.newText;
    assert.match(content, /^def run\(event, context\):$/m);

    // The stub is what the checker wants: with it on disk, the problem is gone.
    await project.write('app/main.py', content);
    const uri = project.uri('flourish.yaml');
    const version = await conn.change(uri, text + '\n');
    const after = await conn.diagnostics(uri, version);
    assert.deepEqual(after.diagnostics, []);
  });

  it('offers no file creation to a client that cannot create files', async () => {
    await conn.dispose();
    conn = await TestConnection.start({ workspaceFolder: project.root, canCreateFiles: false });
    const text = BASE.replace('RUNTIME', 'nodejs22.x');
    const { actions } = await fixesFor(text, 'handler-missing-file');
    assert.deepEqual(actions, []);
  });

  it('finds the fixes of a diagnostic whose data the client dropped', async () => {
    const text = BASE.replace('RUNTIME', 'nodejs16.x');
    const uri = project.uri('flourish.yaml');
    const { diagnostics } = await conn.openAndValidate(uri, text);
    const { data: _dropped, ...bare } = diagnostics.find((d) => d.code === 'runtime-deprecated')!;
    const actions = (await conn.client.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: bare.range,
      context: { diagnostics: [bare] },
    })) as CodeAction[];
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Move to nodejs24.x'],
    );
  });

  it('ignores diagnostics from other sources', async () => {
    const uri = project.uri('flourish.yaml');
    await conn.openAndValidate(uri, BASE.replace('RUNTIME', 'nodejs16.x'));
    const actions = await conn.client.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
      context: {
        diagnostics: [
          {
            range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
            message: 'x',
            source: 'yaml-schema',
            data: { fixes: [{ title: 'Evil', edits: [] }] },
          },
        ],
      },
    });
    assert.deepEqual(actions, []);
  });
});
