import { strict as assert } from 'node:assert';
import {
  CompletionItemTag,
  CompletionRequest,
  type CompletionItem,
  type CompletionList,
} from 'vscode-languageserver/node';
import { TestConnection } from './testConnection';
import { HELLO_JS, makeProject, withCursor, yaml, type Project } from './fixtures';

describe('server: completion', () => {
  let project: Project;
  let conn: TestConnection;

  beforeEach(async () => {
    project = await makeProject({
      'src/hello.mjs': HELLO_JS,
      'src/users.mjs': 'export async function list() {}\nexport const get = async () => {};\n',
      'py/stats.py': 'def handler(event, context):\n    return 1\n',
      'node_modules/dep/index.js': 'export const handler = 1;\n',
    });
    conn = await TestConnection.start({ workspaceFolder: project.root });
  });
  afterEach(async () => {
    await conn.dispose();
    await project.remove();
  });

  async function complete(marked: string): Promise<CompletionItem[]> {
    const { text, position } = withCursor(marked);
    const uri = project.uri('flourish.yaml');
    await conn.open(uri, text);
    const result = (await conn.client.sendRequest(CompletionRequest.type, {
      textDocument: { uri },
      position,
    })) as CompletionItem[] | CompletionList | null;
    await conn.close(uri);
    assert.ok(result, 'completion answered null');
    return Array.isArray(result) ? result : result.items;
  }
  const labels = (items: CompletionItem[]) => items.map((i) => i.label);

  it('offers the top-level keys not yet written', async () => {
    const items = await complete('service: shop\n|\nfunctions: {}\n');
    const got = labels(items);
    for (const key of ['provider', 'stage', 'stages', 'defaults'])
      assert.ok(got.includes(key), key);
    assert.ok(!got.includes('service'));
    assert.ok(!got.includes('functions'));
  });

  it("offers a function's keys, minus the ones it has, with nested keys opening a block", async () => {
    const items = await complete(yaml`
      service: shop
      functions:
        hello:
          handler: src/hello.handler
          |
          memory: 128
    `);
    const got = labels(items);
    for (const key of ['runtime', 'timeout', 'environment', 'events', 'architecture']) {
      assert.ok(got.includes(key), key);
    }
    assert.ok(!got.includes('handler') && !got.includes('memory'));
    const env = items.find((i) => i.label === 'environment')!;
    assert.ok(env.textEdit && 'range' in env.textEdit);
    assert.equal(env.textEdit.newText, 'environment:\n      ');
    const events = items.find((i) => i.label === 'events')!;
    assert.equal(events.textEdit?.newText, 'events:\n      - ');
    const timeout = items.find((i) => i.label === 'timeout')!;
    assert.equal(timeout.textEdit?.newText, 'timeout: ');
    assert.match(JSON.stringify(timeout.documentation), /900/);
  });

  it('completes keys in a half-typed file that is not valid YAML yet', async () => {
    const items = await complete('service: shop\nfunctions:\n  hello:\n    handler: [\n    ti|');
    assert.ok(labels(items).includes('timeout'));
  });

  it('reads Windows line endings', async () => {
    const items = await complete(
      'service: shop\r\nfunctions:\r\n  hello:\r\n    memory: 1\r\n    |\r\n',
    );
    const got = labels(items);
    assert.ok(got.includes('timeout') && !got.includes('memory'));
  });

  it('completes inside event items and their nested mappings', async () => {
    const eventKeys = await complete(yaml`
      functions:
        hello:
          events:
            - |
    `);
    assert.deepEqual(labels(eventKeys).sort(), ['http', 'schedule']);
    const httpKeys = await complete(yaml`
      functions:
        hello:
          events:
            - http:
                method: GET
                |
    `);
    const got = labels(httpKeys);
    assert.ok(got.includes('path') && got.includes('auth') && got.includes('cors'));
    assert.ok(!got.includes('method'));
  });

  it('offers enum values', async () => {
    assert.deepEqual(labels(await complete('provider:\n  name: |\n')).sort(), ['aws', 'local']);
    assert.deepEqual(labels(await complete('functions:\n  a:\n    architecture: |\n')).sort(), [
      'arm64',
      'x86_64',
    ]);
    const method = await complete(
      'functions:\n  a:\n    events:\n      - http:\n          method: P|\n',
    );
    assert.ok(labels(method).includes('POST'));
    const replaced = method.find((i) => i.label === 'POST')!;
    assert.ok(replaced.textEdit && 'range' in replaced.textEdit);
    assert.equal(replaced.textEdit.range.start.character, 18);
    assert.equal(replaced.textEdit.range.end.character, 19);
  });

  it('offers runtime identifiers, current ones first and retired ones marked deprecated', async () => {
    const items = await complete('functions:\n  a:\n    runtime: |\n');
    const byLabel = new Map(items.map((i) => [i.label, i]));
    for (const id of ['nodejs24.x', 'python3.13', 'java21', 'provided.al2023', 'nodejs16.x']) {
      assert.ok(byLabel.has(id), id);
    }
    assert.deepEqual(byLabel.get('nodejs16.x')!.tags, [CompletionItemTag.Deprecated]);
    assert.match(JSON.stringify(byLabel.get('nodejs16.x')!.documentation), /nodejs24\.x/);
    assert.equal(byLabel.get('nodejs24.x')!.tags, undefined);
    assert.ok(byLabel.get('nodejs24.x')!.sortText! < byLabel.get('nodejs16.x')!.sortText!);
    // Also where defaults are set.
    assert.ok(labels(await complete('defaults:\n  runtime: py|\n')).includes('python3.13'));
  });

  it("offers handlers from the project's sources for the function's runtime family", async () => {
    const nodeItems = await complete('functions:\n  a:\n    runtime: nodejs22.x\n    handler: |\n');
    const node = labels(nodeItems);
    assert.deepEqual(node.sort(), ['src/hello.handler', 'src/users.get', 'src/users.list']);
    assert.equal(nodeItems.find((i) => i.label === 'src/users.get')?.detail, 'src/users.mjs');
    const python = labels(
      await complete('defaults:\n  runtime: python3.12\nfunctions:\n  a:\n    handler: |\n'),
    );
    assert.deepEqual(python, ['py/stats.handler']);
  });

  it('offers a whole new function under functions, named after what is typed', async () => {
    const items = await complete('service: shop\nfunctions:\n  orders|\n');
    const item = items.find((i) => i.label === 'orders: new function');
    assert.ok(item, JSON.stringify(labels(items)));
    assert.match(
      item.textEdit!.newText,
      /^orders:\n {4}handler: src\/orders\.handler\n {4}runtime: nodejs\d+\.x\n$/,
    );
  });

  it('offers the declared stages as the default stage', async () => {
    const items = await complete('service: shop\nstage: |\nstages:\n  prod: {}\n  qa: {}\n');
    assert.deepEqual(labels(items), ['prod', 'qa']);
  });

  it('answers an empty list, not an error, where nothing fits', async () => {
    assert.deepEqual(await complete('functions:\n  a:\n    description: Some |\n'), []);
    assert.deepEqual(conn.errors, []);
  });
});
