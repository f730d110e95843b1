import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  checkManifest,
  handlerStub,
  listHandlerCandidates,
  parseManifest,
  resolveHandler,
  type ManifestFs,
} from '../../../src/core/manifest';
import { scanJavaScript, scanPython } from '../../../src/core/manifest/source-exports';
import { NOW, codes, expectProblem, only, textAt, yaml } from './helpers';

function names(source: string, scan = scanJavaScript): string[] {
  return scan(source)
    .exports.map((e) => e.name)
    .sort();
}

describe('handler source scanning', () => {
  it('finds every form of JavaScript and TypeScript export', () => {
    const src = `
      export function a() {}
      export async function b() {}
      export function* c() {}
      export const d = async (event) => event;
      export let e = 1, notFound = 2;
      export class F {}
      const g = () => 1, h = 2;
      export { g, h as hh };
      export { x as y } from './other';
      exports.i = function () {};
      module.exports.j = () => {};
      exports['k'] = 1;
      export const l: Handler = async () => ({});
      export default function main() {}
    `;
    assert.deepEqual(names(src), [
      'F',
      'a',
      'b',
      'c',
      'd',
      'default',
      'e',
      'g',
      'hh',
      'i',
      'j',
      'k',
      'l',
      'main',
      'y',
    ]);
  });

  it('reads module.exports = { ... } object literals, skipping nested keys and spreads', () => {
    const src = `module.exports = { one, two: () => 2, async three() { return { nested: 1 }; }, ...rest, 'four': 4 };`;
    assert.deepEqual(names(src), ['one', 'three', 'two']);
  });

  it('ignores exports written in comments, strings, templates and regular expressions', () => {
    const src = [
      '// export function commented() {}',
      '/* exports.block = 1 */',
      "const s = 'export const quoted = 1';",
      'const t = `export const templated = ${"x"} export function alsoNot() {}`;',
      'const r = /export function inRegex() {}/;',
      'export const real = 1;',
    ].join('\n');
    assert.deepEqual(names(src), ['real']);
  });

  it('gives the exact range of each export name', () => {
    const src = 'const x = 1;\nexport async function handler(event) {}\n';
    const [e] = scanJavaScript(src).exports;
    assert.deepEqual(e.range, {
      start: { line: 1, character: 22 },
      end: { line: 1, character: 29 },
    });
    assert.equal(textAt(src, e.range), 'handler');
  });

  it('notes `export * from` so a missing name is not certain', () => {
    assert.equal(scanJavaScript("export * from './impl';").reexportsAll, true);
    assert.equal(scanJavaScript('export const a = 1;').reexportsAll, false);
  });

  it('finds top-level Python functions and callables, not nested or commented ones', () => {
    const src = [
      'import json',
      'def handler(event, context):',
      '    def inner():',
      '        pass',
      'async def other(event, context):',
      '    pass',
      '# def commented(): pass',
      '"""',
      'def in_docstring(): pass',
      '"""',
      'app = Mangum(api)',
      'class Service:',
      '    def method(self): pass',
      'x == 1',
      'if True: y = 1',
      'else: z = 2',
    ].join('\n');
    assert.deepEqual(names(src, scanPython), ['app', 'handler', 'other']);
  });
});

describe('handler resolution and file checks', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'flourish-manifest-'));
    await mkdir(path.join(root, 'src'), { recursive: true });
    await mkdir(path.join(root, 'app'), { recursive: true });
    await mkdir(path.join(root, 'node_modules', 'dep'), { recursive: true });
    await mkdir(path.join(root, 'dist'), { recursive: true });
    await writeFile(
      path.join(root, 'src', 'hello.ts'),
      'export const handler = async () => ({ ok: true });\nexport function helper() {}\n',
    );
    await writeFile(path.join(root, 'src', 'legacy.js'), 'exports.main = async () => 1;\n');
    await writeFile(path.join(root, 'src', 'barrel.mjs'), "export * from './hello.js';\n");
    await writeFile(path.join(root, 'src', 'hello.test.ts'), 'export const handler = 1;\n');
    await writeFile(
      path.join(root, 'app', 'main.py'),
      'def handler(event, context):\n    return 1\n',
    );
    await writeFile(path.join(root, 'node_modules', 'dep', 'index.js'), 'exports.handler = 1;\n');
    await writeFile(path.join(root, 'dist', 'built.js'), 'exports.handler = 1;\n');
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('resolves a Node.js handler to its file, export and range', async () => {
    const t = await resolveHandler(root, { handler: 'src/hello.handler', runtime: 'nodejs22.x' });
    assert.equal(t.file, path.join(root, 'src', 'hello.ts'));
    assert.equal(t.exportName, 'handler');
    assert.deepEqual(t.found?.range, {
      start: { line: 0, character: 13 },
      end: { line: 0, character: 20 },
    });
    assert.deepEqual(
      t.exports.map((e) => e.name),
      ['handler', 'helper'],
    );
    assert.equal(t.candidates[0], path.join(root, 'src', 'hello.js'));
  });

  it('resolves a Python handler through its module path', async () => {
    for (const handler of ['app/main.handler', 'app.main.handler']) {
      const t = await resolveHandler(root, { handler, runtime: 'python3.13' });
      assert.equal(t.file, path.join(root, 'app', 'main.py'));
      assert.equal(t.found?.name, 'handler');
    }
  });

  it('looks in the build output first, then the sources', async () => {
    const t = await resolveHandler(root, {
      handler: 'built.handler',
      runtime: 'nodejs22.x',
      build: { command: 'x', cwd: '.', output: 'dist' },
    });
    assert.equal(t.file, path.join(root, 'dist', 'built.js'));
    // Not built yet: dist/hello.js comes from src/hello.ts.
    const source = await resolveHandler(root, {
      handler: 'hello.handler',
      runtime: 'nodejs22.x',
      build: { command: 'x', cwd: '.', output: 'dist' },
    });
    assert.equal(source.file, path.join(root, 'src', 'hello.ts'));
    assert.equal(source.found?.name, 'handler');
  });

  it('reports a missing handler file with a fix that creates a working stub', async () => {
    const text = yaml`
      service: shop
      functions:
        hello:
          handler: src/missing.handler
          runtime: nodejs22.x
    `;
    const { problems } = await checkManifest(text, {
      file: path.join(root, 'flourish.yaml'),
      now: NOW,
    });
    const p = expectProblem(text, problems, 'handler-missing-file', 'src/missing.handler', 3);
    assert.equal(p.severity, 'error');
    assert.match(p.message, /src\/missing\.js, src\/missing\.mjs/);
    const create = p.fixes?.[0].createFile;
    assert.equal(create?.path, 'src/missing.mjs');
    // The stub really is a handler: import it and call it.
    const file = path.join(root, create!.path);
    await writeFile(file, create!.content);
    const mod = (await import(pathToFileURL(file).href)) as {
      handler: (e: unknown, c: unknown) => Promise<{ statusCode: number }>;
    };
    const res = await mod.handler({}, { awsRequestId: 'r-1' });
    assert.equal(res.statusCode, 200);
    const again = await checkManifest(text, { file: path.join(root, 'flourish.yaml'), now: NOW });
    assert.deepEqual(again.problems, []);
    await rm(file);
  });

  it('checks an existing parse without changing it', async () => {
    const text =
      'service: s\nfunctions:\n  f: { handler: src/none.handler, runtime: nodejs22.x, memory: 1 }\n';
    const file = path.join(root, 'flourish.yaml');
    const parsed = parseManifest(text, { file, now: NOW });
    assert.deepEqual(codes(parsed.problems), ['out-of-range']);
    const { problems } = await checkManifest(text, { file, now: NOW, parsed });
    assert.deepEqual(codes(problems), ['handler-missing-file', 'out-of-range']);
    assert.deepEqual(codes(parsed.problems), ['out-of-range']);
  });

  it('is only a warning when a build step may produce the file', async () => {
    const text =
      'service: s\nfunctions:\n  f: { handler: out/x.handler, runtime: nodejs22.x, build: make }\n';
    const { problems } = await checkManifest(text, {
      file: path.join(root, 'flourish.yaml'),
      now: NOW,
    });
    assert.equal(only(problems, 'handler-missing-file').severity, 'warning');
  });

  it('reports a file that does not export the function, listing what it does export', async () => {
    const text =
      'service: s\nfunctions:\n  f: { handler: src/hello.hanlder, runtime: nodejs22.x }\n  g: { handler: src/legacy.main, runtime: nodejs22.x }\n  b: { handler: src/barrel.other, runtime: nodejs22.x }\n';
    const { problems } = await checkManifest(text, {
      file: path.join(root, 'flourish.yaml'),
      now: NOW,
    });
    assert.deepEqual(codes(problems), ['handler-missing-export', 'handler-missing-export']);
    const p = problems.find((x) => x.path[1] === 'f')!;
    assert.equal(textAt(text, p.range), 'src/hello.hanlder');
    assert.match(
      p.message,
      /src\/hello\.ts does not export 'hanlder'.*It exports handler, helper\./,
    );
    assert.equal(problems.find((x) => x.path[1] === 'b')!.severity, 'warning');
  });

  it('checks Python handlers for a top-level def', async () => {
    const text =
      'service: s\nfunctions:\n  f: { handler: app/main.missing, runtime: python3.13 }\n';
    const { problems } = await checkManifest(text, {
      file: path.join(root, 'flourish.yaml'),
      now: NOW,
    });
    assert.match(
      only(problems, 'handler-missing-export').message,
      /app\/main\.py does not define 'missing'/,
    );
  });

  it('checks Ruby handlers for a method', async () => {
    await writeFile(
      path.join(root, 'function.rb'),
      "require 'json'\n\ndef handler(event:, context:)\n  { statusCode: 200 }\nend\n",
    );
    const ok = 'service: s\nfunctions:\n  f: { handler: function.handler, runtime: ruby3.4 }\n';
    assert.deepEqual(
      (await checkManifest(ok, { file: path.join(root, 'flourish.yaml'), now: NOW })).problems,
      [],
    );
    const bad = ok.replace('function.handler', 'function.process');
    const { problems } = await checkManifest(bad, {
      file: path.join(root, 'flourish.yaml'),
      now: NOW,
    });
    assert.match(
      only(problems, 'handler-missing-export').message,
      /function\.rb does not define 'process'/,
    );
  });

  it('reads files through the given file system and reads each handler once', async () => {
    const reads: string[] = [];
    const fs: ManifestFs = {
      readFile: async (p) => {
        reads.push(p);
        return p.endsWith('/mem/src/a.js') ? 'export const handler = 1;' : undefined;
      },
      readDir: async () => [],
    };
    let text = 'service: s\ndefaults: { runtime: nodejs22.x }\nfunctions:\n';
    for (let i = 0; i < 20; i++) text += `  f${i}: { handler: src/a.handler }\n`;
    const { problems } = await checkManifest(text, { file: '/mem/flourish.yaml', fs, now: NOW });
    assert.deepEqual(problems, []);
    assert.deepEqual(reads, ['/mem/src/a.js']);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    const fs: ManifestFs = {
      readFile: async () => {
        controller.abort();
        return undefined;
      },
      readDir: async () => [],
    };
    const text =
      'service: s\nfunctions:\n  f: { handler: src/a.handler, runtime: nodejs22.x }\n  g: { handler: src/b.handler, runtime: nodejs22.x }\n';
    await assert.rejects(
      checkManifest(text, { file: '/mem/flourish.yaml', fs, signal: controller.signal }),
      { name: 'AbortError' },
    );
  });

  it('lists handler candidates from sources, skipping dependencies, tests and build output', async () => {
    const list = await listHandlerCandidates(root, 'nodejs');
    assert.deepEqual(
      list.map((c) => c.handler),
      ['src/hello.handler', 'src/hello.helper', 'src/legacy.main'],
    );
    const withDist = await listHandlerCandidates(root, 'nodejs', undefined, undefined, ['dist']);
    assert.ok(withDist.some((c) => c.handler === 'dist/built.handler'));
    assert.deepEqual(
      (await listHandlerCandidates(root, 'python')).map((c) => c.handler),
      ['app/main.handler'],
    );
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(listHandlerCandidates(root, 'nodejs', undefined, controller.signal), {
      name: 'AbortError',
    });
  });

  it('writes stubs that define the named handler for each runtime family', () => {
    assert.deepEqual(names(handlerStub('nodejs22.x', 'main').content), ['main']);
    assert.deepEqual(names(handlerStub('python3.13', 'handler').content, scanPython), ['handler']);
    assert.equal(handlerStub('python3.13', 'handler').extension, '.py');
    assert.equal(handlerStub('ruby3.4', 'handler').extension, '.rb');
    assert.match(handlerStub('java21', 'handle').content, /public Map<String, Object> handle\(/);
    assert.match(
      handlerStub('dotnet8', 'Handle').content,
      /public Dictionary<string, object> Handle\(/,
    );
    assert.match(handlerStub('provided.al2023', 'x').content, /^#!\/bin\/sh/);
  });

  it('writes a Python stub that runs', function () {
    let python: string | undefined;
    try {
      execFileSync('python3', ['--version']);
      python = 'python3';
    } catch {
      this.skip();
    }
    const stub = handlerStub('python3.13', 'handler').content;
    const out = execFileSync(
      python!,
      ['-c', `${stub}\nclass C: aws_request_id = 'r'\nprint(handler({}, C())["statusCode"])`],
      { encoding: 'utf8' },
    );
    assert.equal(out.trim(), '200');
  });
});
