import { strict as assert } from 'node:assert';
import { mkdir, realpath, symlink } from 'node:fs/promises';
import * as path from 'node:path';
import { isLikelySecret, selectFiles, UnsafePathError } from '../../../src/core/build';
import { owningPackage } from '../../../src/core/build/productionDeps';
import type { PackageSpec } from '../../../src/core/manifest/types';
import { removeDir, tempDir, writeTree } from './helpers';

const pkg = (name: string, deps: Record<string, string> = {}, extra: object = {}) =>
  JSON.stringify({ name, version: '1.0.0', dependencies: deps, ...extra });

describe('selectFiles', () => {
  let root: string | undefined;
  const select = (spec: Partial<PackageSpec> = {}, base = root!) =>
    selectFiles(base, { include: [], exclude: [], ...spec }, { projectRoot: root! });
  const paths = async (spec: Partial<PackageSpec> = {}) =>
    (await select(spec)).files.map((f) => f.path);

  beforeEach(async () => {
    root = await tempDir();
  });
  afterEach(() => removeDir(root));

  it('takes every file by default, sorted, and never .git, .flourish or node_modules/.cache', async () => {
    await writeTree(root!, {
      'b.js': '',
      'a/c.js': '',
      '.git/HEAD': 'ref',
      '.flourish/cache/x': '',
      '.flourish/events/e.json': '{}',
      'node_modules/.cache/esbuild/x': '',
      'node_modules/.bin/tool': '',
      'sub/.git/config': '',
      'submodule/.git': 'gitdir: ../.git/modules/submodule',
      'submodule/.DS_Store': '',
      'package.json': pkg('app'),
    });
    assert.deepEqual(await paths(), ['a/c.js', 'b.js', 'package.json']);
  });

  it('applies include and exclude globs, an excluded folder taking everything in it', async () => {
    await writeTree(root!, {
      'src/a.js': '',
      'src/a.test.js': '',
      'src/deep/b.js': '',
      'test/t.js': '',
      'README.md': '',
      'docs/x.md': '',
    });
    assert.deepEqual(await paths({ include: ['src/**', '*.md'] }), [
      'README.md',
      'src/a.js',
      'src/a.test.js',
      'src/deep/b.js',
    ]);
    assert.deepEqual(await paths({ exclude: ['**/*.test.js', 'test/**', 'docs'] }), [
      'README.md',
      'src/a.js',
      'src/deep/b.js',
    ]);
  });

  it('keeps only production dependencies, resolved transitively like Node', async () => {
    await writeTree(root!, {
      'package.json': pkg('app', { a: '1', '@s/b': '1' }, { devDependencies: { dev: '1' } }),
      'node_modules/a/package.json': pkg('a', { c: '1' }),
      'node_modules/a/index.js': '',
      // a's own copy of c wins over the top-level one, which nobody else needs.
      'node_modules/a/node_modules/c/package.json': pkg('c'),
      'node_modules/a/node_modules/c/index.js': '',
      'node_modules/c/package.json': pkg('c'),
      'node_modules/@s/b/package.json': pkg('@s/b', { d: '1' }),
      'node_modules/@s/b/lib/b.js': '',
      'node_modules/d/package.json': pkg('d'),
      'node_modules/dev/package.json': pkg('dev', { devdep: '1' }),
      'node_modules/dev/index.js': '',
      'node_modules/devdep/package.json': pkg('devdep'),
      'node_modules/.package-lock.json': '{}',
      'index.js': '',
    });
    const files = await paths();
    assert.deepEqual(files, [
      'index.js',
      'node_modules/@s/b/lib/b.js',
      'node_modules/@s/b/package.json',
      'node_modules/a/index.js',
      'node_modules/a/node_modules/c/index.js',
      'node_modules/a/node_modules/c/package.json',
      'node_modules/a/package.json',
      'node_modules/d/package.json',
      'package.json',
    ]);
  });

  it('finds the package owning a path under node_modules', () => {
    const cases: [string, string | undefined][] = [
      ['node_modules/a/lib/x.js', 'node_modules/a'],
      ['node_modules/@s/b/c.js', 'node_modules/@s/b'],
      ['node_modules/@s', undefined],
      ['node_modules', undefined],
      ['node_modules/a/node_modules/c/i.js', 'node_modules/a/node_modules/c'],
      ['node_modules/@s/b/node_modules/@t/c/d.js', 'node_modules/@s/b/node_modules/@t/c'],
      ['node_modules/a/not_node_modules/b.js', 'node_modules/a'],
      ['src/x.js', undefined],
    ];
    for (const [rel, owner] of cases) assert.equal(owningPackage(rel), owner, rel);
  });

  it('warns about a production dependency that is not installed', async () => {
    await writeTree(root!, {
      'package.json': pkg(
        'app',
        { present: '1', absent: '1' },
        { optionalDependencies: { opt: '1' } },
      ),
      'node_modules/present/package.json': pkg('present'),
    });
    const { warnings } = await select();
    assert.deepEqual(
      warnings.map((w) => w.code),
      ['missing-dependency'],
    );
    assert.match(warnings[0]!.message, /"absent".*npm install/);
  });

  it('refuses a symlink that leaves the project, naming the link and its target', async () => {
    const outside = await tempDir('flourish-outside-');
    try {
      await writeTree(outside, { 'secret.txt': 'x' });
      await writeTree(root!, { 'index.js': '' });
      await symlink(path.join(outside, 'secret.txt'), path.join(root!, 'leak.txt'));
      await assert.rejects(select(), (err: unknown) => {
        assert.ok(err instanceof UnsafePathError);
        assert.equal(err.details.path, 'leak.txt');
        assert.match(err.message, /"leak\.txt"/);
        return true;
      });
      const target = path.join(await realpath(outside), 'secret.txt');
      await assert.rejects(select(), (err: unknown) => {
        assert.ok(err instanceof UnsafePathError);
        assert.equal(err.details.target, target);
        assert.ok(err.message.includes(target), err.message);
        return true;
      });
      // A directory link leaving the project is refused too, but not when it is excluded.
      await symlink(outside, path.join(root!, 'shared'));
      await assert.rejects(select({ exclude: ['leak.txt'] }), /Symlink "shared"/);
      assert.deepEqual(
        (await select({ exclude: ['leak.txt', 'shared'] })).files.map((f) => f.path),
        ['index.js'],
      );
    } finally {
      await removeDir(outside);
    }
  });

  it('follows symlinks that stay inside the project and skips cycles', async () => {
    await writeTree(root!, { 'lib/real.js': 'x', 'index.js': '' });
    await symlink('lib/real.js', path.join(root!, 'alias.js'));
    await symlink('..', path.join(root!, 'lib/up'));
    const selection = await select();
    assert.deepEqual(
      selection.files.map((f) => f.path),
      ['alias.js', 'index.js', 'lib/real.js'],
    );
    assert.equal(selection.files[0]!.absPath, path.join(await realpath(root!), 'lib/real.js'));
    assert.deepEqual(
      selection.warnings.map((w) => w.code),
      ['symlink-cycle'],
    );
  });

  it('warns about likely secrets unless an include pattern names them', async () => {
    await writeTree(root!, {
      '.env': 'TOKEN=1',
      '.env.example': 'TOKEN=',
      'certs/server.pem': '',
      'keys/id_rsa': '',
      'keys/id_rsa.pub': '',
      'aws/credentials': '',
      'index.js': '',
      'node_modules/x/test/fixture.key': '',
    });
    const flagged = (await select()).warnings.filter((w) => w.code === 'likely-secret');
    assert.deepEqual(flagged.map((w) => w.path).sort(), [
      '.env',
      'aws/credentials',
      'certs/server.pem',
      'keys/id_rsa',
    ]);
    const onPurpose = await select({ include: ['**', 'certs/*.pem', '.env'] });
    assert.deepEqual(onPurpose.warnings.map((w) => w.path).sort(), [
      'aws/credentials',
      'keys/id_rsa',
    ]);
    assert.ok(isLikelySecret('.env.production') && !isLikelySecret('env.js'));
  });

  it('reads a build output folder and excludes given absolute folders', async () => {
    await writeTree(root!, { 'dist/index.js': '', 'dist/cache/x': '', 'src/index.ts': '' });
    await mkdir(path.join(root!, 'dist', 'empty'));
    const selection = await selectFiles(
      path.join(root!, 'dist'),
      { include: [], exclude: [] },
      { projectRoot: root!, excludeAbsolute: [path.join(root!, 'dist', 'cache')] },
    );
    assert.deepEqual(
      selection.files.map((f) => f.path),
      ['index.js'],
    );
  });
});
