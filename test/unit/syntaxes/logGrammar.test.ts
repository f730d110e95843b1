// Tokenises real log lines with the same TextMate engine VS Code uses, so the log grammar is
// checked for what a user sees, not for what its regular expressions look like.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const root = path.resolve(__dirname, '../../..');

async function loadGrammar(): Promise<textmate.IGrammar> {
  const wasm = readFileSync(path.join(root, 'node_modules/vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== 'text.log.flourish') return null;
      const file = path.join(root, 'syntaxes/flourish-log.tmLanguage.json');
      return textmate.parseRawGrammar(readFileSync(file, 'utf8'), file);
    },
  });
  const grammar = await registry.loadGrammar('text.log.flourish');
  assert.ok(grammar, 'grammar did not load');
  return grammar;
}

/** The scopes of the token that covers `needle` in `line`. */
function scopesOf(grammar: textmate.IGrammar, line: string, needle: string): string[] {
  const { tokens } = grammar.tokenizeLine(line, textmate.INITIAL);
  const at = line.indexOf(needle);
  assert.ok(at >= 0, `${needle} not in line`);
  const token = tokens.find((t) => t.startIndex <= at && at < t.endIndex);
  return token?.scopes ?? [];
}

describe('log grammar', () => {
  let grammar: textmate.IGrammar;
  before(async () => {
    grammar = await loadGrammar();
  });

  const ID = '3b1f6c2a-1d2e-4f5a-9b8c-7d6e5f4a3b2c';

  it('marks START, END and REPORT and the request id', () => {
    const line = `START RequestId: ${ID} Version: $LATEST`;
    assert.ok(scopesOf(grammar, line, 'START').includes('keyword.control.lifecycle.flourish'));
    assert.ok(scopesOf(grammar, line, ID).includes('constant.language.request-id.flourish'));
    assert.ok(
      scopesOf(grammar, `END RequestId: ${ID}`, 'END').includes(
        'keyword.control.lifecycle.flourish',
      ),
    );
  });

  it('marks REPORT fields and their values', () => {
    const line = `REPORT RequestId: ${ID}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB`;
    assert.ok(
      scopesOf(grammar, line, 'Max Memory Used').includes('variable.other.report-field.flourish'),
    );
    assert.ok(
      scopesOf(grammar, line, '12.34 ms').includes('constant.numeric.report-value.flourish'),
    );
  });

  it('colours levels by severity, Node and Python styles alike', () => {
    const node = `2026-11-24T12:00:00.000Z\t${ID}\tERROR\tboom`;
    assert.ok(
      scopesOf(grammar, node, 'ERROR').some((s) => s.startsWith('string.regexp.log.error')),
    );
    assert.ok(scopesOf(grammar, node, '2026-11-24T12').includes('comment.timestamp.flourish'));
    const python = `[WARNING]\t2026-11-24T12:00:00.000Z\t${ID}\tslow`;
    assert.ok(scopesOf(grammar, python, 'WARNING').includes('markup.bold.log.warning'));
    const info = `2026-11-24T12:00:00.000Z\t${ID}\tINFO\thello`;
    assert.ok(scopesOf(grammar, info, 'INFO').includes('markup.inserted.log.info'));
  });

  it('highlights JSON log lines', () => {
    const line = '{"level":"error","latencyMs":42,"message":"card declined"}';
    assert.ok(scopesOf(grammar, line, 'latencyMs').includes('support.type.property-name.json'));
    assert.ok(scopesOf(grammar, line, '42').includes('constant.numeric.json'));
    assert.ok(scopesOf(grammar, line, 'card declined').includes('string.quoted.double.json'));
  });

  it("marks JSON logs' platform records, error levels and failed reports", () => {
    const report = `{"time":"t","type":"platform.report","record":{"requestId":"${ID}","status":"timeout"}}`;
    assert.ok(scopesOf(grammar, report, 'platform.report').some((s) => s.includes('lifecycle')));
    assert.ok(scopesOf(grammar, report, 'timeout').some((s) => s.includes('log.error')));
    const python = '{"timestamp": "t", "level": "ERROR", "message": "no good"}';
    assert.ok(scopesOf(grammar, python, 'ERROR').some((s) => s.includes('log.error')));
    const node = '{"timestamp":"t","level":"WARN","message":"careful"}';
    assert.ok(scopesOf(grammar, node, 'WARN').some((s) => s.includes('log.warning')));
    const ok = `{"type":"platform.report","record":{"status":"success"}}`;
    assert.ok(!scopesOf(grammar, ok, 'success').some((s) => s.includes('log.error')));
  });

  it('marks a timeout as an error and leaves plain text alone', () => {
    const line = `2026-11-24T12:00:03.000Z ${ID} Task timed out after 3.00 seconds`;
    assert.ok(scopesOf(grammar, line, 'Task timed out').some((s) => s.includes('log.error')));
    assert.deepEqual(scopesOf(grammar, 'just some words', 'some'), ['text.log.flourish']);
  });
});
