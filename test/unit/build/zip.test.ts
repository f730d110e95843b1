import { strict as assert } from 'node:assert';
import { execFile, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmod,
  cp,
  open,
  readdir,
  readFile,
  rm,
  stat,
  truncate,
  utimes,
  writeFile,
} from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import {
  assertSafeEntryName,
  packageFunction,
  selectFiles,
  UnsafePathError,
  writeDeterministicZip,
} from '../../../src/core/build';
import { makeFunction, makeManifest, readZip, removeDir, tempDir, writeTree } from './helpers';

const run = promisify(execFile);

const TREE = {
  'src/handler.js': 'exports.handler = async () => ({ ok: true });\n',
  'src/lib/util.js': 'module.exports = (x) => x * 2;\n'.repeat(50),
  'src/Zeta.js': '// upper case sorts before lower case, byte-wise\n',
  'bin/tool': '#!/bin/sh\necho tool\n',
  bootstrap: '#!/bin/sh\nexec node src/handler.js\n',
  'assets/logo.png': randomBytes(4096),
  'data/blob.bin': randomBytes(3 * 1024 * 1024), // streamed, not read whole
  'empty.txt': '',
  'docs/naïve-日本.txt': 'names outside ASCII are stored as UTF-8\n',
  'package.json': JSON.stringify({ name: 'fixture', version: '1.0.0' }),
};

describe('deterministic zip', () => {
  let work: string | undefined;
  let root: string;

  beforeEach(async () => {
    work = await tempDir();
    root = path.join(work, 'project');
    await writeTree(root, TREE);
    await chmod(path.join(root, 'bin/tool'), 0o755);
    await chmod(path.join(root, 'bootstrap'), 0o644); // executable in the zip all the same
  });
  afterEach(() => removeDir(work));

  const pack = (projectRoot: string, cacheName: string) => {
    const fn = makeFunction();
    return packageFunction(makeManifest(projectRoot, [fn]), fn, {
      cacheDir: path.join(work!, cacheName),
    });
  };

  it('writes the same bytes on every run', async () => {
    const a = await pack(root, 'cache-a');
    const b = await pack(root, 'cache-b');
    assert.equal(a.reused, false);
    assert.equal(b.reused, false);
    assert.notEqual(a.zipPath, b.zipPath);
    assert.deepEqual(await readFile(a.zipPath), await readFile(b.zipPath));
  });

  it('reports the SHA-256 of the zip bytes as hex and as base64 (CodeSha256)', async () => {
    const result = await pack(root, 'cache');
    const digest = createHash('sha256')
      .update(await readFile(result.zipPath))
      .digest();
    assert.equal(result.sha256Hex, digest.toString('hex'));
    assert.equal(result.codeSha256, digest.toString('base64'));
    assert.equal(result.zipBytes, (await stat(result.zipPath)).size);
    assert.equal(result.fileCount, Object.keys(TREE).length);
  });

  it('gives the same bytes for a copy of the tree with other timestamps', async () => {
    const copy = path.join(work!, 'copy');
    await cp(root, copy, { recursive: true });
    let i = 0;
    for (const rel of Object.keys(TREE)) {
      const when = new Date(Date.UTC(2001, 2, 3, 4, 5, 6) + i++ * 86_400_123);
      await utimes(path.join(copy, rel), when, when);
    }
    const original = await pack(root, 'cache-a');
    const copied = await pack(copy, 'cache-b');
    assert.equal(copied.sha256Hex, original.sha256Hex);
    assert.deepEqual(await readFile(copied.zipPath), await readFile(original.zipPath));
  });

  it('gives the same bytes whatever the TZ of the process', async () => {
    const script = path.join(__dirname, 'fixtures', 'packageInChild.ts');
    const inChild = async (tz: string, cacheName: string) => {
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', script, root, path.join(work!, cacheName)],
        { env: { ...process.env, TZ: tz } },
      );
      return JSON.parse(stdout) as { sha256Hex: string; zipPath: string };
    };
    const [utc, tokyo] = await Promise.all([
      inChild('UTC', 'cache-utc'),
      inChild('Asia/Tokyo', 'cache-tokyo'),
    ]);
    const here = await pack(root, 'cache-here');
    assert.equal(utc.sha256Hex, tokyo.sha256Hex);
    assert.equal(here.sha256Hex, utc.sha256Hex);
    assert.deepEqual(await readFile(utc.zipPath), await readFile(tokyo.zipPath));
  });

  it('sorts entries byte-wise, fixes timestamps and normalises modes', async () => {
    const result = await pack(root, 'cache');
    const entries = await readZip(result.zipPath);
    const names = entries.map((e) => e.name);
    assert.deepEqual(
      names,
      [...Object.keys(TREE)].sort((a, b) => (a < b ? -1 : 1)),
    );
    assert.ok(
      names.every((n) => !n.endsWith('/')),
      'no folder entries',
    );
    // 1980-01-01 00:00:00 in DOS format.
    assert.ok(entries.every((e) => e.dosDate === 0x21 && e.dosTime === 0));
    const mode = (name: string) => entries.find((e) => e.name === name)!.mode;
    assert.equal(mode('bin/tool'), 0o755);
    assert.equal(mode('bootstrap'), 0o755);
    assert.equal(mode('src/handler.js'), 0o644);
    for (const e of entries) {
      const expected = TREE[e.name as keyof typeof TREE];
      assert.deepEqual(e.content, Buffer.from(expected), `content of ${e.name}`);
    }
  });

  it('stores already-compressed formats and deflates the rest', async () => {
    const entries = await readZip((await pack(root, 'cache')).zipPath);
    const method = (name: string) => entries.find((e) => e.name === name)!.compressionMethod;
    assert.equal(method('assets/logo.png'), 0);
    assert.equal(method('src/lib/util.js'), 8);
  });

  it('writes the same bytes whether files are compressed on worker threads or inline', async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 300; i++) many[`gen/m${i}.js`] = `module.exports = ${i};\n`.repeat(i % 40);
    await writeTree(root, many);
    const selection = await selectFiles(root, { include: [], exclude: [] }, { projectRoot: root });
    const inline = await writeDeterministicZip(selection.files, path.join(work!, 'inline.zip'), {
      workers: 0,
    });
    const threaded = await writeDeterministicZip(
      selection.files,
      path.join(work!, 'threaded.zip'),
      {
        workers: 2,
      },
    );
    assert.equal(threaded.sha256Hex, inline.sha256Hex);
    assert.deepEqual(threaded.fileHashes, inline.fileHashes);
    const entries = await readZip(threaded.zipPath);
    assert.equal(entries.length, selection.files.length);
    assert.deepEqual(
      entries.find((e) => e.name === 'gen/m7.js')!.content,
      Buffer.from(many['gen/m7.js']!),
    );
  });

  it('fails naming a file that vanished after it was chosen, leaving no zip', async () => {
    const selection = await selectFiles(root, { include: [], exclude: [] }, { projectRoot: root });
    await rm(path.join(root, 'src/lib/util.js'));
    for (const workers of [0, 1]) {
      const zipPath = path.join(work!, `gone-${workers}.zip`);
      await assert.rejects(
        writeDeterministicZip(selection.files, zipPath, { workers }),
        (err: unknown) => /Could not read .*util\.js.*ENOENT/s.test((err as Error).message),
      );
      assert.deepEqual(
        (await readdir(work!)).filter((f) => f.startsWith('gone')),
        [],
      );
    }
  });

  it('refuses absolute and ".." entry names', async () => {
    for (const bad of [
      '../x.js',
      '/etc/passwd',
      'a/../../b',
      'C:/win.ini',
      'a\\..\\b',
      'a//b',
      './a',
    ]) {
      assert.throws(() => assertSafeEntryName(bad), UnsafePathError, bad);
    }
    assert.doesNotThrow(() => assertSafeEntryName('a/b..c/d.js'));
    const zipPath = path.join(work!, 'out.zip');
    const file = path.join(root, 'src/handler.js');
    await assert.rejects(
      writeDeterministicZip(
        [{ path: '../escape.js', absPath: file, size: 10, mode: 0o644 }],
        zipPath,
      ),
      (err: unknown) => err instanceof UnsafePathError && /\.\.\/escape\.js/.test(err.message),
    );
    assert.deepEqual(await readdir(work!), ['project']);
  });

  it('leaves no zip or temporary file behind when aborted part-way', async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 200; i++)
      many[`gen/f${String(i).padStart(3, '0')}.txt`] = `file ${i}\n`.repeat(200);
    await writeTree(root, many);
    const fn = makeFunction();
    const controller = new AbortController();
    const cacheDir = path.join(work!, 'cache');

    await assert.rejects(
      packageFunction(makeManifest(root, [fn]), fn, {
        cacheDir,
        signal: controller.signal,
        onProgress: (p) => {
          // The first batch is written: stop part-way.
          if (p.phase === 'zip' && p.fraction! > 0 && p.fraction! < 1) {
            controller.abort(new Error('stopped by test'));
          }
        },
      }),
      /stopped by test/,
    );
    const left = await readdir(path.join(cacheDir, 'packages', fn.key));
    assert.deepEqual(
      left.filter((f) => f.endsWith('.zip') || f.endsWith('.tmp')),
      [],
    );
  });

  it('clears temporary files of a packaging process that was killed', async () => {
    const fn = makeFunction();
    const cacheDir = path.join(work!, 'cache');
    const workDir = path.join(cacheDir, 'packages', fn.key);
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    await writeTree(workDir, {
      [`function.zip.${dead}.0badc0de.tmp`]: 'half a zip',
      [`function.zip.${process.pid}.1badc0de.tmp`]: 'being written by this process',
    });
    await packageFunction(makeManifest(root, [fn]), fn, { cacheDir });
    const left = (await readdir(workDir)).filter((f) => f.endsWith('.tmp'));
    assert.deepEqual(left, [`function.zip.${process.pid}.1badc0de.tmp`]);
  });

  it('keeps memory bounded for a file far bigger than its buffers', async () => {
    // 128 MB, sparse: held whole it would add 128 MB to the resident set.
    const big = path.join(root, 'data/huge.dat');
    await (await open(big, 'w')).close();
    await truncate(big, 128 * 1024 * 1024);
    global.gc?.();
    const baseline = process.memoryUsage.rss();
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
    try {
      const out = await writeDeterministicZip(
        [{ path: 'data/huge.dat', absPath: big, size: 128 * 1024 * 1024, mode: 0o644 }],
        path.join(work!, 'huge.zip'),
      );
      assert.equal(out.fileHashes.size, 1);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage.rss());
    assert.ok(peak - baseline < 64 * 1024 * 1024, `grew by ${(peak - baseline) >> 20} MB`);
  });

  it('writes large files through without holding them whole', async () => {
    const big = randomBytes(5 * 1024 * 1024);
    await writeFile(path.join(root, 'data/blob.bin'), big);
    const entries = await readZip((await pack(root, 'cache')).zipPath);
    assert.deepEqual(entries.find((e) => e.name === 'data/blob.bin')!.content, big);
  });
});
