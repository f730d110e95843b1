import { strict as assert } from 'node:assert';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parseManifest, type ManifestParseCache } from '../../src/core/manifest';
import { ManifestCache } from '../../src/server/manifestCache';

const text = (memory: number) =>
  'service: shop\nfunctions:\n' +
  ['a', 'b', 'c']
    .map(
      (f) =>
        `  ${f}:\n    handler: src/${f}.handler\n    runtime: nodejs22.x\n    memory: ${memory}\n`,
    )
    .join('');

describe('server: manifest cache', () => {
  it('parses each version once, incrementally from the previous one, and restarts on reopen', () => {
    const states: ManifestParseCache[] = [];
    const cache = new ManifestCache((doc, state) => {
      states.push(state);
      return parseManifest(doc.getText(), { file: '/project/flourish.yaml', cache: state });
    });
    const doc = TextDocument.create('file:///project/flourish.yaml', 'flourish-yaml', 1, text(128));
    const first = cache.get(doc);
    assert.equal(cache.get(doc), first, 'same version: same parse');

    TextDocument.update(doc, [{ text: text(256) }], 2);
    const second = cache.get(doc);
    assert.notEqual(second, first);
    assert.equal(states.length, 2);
    assert.equal(states[1], states[0], 'one parse state per open document');
    assert.equal(states[1]!.lastParse, 'incremental', 'even a small manifest is cut');
    assert.equal(second.manifest?.functions[0]?.memory, 256);

    const reopened = TextDocument.create(doc.uri, 'flourish-yaml', 2, text(512));
    assert.equal(cache.get(reopened).manifest?.functions[0]?.memory, 512);
    assert.notEqual(states[2], states[0], 'a reopened document starts a new state');
  });
});
