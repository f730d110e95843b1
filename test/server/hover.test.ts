import { strict as assert } from 'node:assert';
import { HoverRequest, type Hover } from 'vscode-languageserver/node';
import { TestConnection } from './testConnection';
import { makeProject, withCursor, yaml, type Project } from './fixtures';

describe('server: hover', () => {
  let project: Project;
  let conn: TestConnection;

  beforeEach(async () => {
    project = await makeProject({ 'src/hello.mjs': '\nexport const handler = async () => 1;\n' });
    conn = await TestConnection.start({ workspaceFolder: project.root });
  });
  afterEach(async () => {
    await conn.dispose();
    await project.remove();
  });

  async function hover(marked: string): Promise<Hover | null> {
    const { text, position } = withCursor(marked);
    const uri = project.uri('flourish.yaml');
    await conn.open(uri, text);
    const result = await conn.client.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position,
    });
    await conn.close(uri);
    return result;
  }
  const markdown = (h: Hover | null) => {
    assert.ok(h, 'no hover');
    assert.ok(typeof h.contents === 'object' && 'kind' in h.contents);
    return h.contents.value;
  };

  const MANIFEST = yaml`
    service: shop
    functions:
      hello:
        handler: src/hello.handler
        runtime: RUNTIME
        memory: 256
        timeout: 30
  `;

  it('explains a key and its limits, over the key itself', async () => {
    const h = await hover(MANIFEST.replace('memory', 'mem|ory'));
    const text = markdown(h);
    assert.match(text, /\*\*memory\*\*/);
    assert.match(text, /128 to 10240/);
    assert.deepEqual(h!.range, {
      start: { line: 5, character: 4 },
      end: { line: 5, character: 10 },
    });
    assert.match(markdown(await hover(MANIFEST.replace('timeout', 'time|out'))), /1 to 900/);
  });

  it("gives a runtime's support status on its value", async () => {
    const current = markdown(await hover(MANIFEST.replace('RUNTIME', 'nodejs2|4.x')));
    assert.match(current, /Node\.js 24/);
    assert.match(current, /supported/);
    const retired = markdown(await hover(MANIFEST.replace('RUNTIME', 'nodejs1|6.x')));
    assert.match(retired, /retired|deprecated/);
    assert.match(retired, /nodejs24\.x/);
    const unknown = markdown(await hover(MANIFEST.replace('RUNTIME', 'nodejs9|9.x')));
    assert.match(unknown, /not a Lambda runtime/);
  });

  it('says where a handler resolves, or where it was looked for', async () => {
    const found = markdown(
      await hover(
        MANIFEST.replace('RUNTIME', 'nodejs22.x').replace(
          'src/hello.handler',
          'src/hel|lo.handler',
        ),
      ),
    );
    assert.match(found, /`handler` in `src\/hello\.mjs`, line 2\./);
    const missing = markdown(
      await hover(
        MANIFEST.replace('RUNTIME', 'nodejs22.x').replace('src/hello.handler', 'src/no|ne.handler'),
      ),
    );
    assert.match(missing, /No source file yet: looked for `src\/none\.js`, `src\/none\.mjs`/);
    const noExport = markdown(
      await hover(
        MANIFEST.replace('RUNTIME', 'nodejs22.x').replace('src/hello.handler', 'src/hello.ma|in'),
      ),
    );
    assert.match(noExport, /`src\/hello\.mjs` has no `main`\./);
  });

  it('answers null away from any key', async () => {
    assert.equal(await hover('# just a comment|\n'), null);
  });
});
