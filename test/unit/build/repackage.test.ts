import { strict as assert } from 'node:assert';
import { chmod, readFile, rename, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { packageFunction, selectFiles } from '../../../src/core/build';
import { FolderCache } from '../../../src/core/build/folderCache';
import { TreeSnapshot } from '../../../src/core/build/treeSnapshot';
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

const pkg = (name: string, deps: Record<string, string> = {}) =>
  JSON.stringify({ name, version: '1.0.0', dependencies: deps });

// Repackaging after a change: folder listings and the dependency resolution come from the
// cache while nothing they were read from changed, and every kind of change is still noticed.
describe('repackaging with cached folder listings', () => {
  let root: string | undefined;
  let cacheDir: string;
  const fn: FunctionSpec = makeFunction({ handler: 'index.handler' });
  const pack = () => packageFunction(makeManifest(root!, [fn]), fn, { cacheDir });
  const names = async (zipPath: string) => (await readZip(zipPath)).map((e) => e.name);

  beforeEach(async () => {
    root = await tempDir();
    cacheDir = path.join(root, '.flourish', 'cache');
    await writeTree(root, {
      'package.json': pkg('app', { dep: '1' }),
      'index.js': 'exports.handler = async () => 1;',
      'lib/a.js': 'a'.repeat(5000),
      'lib/b.js': 'b'.repeat(5000),
      'node_modules/dep/package.json': pkg('dep'),
      'node_modules/dep/index.js': 'module.exports = 1;',
      'node_modules/other/package.json': pkg('other'),
      'node_modules/other/index.js': 'module.exports = 2;',
    });
    await backdate(root);
  });
  afterEach(() => removeDir(root));

  /** The folder cache as the last package left it. */
  const folders = () => FolderCache.load(path.join(cacheDir, 'packages', 'api', 'folders.json'));
  const select = async (cache: FolderCache) =>
    (
      await selectFiles(root!, fn.package, {
        projectRoot: root!,
        excludeAbsolute: [cacheDir],
        folders: cache,
      })
    ).files.map((f) => f.path);

  it('replays a folder whose mtime is unchanged instead of reading it', async () => {
    await pack();
    // A file slipped in while the folder's mtime was put back: only a cached listing misses it.
    const lib = path.join(root!, 'lib');
    const before = await stat(lib);
    await writeFile(path.join(lib, 'c.js'), 'c');
    await utimes(lib, before.atime, before.mtime);
    const cache = await folders();
    assert.ok(!(await select(cache)).includes('lib/c.js'), 'the listing came from the cache');
    assert.ok((await select(await FolderCache.load('/nonexistent'))).includes('lib/c.js'));
  });

  it('does not trust a listing read just after its folder changed', async () => {
    await pack();
    const lib = path.join(root!, 'lib');
    await writeFile(path.join(lib, 'c.js'), 'c'); // lib changed now, within the racy window
    await pack();
    const now = await stat(lib);
    await writeFile(path.join(lib, 'd.js'), 'd');
    await utimes(lib, now.atime, now.mtime); // same mtime as when it was read
    const result = await pack();
    assert.ok((await names(result.zipPath)).includes('lib/d.js'), 'lib was read again');
  });

  // A file rewritten with the same size within the timestamp tick it was read in keeps its
  // stamp; these tests put the mtime back by hand to stand for such a tick.
  it('does not trust the stamp of a file changed just before the package', async () => {
    const file = path.join(root!, 'lib/a.js');
    const tick = new Date(); // now, within the racy window
    await writeFile(file, 'A'.repeat(5000));
    await utimes(file, tick, tick);
    const first = await pack();
    const recorded = (await stat(file)).mtimeMs;
    assert.equal(
      TreeSnapshot.load(path.join(cacheDir, 'packages', 'api', 'tree.bin')),
      undefined,
      'no tree is recorded for the unchanged-repackage shortcut',
    );

    await writeFile(file, 'c'.repeat(5000)); // same size
    await utimes(file, tick, tick);
    assert.equal((await stat(file)).mtimeMs, recorded, 'the stamp is the one recorded');
    const second = await pack();
    assert.equal(second.reused, false);
    assert.notEqual(second.sha256Hex, first.sha256Hex);
    const entry = (await readZip(second.zipPath)).find((e) => e.name === 'lib/a.js');
    assert.equal(entry!.content.toString(), 'c'.repeat(5000));
  });

  it('trusts the stamp of a file last changed well before the package', async () => {
    const file = path.join(root!, 'lib/a.js');
    const tick = new Date(Date.now() - 3_600_000); // beyond the racy window
    await writeFile(file, 'A'.repeat(5000));
    await utimes(file, tick, tick);
    const first = await pack();

    // The same rewrite as above, but a stamp this old is trusted: nothing is read. (A write
    // after the package moves the mtime past the window, so only a hand-set mtime gets here.)
    await writeFile(file, 'c'.repeat(5000));
    await utimes(file, tick, tick);
    const second = await pack();
    assert.equal(second.reused, true);
    assert.equal(second.sha256Hex, first.sha256Hex);
    assert.deepEqual(second.cache, { hits: first.fileCount, hashedFiles: 0, hashedBytes: 0 });
  });

  it('notices added, removed and renamed files', async () => {
    const cold = await pack();
    await writeFile(path.join(root!, 'lib/c.js'), 'c');
    const added = await pack();
    assert.equal(added.reused, false);
    assert.deepEqual(await names(added.zipPath), [
      'index.js',
      'lib/a.js',
      'lib/b.js',
      'lib/c.js',
      'node_modules/dep/index.js',
      'node_modules/dep/package.json',
      'package.json',
    ]);

    await rm(path.join(root!, 'lib/c.js'));
    const removed = await pack();
    assert.equal(removed.reused, false);
    assert.equal(removed.sha256Hex, cold.sha256Hex, 'back to the first package, byte for byte');

    await rename(path.join(root!, 'lib/b.js'), path.join(root!, 'lib/z.js'));
    const renamed = await pack();
    assert.equal(renamed.reused, false);
    assert.ok((await names(renamed.zipPath)).includes('lib/z.js'));
    assert.ok(!(await names(renamed.zipPath)).includes('lib/b.js'));
  });

  it('repacks a file changed to the same size with a new mtime', async () => {
    const cold = await pack();
    const file = path.join(root!, 'node_modules/dep/index.js');
    await writeFile(file, 'module.exports = 3;'); // same length
    const changed = await pack();
    assert.equal(changed.reused, false);
    assert.notEqual(changed.sha256Hex, cold.sha256Hex);
    const entry = (await readZip(changed.zipPath)).find(
      (e) => e.name === 'node_modules/dep/index.js',
    );
    assert.equal(entry!.content.toString(), 'module.exports = 3;');
    assert.equal(changed.cache.hashedFiles, 1);
  });

  it('notices a mode change', async () => {
    const cold = await pack();
    await chmod(path.join(root!, 'lib/a.js'), 0o755);
    const changed = await pack();
    assert.equal(changed.reused, false);
    assert.notEqual(changed.sha256Hex, cold.sha256Hex);
    const entry = (await readZip(changed.zipPath)).find((e) => e.name === 'lib/a.js');
    assert.equal(entry!.mode, 0o755);
  });

  it('resolves dependencies again when a package.json or node_modules changes', async () => {
    await pack();
    // `other` is installed already; naming it in package.json takes it in.
    await writeFile(path.join(root!, 'package.json'), pkg('app', { dep: '1', other: '1' }));
    const named = await pack();
    assert.ok((await names(named.zipPath)).includes('node_modules/other/index.js'));

    // A dependency of a dependency installed later, where Node would find it.
    await writeFile(path.join(root!, 'node_modules/dep/package.json'), pkg('dep', { leaf: '1' }));
    const missing = await pack();
    assert.ok(missing.warnings.some((w) => w.code === 'missing-dependency'));
    await writeTree(root!, {
      'node_modules/dep/node_modules/leaf/package.json': pkg('leaf'),
      'node_modules/dep/node_modules/leaf/index.js': '',
    });
    const installed = await pack();
    assert.ok(!installed.warnings.some((w) => w.code === 'missing-dependency'));
    assert.ok(
      (await names(installed.zipPath)).includes('node_modules/dep/node_modules/leaf/index.js'),
    );
  });

  it('reuses the zip with the largest files it recorded when nothing changed', async () => {
    const cold = await pack();
    const warm = await pack();
    assert.equal(warm.reused, true);
    assert.deepEqual(warm.largest, cold.largest);
    assert.deepEqual(warm.largestFolders, cold.largestFolders);
    assert.deepEqual(warm.warnings, cold.warnings);
  });
});

// An unchanged repackage checks the tree recorded with the last package (every folder's mtime
// and inode, every file's size, mtime and mode) instead of walking it; any difference falls back
// to the walk, and the result is the same either way.
describe('repackaging from the recorded tree', () => {
  let root: string | undefined;
  // Outside the project: a cache inside it changes the project folder as it is first made.
  let cacheDir: string | undefined;
  const fn: FunctionSpec = makeFunction({ handler: 'index.handler' });
  const pack = (f: FunctionSpec = fn, level?: number) =>
    packageFunction(makeManifest(root!, [f]), f, { cacheDir, level });
  const treeFile = () => path.join(cacheDir!, 'packages', 'api', 'tree.bin');
  const load = () => TreeSnapshot.load(treeFile());

  beforeEach(async () => {
    root = await tempDir();
    cacheDir = await tempDir('flourish-cache-');
    await writeTree(root, {
      'package.json': pkg('app', { dep: '1', absent: '1' }),
      'index.js': 'exports.handler = async () => 1;',
      '.env': 'SECRET=1',
      'lib/a.js': 'a'.repeat(5000),
      'lib/deep/b.js': 'b',
      'node_modules/dep/package.json': pkg('dep'),
      'node_modules/dep/index.js': 'module.exports = 1;',
      'node_modules/dev/package.json': pkg('dev'),
    });
    await backdate(root);
  });
  afterEach(async () => {
    await removeDir(root);
    await removeDir(cacheDir);
  });

  /** How many times a package walked the tree (loaded the folder listings to walk with). */
  let walks = 0;
  const loadListings = FolderCache.load.bind(FolderCache);
  beforeEach(() => {
    walks = 0;
    FolderCache.load = (file) => {
      walks++;
      return loadListings(file);
    };
  });
  afterEach(() => {
    FolderCache.load = loadListings;
  });

  it('gives what a full walk gives, warnings included, without walking', async () => {
    const cold = await pack();
    const tree = load();
    assert.ok(tree, 'a tree was recorded');
    assert.equal(await tree.holds(), true);
    const fast = await pack();
    assert.equal(walks, 1, 'only the first package walked');
    await rm(treeFile());
    const walked = await pack();
    assert.equal(fast.reused, true);
    assert.equal(walked.reused, true);
    assert.deepEqual({ ...fast, cache: undefined }, { ...walked, cache: undefined });
    assert.deepEqual(fast.cache, { hits: cold.fileCount, hashedFiles: 0, hashedBytes: 0 });
    assert.deepEqual(
      fast.warnings.map((w) => w.code),
      ['likely-secret', 'missing-dependency'],
    );
    assert.equal(fast.unzippedBytes, cold.unzippedBytes);
    assert.equal(fast.fileCount, cold.fileCount);
  });

  it('keeps the handler check on the shortcut', async () => {
    const other = makeFunction({ handler: 'lib/deep/b.handler' });
    const missing = makeFunction({ handler: 'nowhere.handler' });
    await pack();
    assert.ok(!(await pack(other)).warnings.some((w) => w.code === 'handler-missing'));
    assert.equal(load()!.hasFile(root!, 'lib/deep/b.js'), true);
    assert.equal(load()!.hasFile(root!, 'lib/b.js'), false);
    const warned = await pack(missing);
    assert.equal(warned.reused, true);
    assert.equal(warned.warnings[0]!.code, 'handler-missing');
    assert.equal(walks, 1, 'the other handlers were checked against the recorded tree');
  });

  const changes: [string, () => Promise<unknown>][] = [
    ['an added file', () => writeFile(path.join(root!, 'lib/deep/c.js'), 'c')],
    ['a removed file', () => rm(path.join(root!, 'lib/deep/b.js'))],
    ['a renamed file', () => rename(path.join(root!, 'lib/a.js'), path.join(root!, 'lib/z.js'))],
    ['a new size', () => writeFile(path.join(root!, 'lib/a.js'), 'a')],
    [
      'a new mtime at the same size',
      () => utimes(path.join(root!, 'lib/deep/b.js'), new Date(), new Date()),
    ],
    ['a mode change', () => chmod(path.join(root!, 'lib/a.js'), 0o755)],
    ['a removed folder', () => rm(path.join(root!, 'lib/deep'), { recursive: true })],
    [
      'a folder replaced by another with the same mtimes',
      async () => {
        // Only the inode tells: lib and lib/deep get their old mtimes back, b.js its own.
        const lib = path.join(root!, 'lib');
        const deep = path.join(lib, 'deep');
        const [libStat, deepStat, bStat] = await Promise.all(
          [lib, deep, path.join(deep, 'b.js')].map((p) => stat(p)),
        );
        await rename(deep, path.join(root!, 'old-deep'));
        await writeTree(root!, { 'lib/deep/b.js': 'b' });
        await rm(path.join(root!, 'old-deep'), { recursive: true });
        await utimes(path.join(deep, 'b.js'), bStat.atime, bStat.mtime);
        await utimes(deep, deepStat.atime, deepStat.mtime);
        await utimes(lib, libStat.atime, libStat.mtime);
        await utimes(root!, libStat.atime, libStat.mtime);
      },
    ],
    [
      'a folder replaced by a file',
      async () => {
        await rm(path.join(root!, 'lib/deep'), { recursive: true });
        await writeFile(path.join(root!, 'lib/deep'), 'now a file');
      },
    ],
    [
      'a dependency named in package.json',
      () => writeFile(path.join(root!, 'package.json'), pkg('app', { dep: '1', dev: '1' })),
    ],
    [
      'a dependency installed',
      () =>
        writeTree(root!, {
          'node_modules/absent/package.json': pkg('absent'),
          'node_modules/absent/index.js': '',
        }),
    ],
  ];
  for (const [what, change] of changes) {
    it(`walks again after ${what}`, async () => {
      await pack();
      const tree = load()!;
      await change();
      assert.equal(await tree.holds(), false, 'the tree no longer holds');
      const after = await pack();
      assert.equal(walks, 2, 'the second package walked');
      await rm(treeFile(), { force: true });
      await rm(path.join(cacheDir!, 'packages', 'api', 'state.json'));
      const fresh = await pack();
      assert.equal(fresh.reused, false);
      assert.equal(after.sha256Hex, fresh.sha256Hex, 'the same zip as a package from scratch');
      assert.deepEqual(after.warnings, fresh.warnings);
    });
  }

  it('does not take the shortcut for other patterns or another level', async () => {
    const first = await pack();
    const excluding = makeFunction({
      handler: 'index.handler',
      package: { include: [], exclude: ['lib/**'] },
    });
    const narrower = await pack(excluding);
    assert.equal(narrower.reused, false);
    assert.ok(narrower.fileCount < first.fileCount);
    const back = await pack();
    assert.equal(back.fileCount, first.fileCount);
    const stored = await pack(fn, 0);
    assert.equal(stored.reused, false);
    assert.notEqual(stored.zipBytes, first.zipBytes);
  });

  it('records no tree when a folder changed just before the walk or holds a symlink', async () => {
    await writeFile(path.join(root!, 'lib/deep/c.js'), 'c'); // lib/deep changed now
    await pack();
    assert.equal(load(), undefined);
    await backdate(root!);
    await pack();
    assert.ok(load());
    await symlink(path.join(root!, 'lib/a.js'), path.join(root!, 'lib/link.js'));
    await backdate(root!);
    const linked = await pack();
    assert.equal(load(), undefined);
    assert.equal((await pack()).sha256Hex, linked.sha256Hex);
  });

  it('walks when the recorded tree is damaged or from elsewhere', async () => {
    const cold = await pack();
    const bytes = await readFile(treeFile());
    await writeFile(treeFile(), bytes.subarray(0, bytes.length - 8));
    assert.equal(load(), undefined);
    const warm = await pack();
    assert.equal(warm.reused, true);
    assert.equal(warm.sha256Hex, cold.sha256Hex);
    assert.ok(load(), 'recorded again');
  });
});
