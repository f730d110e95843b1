import { strict as assert } from 'node:assert';
import { CompletionRequest, DocumentSymbolRequest, HoverRequest } from 'vscode-languageserver/node';
import { TestConnection } from './testConnection';
import { makeProject, type Project } from './fixtures';

/** Inputs an editor really sends while a user types, pastes or opens the wrong file. */
const HOSTILE: Record<string, () => string> = {
  'malformed YAML': () => 'service: shop\nfunctions:\n  a: [1, 2\n  b: {x: \n\t- - :\n',
  'a half-typed file': () => 'service: shop\nfunctions:\n  hello:\n    handler: src/x.',
  'a binary file': () =>
    String.fromCharCode(...Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)),
  'a 5 MB manifest': () =>
    'service: big\nfunctions:\n' +
    Array.from(
      { length: 85_000 },
      (_, i) => `  f${i}:\n    handler: src/f.handler\n    runtime: nodejs22.x\n`,
    ).join(''),
  'an alias bomb': () =>
    'a: &a ["x","x","x","x","x","x","x","x","x"]\n' +
    Array.from({ length: 12 }, (_, i) => {
      const prev = i === 0 ? 'a' : `b${i - 1}`;
      return `b${i}: &b${i} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`;
    }).join('\n') +
    '\nfunctions: *b11\n',
  'deep nesting': () => '['.repeat(5000) + ']'.repeat(5000),
  'an empty file': () => '',
};

describe('server: robustness', () => {
  let project: Project;
  let conn: TestConnection;

  before(async () => {
    project = await makeProject();
  });
  after(async () => {
    await project.remove();
  });
  beforeEach(async () => {
    conn = await TestConnection.start({ workspaceFolder: project.root });
  });
  afterEach(async () => {
    await conn.dispose();
  });

  for (const [name, make] of Object.entries(HOSTILE)) {
    it(`gives diagnostics for ${name}, and answers requests on it`, async () => {
      const text = make();
      if (name === 'a 5 MB manifest') assert.ok(text.length > 5_000_000, String(text.length));
      const uri = project.uri('flourish.yaml');
      const published = await conn.openAndValidate(uri, text);
      assert.ok(Array.isArray(published.diagnostics));
      if (name !== 'an empty file')
        assert.ok(published.diagnostics.length > 0, 'expected problems');
      for (const d of published.diagnostics) {
        assert.ok(d.range.start.line >= 0 && d.range.end.line >= d.range.start.line);
      }
      const position = { line: 1, character: 2 };
      await conn.client.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
      await conn.client.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
      await conn.client.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } });
      assert.deepEqual(conn.errors, [], 'nothing failed inside the server');
    });
  }

  it('survives a request for a document it was never given', async () => {
    const result = await conn.client.sendRequest(HoverRequest.type, {
      textDocument: { uri: project.uri('nowhere/flourish.yaml') },
      position: { line: 0, character: 0 },
    });
    assert.equal(result, null);
  });
});
