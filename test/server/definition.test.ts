import { strict as assert } from 'node:assert';
import { DefinitionRequest, type Location } from 'vscode-languageserver/node';
import { TestConnection } from './testConnection';
import { makeProject, withCursor, yaml, type Project } from './fixtures';

describe('server: go to definition', () => {
  let project: Project;
  let conn: TestConnection;

  beforeEach(async () => {
    project = await makeProject({
      'src/users.mjs':
        '// users\nexport const list = async () => [];\n\nexport async function get(event) {\n  return event;\n}\n',
      'app/main.py': 'import json\n\n\ndef handler(event, context):\n    return {}\n',
    });
    conn = await TestConnection.start({ workspaceFolder: project.root });
  });
  afterEach(async () => {
    await conn.dispose();
    await project.remove();
  });

  async function definition(marked: string): Promise<Location | null> {
    const { text, position } = withCursor(marked);
    const uri = project.uri('flourish.yaml');
    await conn.open(uri, text);
    const result = await conn.client.sendRequest(DefinitionRequest.type, {
      textDocument: { uri },
      position,
    });
    await conn.close(uri);
    assert.ok(result === null || !Array.isArray(result), 'expected a single location');
    return result as Location | null;
  }

  it('goes from a Node.js handler to the exported function', async () => {
    const location = await definition(yaml`
      service: shop
      functions:
        users:
          handler: src/users.g|et
          runtime: nodejs22.x
    `);
    assert.deepEqual(location, {
      uri: project.uri('src/users.mjs'),
      range: { start: { line: 3, character: 22 }, end: { line: 3, character: 25 } },
    });
  });

  it('goes from a Python handler to its def, with the runtime taken from defaults', async () => {
    const location = await definition(yaml`
      service: shop
      defaults:
        runtime: python3.13
      functions:
        stats:
          handler: app/ma|in.handler
    `);
    assert.equal(location?.uri, project.uri('app/main.py'));
    assert.equal(location?.range.start.line, 3);
  });

  it('still navigates while another part of the manifest has errors', async () => {
    const location = await definition(yaml`
      functions:
        users:
          handler: src/|users.list
          runtime: nodejs22.x
          memory: lots
    `);
    assert.equal(location?.uri, project.uri('src/users.mjs'));
    assert.equal(location?.range.start.line, 1);
  });

  it('answers null off a handler, or when the file does not exist', async () => {
    assert.equal(
      await definition(
        'service: sh|op\nfunctions:\n  a:\n    handler: src/users.list\n    runtime: nodejs22.x\n',
      ),
      null,
    );
    assert.equal(
      await definition(
        'service: shop\nfunctions:\n  a:\n    handler: src/no|ne.list\n    runtime: nodejs22.x\n',
      ),
      null,
    );
  });
});
