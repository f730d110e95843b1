import { strict as assert } from 'node:assert';
import { largestFiles, largestFolders } from '../../../src/core/build';

describe('largest files and folders', () => {
  const files = Array.from({ length: 3000 }, (_, i) => ({
    path: i % 3 === 0 ? `node_modules/@s/p${i % 7}/f${i}.js` : `src/d${i % 5}/f${i}.js`,
    size: (i * 7919) % 1000, // many ties, in no particular order
  }));

  it('lists the biggest files first, ties by path, as a full sort would', () => {
    const expected = [...files]
      .sort((a, b) => b.size - a.size || (a.path < b.path ? -1 : 1))
      .slice(0, 10)
      .map((f) => ({ path: f.path, bytes: f.size }));
    assert.deepEqual(largestFiles(files), expected);
    assert.deepEqual(largestFiles(files, 3), expected.slice(0, 3));
    assert.deepEqual(largestFiles([]), []);
  });

  it('sums folders by top-level folder and by node_modules package', () => {
    const sums = new Map<string, number>();
    for (const f of files) {
      const key = f.path.startsWith('node_modules/')
        ? f.path.split('/').slice(0, 3).join('/')
        : f.path.split('/')[0]!;
      sums.set(key, (sums.get(key) ?? 0) + f.size);
    }
    const expected = [...sums]
      .map(([path, bytes]) => ({ path, bytes }))
      .sort((a, b) => b.bytes - a.bytes || (a.path < b.path ? -1 : 1));
    assert.deepEqual(largestFolders(files, 100), expected);
  });
});
