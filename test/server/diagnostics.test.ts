import { strict as assert } from 'node:assert';
import {
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  FileChangeType,
} from 'vscode-languageserver/node';
import * as path from 'node:path';
import { checkManifest } from '../../src/core/manifest';
import { TestConnection } from './testConnection';
import { HELLO_JS, makeProject, yaml, type Project } from './fixtures';

const VALID = yaml`
  service: shop
  provider:
    name: local
  functions:
    hello:
      handler: src/hello.handler
      runtime: nodejs22.x
`;

describe('server: diagnostics', () => {
  let project: Project;
  let conn: TestConnection;

  beforeEach(async () => {
    project = await makeProject({ 'src/hello.mjs': HELLO_JS });
  });
  afterEach(async () => {
    await conn?.dispose();
    await project.remove();
  });

  it('publishes no diagnostics for a valid manifest, tagged with the document version', async () => {
    conn = await TestConnection.start({ workspaceFolder: project.root });
    const published = await conn.openAndValidate(project.uri('flourish.yaml'), VALID);
    assert.equal(published.version, 1);
    assert.deepEqual(published.diagnostics, []);
  });

  it('reports a misspelt key at its exact range, with code, severity and source', async () => {
    conn = await TestConnection.start({ workspaceFolder: project.root });
    const text = VALID.replace(
      '    runtime: nodejs22.x',
      '    runtime: nodejs22.x\n    memroy: 256',
    );
    const { diagnostics } = await conn.openAndValidate(project.uri('flourish.yaml'), text);
    const unknown = diagnostics.find((d) => d.code === 'unknown-key');
    assert.ok(unknown, `expected unknown-key in ${JSON.stringify(diagnostics)}`);
    assert.equal(unknown.source, 'flourish');
    assert.match(JSON.stringify(unknown.message), /memory/);
    const line = text.split('\n').findIndex((l) => l.includes('memroy'));
    assert.deepEqual(unknown.range, {
      start: { line, character: 4 },
      end: { line, character: 10 },
    });
    assert.ok(
      unknown.severity === DiagnosticSeverity.Error ||
        unknown.severity === DiagnosticSeverity.Warning,
    );
  });

  it('turns every problem of the manifest core into one diagnostic: same range, code, message, mapped severity', async () => {
    conn = await TestConnection.start({ workspaceFolder: project.root });
    const text = VALID.replace(
      '    runtime: nodejs22.x',
      '    runtime: python3.10\n    memory: 64\n    timout: 3\n  other:\n    handler: x.handler\n    runtime: nodejs18.x',
    );
    const { diagnostics } = await conn.openAndValidate(project.uri('flourish.yaml'), text);
    const { problems } = await checkManifest(text, {
      file: path.join(project.root, 'flourish.yaml'),
    });
    assert.ok(problems.length >= 4, JSON.stringify(problems));
    const severity = { error: 1, warning: 2, information: 3, hint: 4 } as const;
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.message, d.range, d.severity, d.source]),
      problems.map((p) => [p.code, p.message, p.range, severity[p.severity], 'flourish']),
    );
    assert.ok(diagnostics.some((d) => d.severity === DiagnosticSeverity.Error));
    assert.ok(diagnostics.some((d) => d.severity === DiagnosticSeverity.Warning));
  });

  it('validates only the last of several quick edits (debounced; older runs cancelled)', async () => {
    conn = await TestConnection.start({
      workspaceFolder: project.root,
      initializationOptions: { diagnosticsDelayMs: 150 },
    });
    const uri = project.uri('flourish.yaml');
    await conn.open(uri, VALID.replace('memory', 'x'));
    await conn.change(uri, VALID.replace('service: shop', 'service: 1shop'));
    await conn.change(uri, VALID.replace('runtime: nodejs22.x', 'runtime: nodejs99.x'));
    const last = await conn.change(uri, VALID);
    const published = await conn.diagnostics(uri, last);
    assert.deepEqual(published.diagnostics, []);
    assert.deepEqual(
      conn.published.filter((p) => p.uri === uri).map((p) => p.version),
      [last],
      'only the last version is published',
    );
  });

  it('validates flourish.yaml opened as plain YAML, and leaves other YAML files alone', async () => {
    conn = await TestConnection.start({ workspaceFolder: project.root });
    await conn.open(project.uri('other.yaml'), 'service: [', 'yaml');
    const published = await conn.openAndValidate(
      project.uri('flourish.yml'),
      VALID.replace('service: shop', 'service: 1shop'),
      'yaml',
    );
    assert.ok(published.diagnostics.length > 0);
    assert.deepEqual(
      conn.published.filter((p) => p.uri === project.uri('other.yaml')),
      [],
    );
  });

  it('clears diagnostics when the manifest is closed', async () => {
    conn = await TestConnection.start({ workspaceFolder: project.root });
    const uri = project.uri('flourish.yaml');
    const opened = await conn.openAndValidate(uri, 'service: [');
    assert.ok(opened.diagnostics.length > 0);
    const since = conn.mark();
    await conn.close(uri);
    const cleared = await conn.diagnostics(uri, undefined, since);
    assert.deepEqual(cleared.diagnostics, []);
  });

  for (const watching of [false, true]) {
    it(`checks the handler file, and again when sources change on disk (${watching ? 'server-registered watchers, cached reads' : 'client watchers'})`, async () => {
      conn = await TestConnection.start({
        workspaceFolder: project.root,
        dynamicFileWatching: watching,
      });
      if (watching) await conn.registered(DidChangeWatchedFilesNotification.method);
      const uri = project.uri('flourish.yaml');
      const text = VALID.replace('src/hello.handler', 'src/missing.handler');
      const first = await conn.openAndValidate(uri, text);
      const missing = first.diagnostics.find((d) => d.code === 'handler-missing-file');
      assert.ok(missing, JSON.stringify(first.diagnostics));
      const line = text.split('\n').findIndex((l) => l.includes('src/missing.handler'));
      assert.equal(missing.range.start.line, line);
      assert.equal(
        conn.registrations.some((r) => r.method === DidChangeWatchedFilesNotification.method),
        watching,
      );

      await project.write('src/missing.mjs', HELLO_JS);
      if (watching) {
        // Until a file event arrives, the remembered answer stands: nothing was reread.
        const edited = await conn.change(uri, text + '# edited\n');
        const cached = await conn.diagnostics(uri, edited);
        assert.deepEqual(
          cached.diagnostics.map((d) => d.code),
          ['handler-missing-file'],
        );
      }
      const since = conn.mark();
      await conn.client.sendNotification(DidChangeWatchedFilesNotification.type, {
        changes: [{ uri: project.uri('src/missing.mjs'), type: FileChangeType.Created }],
      });
      const again = await conn.diagnostics(uri, undefined, since);
      assert.deepEqual(again.diagnostics, []);
    });
  }

  for (const count of [5, 300]) {
    it(`stays exact while a manifest of ${count} functions is edited function by function (incremental parses)`, async () => {
      conn = await TestConnection.start({ workspaceFolder: project.root });
      const fn = (i: number, memory = 256) =>
        `  f${i}:\n    handler: src/hello.handler\n    runtime: nodejs22.x\n    memory: ${memory}\n    description: Function number ${i} of the service\n`;
      const manifest = (edits: Record<number, number> = {}) =>
        'service: shop\nfunctions:\n' +
        Array.from({ length: count }, (_, i) => fn(i, edits[i] ?? 256)).join('') +
        'stages:\n  prod:\n    defaults:\n      memory: 512\n';
      const uri = project.uri('flourish.yaml');
      const file = path.join(project.root, 'flourish.yaml');
      const versions = [
        manifest(),
        manifest({ [count >> 1]: 64 }),
        manifest({ [count >> 1]: 64, 3: 99999 }),
        manifest({ 3: 99999 }),
        manifest(),
      ];
      const expected = async (text: string) =>
        (await checkManifest(text, { file })).problems.map((p) => [p.code, p.range]);
      let version = await conn.open(uri, versions[0]!);
      for (let i = 0; ;) {
        const published = await conn.diagnostics(uri, version);
        assert.deepEqual(
          published.diagnostics.map((d) => [d.code, d.range]),
          await expected(versions[i]!),
          `version ${version}`,
        );
        if (++i === versions.length) break;
        version = await conn.change(uri, versions[i]!);
      }
    });
  }

  it('reads a handler from its unsaved editor buffer rather than from disk', async () => {
    conn = await TestConnection.start({ workspaceFolder: project.root });
    const uri = project.uri('flourish.yaml');
    const first = await conn.openAndValidate(uri, VALID);
    assert.deepEqual(first.diagnostics, []);
    const since = conn.mark();
    await conn.open(project.uri('src/hello.mjs'), 'export const other = 1;\n', 'javascript');
    const again = await conn.diagnostics(uri, undefined, since);
    assert.deepEqual(
      again.diagnostics.map((d) => d.code),
      ['handler-missing-export'],
    );
  });
});
