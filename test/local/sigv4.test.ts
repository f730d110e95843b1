// The SigV4 verifier rebuilds the canonical request itself; these requests are signed by the
// SDK's own signer, with the paths, queries and header values that make canonical forms differ.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../src/core/local/http/sha256';
import { formatAmzDate, verifySignature } from '../../src/core/local/http/sigv4';

const credentials = { accessKeyId: 'LKIATESTTESTTESTTEST', secretAccessKey: 'c2VjcmV0/+secret' };
const NOW = Date.UTC(2026, 0, 2, 3, 4, 5);

interface Case {
  method: string;
  path: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: string;
  service?: string;
}

async function signed(c: Case, declareHash = true) {
  const body = c.body ?? '';
  const bodySha256 = createHash('sha256').update(body).digest('hex');
  const signer = new SignatureV4({
    credentials,
    region: 'eu-west-1',
    service: c.service ?? 'lambda',
    sha256: NodeSha256,
    applyChecksum: declareHash,
  });
  const request = await signer.sign(
    {
      method: c.method,
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 4566,
      path: c.path,
      query: c.query ?? {},
      headers: { host: '127.0.0.1:4566', ...c.headers },
      body,
    },
    { signingDate: new Date(NOW) },
  );
  // What the server sees: lower-case names, the path and query as they travel.
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  const rawQuery = new URLSearchParams(
    Object.entries(c.query ?? {}).flatMap(([k, v]) =>
      (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x]),
    ),
  )
    .toString()
    .replace(/\+/g, '%20');
  return { method: c.method, rawPath: c.path, rawQuery, headers, bodySha256 };
}

const CASES: Case[] = [
  { method: 'POST', path: '/2015-03-31/functions/fn/invocations', body: '{"a":1}' },
  { method: 'GET', path: '/2015-03-31/functions/fn%3A%24LATEST/configuration' },
  { method: 'GET', path: '/2015-03-31/functions/', query: { Marker: 'a b+c/d', MaxItems: '5' } },
  { method: 'GET', path: '/a/./b/../c//d/', query: { tag: ['z', 'a', 'm'], empty: '' } },
  { method: 'GET', path: '/x', query: { "it's(*)!": 'ünïcode ✓' } },
  { method: 'GET', path: '/v1.2/a_b~c-d/' },
  { method: 'GET', path: '/' },
  { method: 'POST', path: '/', headers: { 'x-amz-target': '  Logs_20140328.GetLogEvents  ' } },
  {
    method: 'PUT',
    path: '/2015-03-31/functions/fn/code',
    headers: { 'content-type': 'application/json', 'x-custom': 'two  spaces\tand tab' },
    body: 'x'.repeat(1000),
  },
  { method: 'POST', path: '/', service: 'logs', body: '{}' },
];

describe('SigV4 verification', () => {
  for (const c of CASES) {
    it(`accepts what the SDK signs: ${c.method} ${c.path} ${JSON.stringify(c.query ?? {})}`, async () => {
      await verifySignature(await signed(c), credentials, c.service ?? 'lambda', NOW);
      // Without x-amz-content-sha256 the body's hash stands in, as the client computed it.
      await verifySignature(await signed(c, false), credentials, c.service ?? 'lambda', NOW);
    });
  }

  it('refuses any change to what was signed', async () => {
    const base = await signed({
      method: 'POST',
      path: '/2015-03-31/functions/fn/invocations',
      query: { Qualifier: '1' },
      body: '{}',
    });
    const changes = [
      { ...base, method: 'PUT' },
      { ...base, rawPath: '/2015-03-31/functions/other/invocations' },
      { ...base, rawQuery: 'Qualifier=2' },
      { ...base, bodySha256: createHash('sha256').update('{"x":1}').digest('hex') },
      { ...base, headers: { ...base.headers, host: '127.0.0.1:4567' } },
      { ...base, headers: { ...base.headers, 'x-amz-date': formatAmzDate(NOW + 1000) } },
    ];
    for (const changed of changes) {
      await assert.rejects(verifySignature(changed, credentials, 'lambda', NOW + 1000), {
        name: 'InvalidSignatureException',
      });
    }
    const other = { ...credentials, secretAccessKey: 'another' };
    await assert.rejects(verifySignature(base, other, 'lambda', NOW), /signature we calculated/);
    await verifySignature(base, credentials, 'lambda', NOW);
  });
});
