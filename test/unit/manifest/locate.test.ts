import assert from 'node:assert/strict';
import { parse, textAt, yaml } from './helpers';

const TEXT = yaml`
  service: shop
  functions:
    hello:
      handler: src/hello.handler
      memory: 256
      events:
        - http: GET /hello
        - schedule: { expression: rate(1 day) }
    empty:
`;

/** The offset of `needle` in TEXT, plus `delta`. */
function at(needle: string, delta = 0, text = TEXT): number {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  return i + delta;
}

describe('manifest locations', () => {
  const doc = parse(TEXT);

  it('finds the range of a key or value by path', () => {
    assert.equal(textAt(TEXT, doc.rangeOf(['functions', 'hello', 'memory'])!), '256');
    assert.equal(textAt(TEXT, doc.rangeOf(['functions', 'hello', 'memory'], 'key')!), 'memory');
    assert.equal(
      textAt(TEXT, doc.rangeOf(['functions', 'hello', 'events', 0, 'http'])!),
      'GET /hello',
    );
    assert.equal(
      textAt(TEXT, doc.rangeOf(['functions', 'hello', 'events', 1, 'schedule', 'expression'])!),
      'rate(1 day)',
    );
    assert.equal(textAt(TEXT, doc.rangeOf(['functions', 'hello'], 'key')!), 'hello');
  });

  it("answers with the key's range when the value is empty, and undefined for unknown paths", () => {
    assert.equal(textAt(TEXT, doc.rangeOf(['functions', 'empty'])!), 'empty');
    assert.equal(doc.rangeOf(['functions', 'nope']), undefined);
    assert.equal(doc.rangeOf(['functions', 'hello', 'events', 5]), undefined);
    assert.equal(doc.rangeOf(['service', 'x']), undefined);
  });

  it('finds the path at an offset on keys and values', () => {
    assert.deepEqual(doc.pathAt(at('memory', 2)), {
      path: ['functions', 'hello', 'memory'],
      part: 'key',
    });
    assert.deepEqual(doc.pathAt(at('256', 1)), {
      path: ['functions', 'hello', 'memory'],
      part: 'value',
    });
    assert.deepEqual(doc.pathAt(at('GET /hello', 4)), {
      path: ['functions', 'hello', 'events', 0, 'http'],
      part: 'value',
    });
    assert.deepEqual(doc.pathAt(at('rate(1 day)')), {
      path: ['functions', 'hello', 'events', 1, 'schedule', 'expression'],
      part: 'value',
    });
    // The end of a word counts, where completion is asked for.
    assert.deepEqual(doc.pathAt(at('handler:', 'handler'.length)), {
      path: ['functions', 'hello', 'handler'],
      part: 'key',
    });
  });

  it('finds where a new key goes on a blank line, from its indentation', () => {
    const text = 'service: shop\nfunctions:\n  hello:\n    handler: x\n    \ndefaults:\n  \n';
    const d = parse(text);
    assert.deepEqual(d.pathAt(at('    \n', 4, text)), {
      path: ['functions', 'hello', ''],
      part: 'key',
    });
    const defaultsLine = text.indexOf('defaults:\n') + 'defaults:\n'.length;
    assert.deepEqual(d.pathAt(defaultsLine + 2), { path: ['defaults', ''], part: 'key' });
    const top = 'service: shop\n\n';
    assert.deepEqual(parse(top).pathAt(top.length - 1), { path: [''], part: 'key' });
  });

  it('finds the value position after `key: ` with nothing typed yet', () => {
    const text = 'service: shop\nfunctions:\n  hello:\n    runtime: \n';
    const d = parse(text);
    assert.deepEqual(d.pathAt(at('runtime: ', 'runtime: '.length, text)), {
      path: ['functions', 'hello', 'runtime'],
      part: 'value',
    });
  });

  it('finds a sibling key inside a list item', () => {
    const text = 'service: s\nfunctions:\n  f:\n    events:\n      - http: GET /a\n        \n';
    const d = parse(text);
    assert.deepEqual(d.pathAt(text.length - 1), {
      path: ['functions', 'f', 'events', 0, ''],
      part: 'key',
    });
  });

  it('treats a list item being typed where a map is expected as a key', () => {
    const at = (text: string) => parse(text).pathAt(text.length);
    const events = 'service: s\nfunctions:\n  f:\n    events:\n      - ';
    assert.deepEqual(at(events + 'ht'), {
      path: ['functions', 'f', 'events', 0, 'ht'],
      part: 'key',
    });
    assert.deepEqual(at(events), { path: ['functions', 'f', 'events', 0, ''], part: 'key' });
    assert.deepEqual(at(events + 'http: { meth'), {
      path: ['functions', 'f', 'events', 0, 'http', 'meth'],
      part: 'key',
    });
    // A list of strings stays a value.
    const globs = 'service: s\nfunctions:\n  f:\n    package:\n      include:\n        - src';
    assert.deepEqual(at(globs), {
      path: ['functions', 'f', 'package', 'include', 0],
      part: 'value',
    });
    assert.deepEqual(at('service: s\nfunctions:\n  f:\n    runtime: nod'), {
      path: ['functions', 'f', 'runtime'],
      part: 'value',
    });
  });

  it('answers undefined outside the text', () => {
    assert.equal(doc.pathAt(-1), undefined);
    assert.equal(doc.pathAt(TEXT.length + 1), undefined);
  });
});
