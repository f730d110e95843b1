import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { open, readdir, rm, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vm from 'node:vm';
import {
  BuildError,
  EmptyPackageError,
  esbuildTarget,
  LAMBDA_PACKAGE_LIMITS,
  packageFunction,
  PackageLimitError,
  UnsafePathError,
} from '../../../src/core/build';
import type { FunctionSpec } from '../../../src/core/manifest/types';
import {
  backdate,
  makeFunction,
  makeManifest,
  readZip,
  removeDir,
  tempDir,
  writeTree,
} from './helpers';

describe('packageFunction', () => {
  let root: string | undefined;
  let cacheDir: string;
  beforeEach(async () => {
    root = await tempDir();
    cacheDir = path.join(root, '.flourish', 'cache');
  });
  afterEach(() => removeDir(root));

  const pack = (fn: FunctionSpec, extra: Parameters<typeof packageFunction>[2] = {}) =>
    packageFunction(makeManifest(root!, [fn]), fn, { cacheDir, ...extra });

  describe('built-in esbuild bundle', () => {
    it('bundles a TypeScript handler where the handler string still finds it', async () => {
      await writeTree(root!, {
        'package.json': JSON.stringify({ name: 'app', dependencies: { greet: '1' } }),
        'node_modules/greet/package.json': JSON.stringify({ name: 'greet', main: 'index.js' }),
        'node_modules/greet/index.js': 'exports.greet = (n) => "hello " + n;',
        'src/util.ts': 'export const twice = (n: number): number => n * 2;',
        'src/handler.ts': [
          "import { greet } from 'greet';",
          "import { twice } from './util';",
          'export const handler = async (e: { n: number }) => ({ msg: greet("x"), n: twice(e.n) });',
          'export const sdk = () => import("@aws-sdk/client-s3");',
        ].join('\n'),
      });
      const result = await pack(makeFunction({ handler: 'src/handler.handler' }));
      const entries = await readZip(result.zipPath);
      assert.deepEqual(
        entries.map((e) => e.name),
        ['src/handler.js'],
      );
      const code = entries[0]!.content.toString('utf8');
      assert.match(code, /require\("@aws-sdk\/client-s3"\)|import\("@aws-sdk\/client-s3"\)/);
      assert.doesNotMatch(
        code,
        /from ['"]greet['"]|require\(['"]greet['"]\)/,
        'greet is bundled in',
      );
      // Run the bundle as Lambda would load it: CommonJS, calling the exported handler.
      const mod = { exports: {} as Record<string, (e: unknown) => Promise<unknown>> };
      const load = vm.runInThisContext(`(function (module, exports, require) {${code}\n})`) as (
        m: typeof mod,
        e: typeof mod.exports,
        r: NodeJS.Require,
      ) => void;
      load(mod, mod.exports, require);
      assert.deepEqual(await mod.exports.handler!({ n: 21 }), { msg: 'hello x', n: 42 });
    });

    it('maps runtimes to esbuild targets', () => {
      assert.equal(esbuildTarget('nodejs20.x'), 'node20');
      assert.equal(esbuildTarget('nodejs18.x'), 'node18');
      assert.equal(esbuildTarget('python3.12'), undefined);
    });

    it('keeps .mts handlers as ES modules', async () => {
      await writeTree(root!, { 'fn.mts': 'export const handler = async () => 1;' });
      const result = await pack(makeFunction({ handler: 'fn.handler', runtime: 'nodejs22.x' }));
      const [entry] = await readZip(result.zipPath);
      assert.equal(entry!.name, 'fn.mjs');
      assert.match(entry!.content.toString(), /export\s*{/);
    });

    it('reports compile errors with the file and line', async () => {
      await writeTree(root!, { 'src/handler.ts': 'export const handler = ;\n' });
      await assert.rejects(pack(makeFunction()), (err: unknown) => {
        assert.ok(err instanceof BuildError);
        assert.match(err.message, /src\/handler\.ts:1/);
        assert.match(err.message, /"api"/);
        return true;
      });
    });
  });

  describe('build command', () => {
    it('runs the command and packages its output folder', async () => {
      await writeTree(root!, { 'src/index.js': 'exports.handler = 1;' });
      const lines: string[] = [];
      const fn = makeFunction({
        handler: 'index.handler',
        build: {
          command: 'mkdir -p dist && cp src/index.js dist/ && echo built',
          cwd: '.',
          output: 'dist',
        },
      });
      const result = await pack(fn, { onBuildOutput: (line) => lines.push(line) });
      assert.deepEqual(lines, ['built']);
      assert.equal(result.buildLog, 'built\n');
      assert.deepEqual(
        (await readZip(result.zipPath)).map((e) => e.name),
        ['index.js'],
      );
    });

    it('packages what is there without running the command when told to skip the build', async () => {
      await writeTree(root!, { 'dist/index.js': 'exports.handler = 1;' });
      const fn = makeFunction({
        handler: 'index.handler',
        build: { command: 'echo should-not-run; exit 9', cwd: '.', output: 'dist' },
      });
      const lines: string[] = [];
      const result = await pack(fn, { skipBuild: true, onBuildOutput: (l) => lines.push(l) });
      assert.deepEqual(lines, []);
      assert.equal(result.buildLog, undefined);
      assert.equal(result.fileCount, 1);
    });

    it('stops at a failing build and refuses an output folder outside the project', async () => {
      await assert.rejects(
        pack(makeFunction({ build: { command: 'exit 2', cwd: '.' } })),
        (err: unknown) => err instanceof BuildError && err.details.exitCode === 2,
      );
      await assert.rejects(
        pack(makeFunction({ build: { command: 'true', cwd: '.', output: '../out' } })),
        UnsafePathError,
      );
      await assert.rejects(
        pack(makeFunction({ build: { command: 'true', cwd: '.', output: 'missing' } })),
        /does not exist.*build\.output/s,
      );
    });
  });

  describe('sanity checks', () => {
    it('warns when the handler file is not in the package, for Node.js and Python', async () => {
      await writeTree(root!, { 'src/app.js': '', 'lib/tool.py': '', 'pkg/mod.py': '' });
      const node = await pack(makeFunction({ handler: 'src/app.handler' }));
      assert.deepEqual(node.warnings, []);
      const wrong = await pack(makeFunction({ key: 'wrong', handler: 'src/missing.handler' }));
      assert.deepEqual(
        wrong.warnings.map((w) => [w.code, w.path]),
        [['handler-missing', 'src/missing.js']],
      );
      assert.match(wrong.warnings[0]!.message, /src\/missing\.js or src\/missing\.mjs/);
      const py = await pack(
        makeFunction({ key: 'py', handler: 'pkg.mod.handler', runtime: 'python3.12' }),
      );
      assert.deepEqual(py.warnings, []);
    });

    it('refuses a package with no files, saying which patterns matched nothing', async () => {
      await writeTree(root!, { 'src/app.js': '' });
      await assert.rejects(
        pack(makeFunction({ package: { include: ['dist/**'], exclude: [] } })),
        (err: unknown) =>
          err instanceof EmptyPackageError &&
          err.details.functionKey === 'api' &&
          /No files were chosen for function "api".*dist\/\*\*/.test(err.message),
      );
    });
  });

  describe('hash cache', () => {
    const fn = makeFunction({ handler: 'index.handler' });
    beforeEach(async () => {
      await writeTree(root!, {
        'index.js': 'exports.handler = async () => 1;',
        'lib/a.js': 'a'.repeat(5000),
        'lib/b.js': 'b'.repeat(5000),
      });
      // Files changed within the racy window are read every time: these were written earlier.
      await backdate(root!);
    });

    it('reuses the zip untouched when nothing changed, without reading a file', async () => {
      const cold = await pack(fn);
      assert.equal(cold.reused, false);
      assert.equal(cold.cache.hashedFiles, 3);
      const before = await stat(cold.zipPath);
      const warm = await pack(fn);
      const after = await stat(warm.zipPath);
      assert.equal(warm.reused, true);
      assert.deepEqual(warm.cache, { hits: 3, hashedFiles: 0, hashedBytes: 0 });
      assert.equal(warm.sha256Hex, cold.sha256Hex);
      assert.equal(warm.codeSha256, cold.codeSha256);
      assert.equal(after.ino, before.ino);
      assert.equal(after.mtimeMs, before.mtimeMs);
    });

    it('hashes only a touched file and still reuses the zip when its content is the same', async () => {
      const cold = await pack(fn);
      const later = new Date(Date.now() + 60_000);
      await utimes(path.join(root!, 'lib/a.js'), later, later);
      const warm = await pack(fn);
      assert.equal(warm.reused, true);
      assert.equal(warm.cache.hashedFiles, 1);
      assert.equal(warm.cache.hits, 2);
      assert.equal((await stat(warm.zipPath)).ino, (await stat(cold.zipPath)).ino);
    });

    it('writes a new zip when the deflate level changes', async () => {
      const six = await pack(fn);
      const nine = await pack(fn, { level: 9 });
      assert.equal(nine.reused, false);
      const stored = await pack(fn, { level: 0 });
      assert.equal(stored.reused, false);
      assert.ok(stored.zipBytes > six.zipBytes, 'level 0 stores');
    });

    it('writes a new zip when content changes, a file goes, or the zip is gone', async () => {
      const cold = await pack(fn);
      const earlier = new Date(Date.now() - 7_200_000); // a change settled before the package
      await writeFile(path.join(root!, 'lib/a.js'), 'changed');
      await utimes(path.join(root!, 'lib/a.js'), earlier, earlier);
      const changed = await pack(fn);
      assert.equal(changed.reused, false);
      assert.notEqual(changed.sha256Hex, cold.sha256Hex);
      assert.equal(changed.cache.hashedFiles, 1, 'unchanged files come from the cache');

      await rm(path.join(root!, 'lib/b.js'));
      const removed = await pack(fn);
      assert.equal(removed.reused, false);
      assert.equal(removed.fileCount, 2);

      await rm(removed.zipPath);
      const rebuilt = await pack(fn);
      assert.equal(rebuilt.reused, false);
      assert.equal(rebuilt.sha256Hex, removed.sha256Hex);
      assert.equal(rebuilt.cache.hashedFiles, 0);
    });

    it('reads a file changed just before the package every time, and keeps no hash of it', async () => {
      const a = path.join(root!, 'lib/a.js');
      const tick = new Date(); // now, within the racy window
      await writeFile(a, 'A'.repeat(5000));
      await utimes(a, tick, tick);
      const cold = await pack(fn);

      // Rewritten with the same size in the tick it was read in: the stamp is the one recorded.
      // b.js is touched too, so the package goes past the stamps to the hash cache.
      await writeFile(a, 'c'.repeat(5000));
      await utimes(a, tick, tick);
      const touched = new Date(Date.now() - 60_000);
      await utimes(path.join(root!, 'lib/b.js'), touched, touched);
      const warm = await pack(fn);
      assert.equal(warm.reused, false);
      assert.notEqual(warm.sha256Hex, cold.sha256Hex);
      assert.deepEqual(warm.cache, { hits: 1, hashedFiles: 2, hashedBytes: 10000 });
      const entry = (await readZip(warm.zipPath)).find((e) => e.name === 'lib/a.js');
      assert.equal(entry!.content.toString(), 'c'.repeat(5000));
    });
  });

  describe("Lambda's size limits", () => {
    it('refuses more than 250 MB unzipped before zipping, naming the largest files', async () => {
      await writeTree(root!, { 'index.js': '', 'models/small.bin': 'x' });
      // Sparse: the size counts, the disk is not used.
      const big = path.join(root!, 'models/huge.bin');
      await (await open(big, 'w')).close();
      await truncate(big, LAMBDA_PACKAGE_LIMITS.unzippedBytes + 1);
      await assert.rejects(pack(makeFunction({ handler: 'index.handler' })), (err: unknown) => {
        assert.ok(err instanceof PackageLimitError);
        assert.equal(err.details.limit, 'unzipped');
        assert.equal(err.details.largestFiles[0]!.path, 'models/huge.bin');
        assert.equal(err.details.largestFolders[0]!.path, 'models');
        assert.match(err.message, /"api" is too large.*250\.0 MB/s);
        assert.match(err.message, /models\/huge\.bin/);
        return true;
      });
      const workFiles = await readdir(path.join(cacheDir, 'packages', 'api'));
      assert.ok(!workFiles.includes('function.zip'), 'nothing was zipped');
    });

    it('refuses a zip over 50 MB, naming the largest files and folders', async () => {
      // Incompressible and stored as-is (.jpg), so writing them is quick.
      const chunk = 18 * 1024 * 1024;
      await writeTree(root!, {
        'index.js': '',
        'media/a.jpg': randomBytes(chunk),
        'media/b.jpg': randomBytes(chunk),
        'node_modules/big/c.jpg': randomBytes(chunk),
        'package.json': JSON.stringify({ dependencies: { big: '1' } }),
        'node_modules/big/package.json': '{}',
      });
      await assert.rejects(pack(makeFunction({ handler: 'index.handler' })), (err: unknown) => {
        assert.ok(err instanceof PackageLimitError);
        assert.equal(err.details.limit, 'zipped');
        assert.ok(err.details.bytes > LAMBDA_PACKAGE_LIMITS.zippedBytes);
        assert.deepEqual(
          err.details.largestFolders.map((f) => f.path),
          ['media', 'node_modules/big'],
        );
        assert.match(err.message, /50\.0 MB limit for a direct upload/);
        assert.match(err.message, /media\/a\.jpg/);
        return true;
      });
      const raised = await pack(makeFunction({ handler: 'index.handler' }), {
        limits: { zippedBytes: 100 * 1024 * 1024 },
      });
      assert.equal(raised.largest[0]!.bytes, chunk);
      assert.equal(raised.reused, true, 'the zip written before the check is kept for reuse');
    });
  });
});
