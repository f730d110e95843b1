// Function URL mapping without a cloud: the payload 2.0 event from raw request parts, and
// Lambda's rules for turning a result into the HTTP response.
import assert from 'node:assert/strict';
import { buildUrlEvent, clfTime, isTextContent } from '../../src/core/local/urls/event';
import { mapUrlResult } from '../../src/core/local/urls/response';

const base = {
  method: 'PUT',
  rawPath: '/a%20b/c',
  rawQuery: '',
  body: Buffer.alloc(0),
  sourceIp: '127.0.0.1',
  urlId: 'x'.repeat(32),
  domainName: '127.0.0.1:9000',
  requestId: '11111111-2222-3333-4444-555555555555',
  now: Date.UTC(2026, 2, 5, 7, 8, 9),
};

describe('local cloud: function URL mapping', () => {
  it('joins repeated headers with commas, lower-cases names, and leaves out what is absent', () => {
    const event = buildUrlEvent({
      ...base,
      rawHeaders: [
        'X-Multi',
        'one',
        'x-multi',
        'two',
        'Content-Type',
        'text/plain',
        'Cookie',
        'a=1',
      ],
      body: Buffer.from('héllo'),
    });
    const headers = event.headers as Record<string, string>;
    assert.equal(headers['x-multi'], 'one,two');
    assert.equal(headers['content-type'], 'text/plain');
    assert.deepEqual(event.cookies, ['a=1']);
    assert.equal(event.queryStringParameters, undefined);
    assert.equal(event.rawPath, '/a%20b/c');
    assert.equal((event.requestContext as { http: { path: string } }).http.path, '/a b/c');
    assert.equal(event.body, 'héllo');
    assert.equal(event.isBase64Encoded, false);
    assert.equal((event.requestContext as { time: string }).time, '05/Mar/2026:07:08:09 +0000');
    assert.equal(clfTime(Date.UTC(2026, 11, 31, 23, 59, 59)), '31/Dec/2026:23:59:59 +0000');
  });

  it('treats JSON, XML, JavaScript and text as text, the rest as binary', () => {
    for (const type of [
      'application/json',
      'application/problem+json; charset=utf-8',
      'text/csv',
      'application/xml',
      'application/javascript',
    ]) {
      assert.equal(isTextContent(type), true, type);
    }
    for (const type of [
      'application/octet-stream',
      'image/png',
      'application/x-www-form-urlencoded',
      undefined,
    ]) {
      assert.equal(isTextContent(type), false, String(type));
    }
  });

  it('maps results as Lambda does', () => {
    const of = (value: unknown) => mapUrlResult(Buffer.from(JSON.stringify(value)));
    const plain = of({ ok: true });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-type'], 'application/json');
    assert.equal(plain.body.toString(), '{"ok":true}');
    assert.equal(of([1, 2]).body.toString(), '[1,2]');
    assert.equal(of(null).status, 200);

    const shaped = of({ statusCode: 404, headers: { 'X-N': 5 }, body: { message: 'no' } });
    assert.equal(shaped.status, 404);
    assert.equal(shaped.headers['x-n'], '5');
    assert.equal(shaped.body.toString(), '{"message":"no"}', 'a non-string body is sent as JSON');
    assert.equal(of({ statusCode: 204 }).body.length, 0);
    assert.equal(of({ statusCode: '201', body: 'x' }).status, 201);

    assert.equal(of({ statusCode: 'nope' }).status, 502);
    assert.equal(of({ statusCode: 200, headers: { a: { b: 1 } } }).status, 502);
    assert.equal(of({ statusCode: 200, cookies: 'a=1' }).status, 502);
    assert.equal(mapUrlResult(Buffer.from('not json')).status, 502);
  });
});
