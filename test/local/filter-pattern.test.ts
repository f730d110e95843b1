// CloudWatch Logs filter pattern syntax, as the local cloud's FilterLogEvents and tail use it.
import assert from 'node:assert/strict';
import { compileFilterPattern, FilterPatternError } from '../../src/core/local';

const matches = (pattern: string, lines: string[]): string[] =>
  lines.filter(compileFilterPattern(pattern));

describe('local cloud: filter patterns', () => {
  const lines = [
    'ERROR disk full',
    'WARN disk nearly full',
    'INFO all good',
    'error lower case',
    'ERROR: timeout after 3s',
  ];

  it('matches everything with an empty pattern', () => {
    assert.deepEqual(matches('', lines), lines);
    assert.deepEqual(matches('""', lines), lines);
  });

  it('requires every term, case-sensitively', () => {
    assert.deepEqual(matches('ERROR', lines), ['ERROR disk full', 'ERROR: timeout after 3s']);
    assert.deepEqual(matches('ERROR full', lines), ['ERROR disk full']);
  });

  it('matches quoted phrases as one term', () => {
    assert.deepEqual(matches('"nearly full"', lines), ['WARN disk nearly full']);
    assert.deepEqual(matches('"disk full"', lines), ['ERROR disk full']);
  });

  it('excludes terms with a minus sign', () => {
    assert.deepEqual(matches('disk -WARN', lines), ['ERROR disk full']);
    assert.deepEqual(matches('full -"nearly full"', lines), ['ERROR disk full']);
  });

  it('matches any of the ?alternatives', () => {
    assert.deepEqual(matches('?WARN ?INFO', lines), ['WARN disk nearly full', 'INFO all good']);
    assert.deepEqual(matches('?timeout ?good -INFO', lines), ['ERROR: timeout after 3s']);
  });

  describe('?term groups', () => {
    const threads = [
      'ERROR in MainThread',
      'ERROR in worker-2',
      'WARN Deadlock detected',
      'WARN slow disk',
      'MainThread WARN Deadlock',
    ];

    it("matches any group of terms, as CDK's anyTermGroup writes them", () => {
      assert.deepEqual(matches('?"ERROR" "MainThread" ?"WARN" "Deadlock"', threads), [
        'ERROR in MainThread',
        'WARN Deadlock detected',
        'MainThread WARN Deadlock',
      ]);
      assert.deepEqual(matches('?ERROR MainThread ?slow', threads), [
        'ERROR in MainThread',
        'WARN slow disk',
      ]);
    });

    it('keeps a -term in the group it follows', () => {
      assert.deepEqual(matches('?ERROR -worker ?WARN -MainThread', threads), [
        'ERROR in MainThread',
        'WARN Deadlock detected',
        'WARN slow disk',
      ]);
    });

    it('applies terms before the first ? to every group', () => {
      assert.deepEqual(matches('Deadlock ?ERROR ?WARN', threads), [
        'WARN Deadlock detected',
        'MainThread WARN Deadlock',
      ]);
      assert.deepEqual(matches('-MainThread ?ERROR ?Deadlock', threads), [
        'ERROR in worker-2',
        'WARN Deadlock detected',
      ]);
    });
  });

  describe('regex', () => {
    const events = [
      '[ERROR 401] UNAUTHORIZED REQUEST from 10.0.0.12',
      '[SUCCESS 200] AUTHORIZED REQUEST from 192.168.1.7',
      'colour error: fail',
      'color Error',
    ];

    it('matches a %regex% anywhere in the message, case-sensitively', () => {
      assert.deepEqual(matches('%AUTHORIZED%', events), events.slice(0, 2));
      assert.deepEqual(matches('%^\\[SUCCESS%', events), [events[1]]);
      assert.deepEqual(matches('%colou?r%', events), events.slice(2));
      assert.deepEqual(matches('%[Ee]rror$|[Ff]ail%', events), events.slice(2));
      assert.deepEqual(
        matches('%\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}$%', events),
        events.slice(0, 2),
      );
      assert.deepEqual(matches('%from\\s10\\.%', events), [events[0]]);
      assert.deepEqual(matches('%FAIL%', events), []);
    });

    it('refuses what CloudWatch regex does not support, saying what', () => {
      const refused: [string, RegExp][] = [
        ['%something!%', /contains '!'/],
        ['%ERR(OR)?%', /does not support parentheses/],
        ['%UNAUTHORIZED REQUEST%', /contains a space \(use \\s\)/],
        ['%caf\u00e9%', /multi-byte/],
        ['%\\bword%', /uses \\b/],
        ['%[a-z%', /is malformed/],
        ['%%', /empty regex/],
        ['ERROR %4\\d\\d%', /a regex must be the whole pattern/],
      ];
      for (const [pattern, message] of refused) {
        assert.throws(
          () => compileFilterPattern(pattern),
          (error: unknown) => {
            assert.ok(error instanceof FilterPatternError, pattern);
            assert.match(error.message, message, pattern);
            return true;
          },
        );
      }
    });
  });

  describe('JSON selectors', () => {
    const json = [
      '{"level":"ERROR","ms":250,"user":{"id":7,"name":"ann"},"tags":["a","b"],"ok":false}',
      '2026-01-01T00:00:00Z\tabc\tINFO\t{"level":"INFO","ms":20,"user":{"id":8},"ok":true,"gone":null}',
      'not json at all',
    ];
    const only = (pattern: string): number[] =>
      json.map((line, i) => (compileFilterPattern(pattern)(line) ? i : -1)).filter((i) => i >= 0);

    it('never matches an event without a JSON object, even with NOT EXISTS', () => {
      const missing = compileFilterPattern('{ $.x NOT EXISTS }');
      assert.equal(missing('plain text ending in a digit 7'), false);
      assert.equal(missing('2024-01-01T00:00:00Z\tid\tINFO\t{"y":1}'), true);
    });

    it('compares strings, with * wildcards', () => {
      assert.deepEqual(only('{ $.level = "ERROR" }'), [0]);
      assert.deepEqual(only('{ $.level != "ERROR" }'), [1]);
      assert.deepEqual(only('{ $.user.name = "a*" }'), [0]);
    });

    it('compares numbers and follows nested paths and indexes', () => {
      assert.deepEqual(only('{ $.ms > 100 }'), [0]);
      assert.deepEqual(only('{ $.ms <= 20 }'), [1]);
      assert.deepEqual(only('{ $.user.id = 8 }'), [1]);
      assert.deepEqual(only('{ $.tags[1] = "b" }'), [0]);
    });

    it('combines with && and ||, and groups with parentheses', () => {
      assert.deepEqual(only('{ $.level = "INFO" && $.ms < 100 }'), [1]);
      assert.deepEqual(only('{ $.ms > 1000 || $.user.id = 7 }'), [0]);
      assert.deepEqual(only('{ ($.ms > 1000 || $.user.id = 8) && $.level = "INFO" }'), [1]);
    });

    it('tests booleans, null and absence', () => {
      assert.deepEqual(only('{ $.ok IS TRUE }'), [1]);
      assert.deepEqual(only('{ $.ok IS FALSE }'), [0]);
      assert.deepEqual(only('{ $.gone IS NULL }'), [1]);
      assert.deepEqual(only('{ $.gone NOT EXISTS }'), [0]);
    });

    it('compares a value with a %regex%', () => {
      assert.deepEqual(only('{ $.level = %^ERR% }'), [0]);
      assert.deepEqual(only('{ $.level != %^ERR% }'), [1]);
      assert.deepEqual(only('{ $.user.id = %^[78]$% }'), [0, 1]);
      assert.deepEqual(only('{ $.level = %^I% && $.user.id = %8% }'), [1]);
      assert.deepEqual(only('{ $.user = %a% }'), [], 'an object is no string');
    });

    it('allows at most two regex, compared with = or !=', () => {
      assert.throws(
        () => compileFilterPattern('{ $.a = %x% || $.b = %y% || $.c = %z% }'),
        /3 regex .* at most 2/,
      );
      assert.throws(() => compileFilterPattern('{ $.ms > %1% }'), /only be compared with = or !=/);
      assert.throws(() => compileFilterPattern('{ $.level = %ERR OR% }'), /a space/);
    });

    it('rejects a malformed selector', () => {
      for (const bad of ['{ $.level = }', '{ level = "x" }', '{ $.a ~ 1 }', '{ $.a = 1 ']) {
        assert.throws(() => compileFilterPattern(bad), FilterPatternError, bad);
      }
      assert.throws(() => compileFilterPattern('"unterminated'), FilterPatternError);
    });
  });

  describe('space-delimited', () => {
    const access = [
      '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534',
      '10.0.0.2 - bob [10/Oct/2000:13:26:00 -0700] "GET /a.css HTTP/1.0" 200 320',
      '10.0.0.3 - ann [10/Oct/2000:13:27:00 -0700] "POST /login HTTP/1.0" 500 2048',
    ];
    const only = (pattern: string): number[] =>
      access.map((line, i) => (compileFilterPattern(pattern)(line) ? i : -1)).filter((i) => i >= 0);
    const ALL = '[ip, user, username, timestamp, request, status_code, bytes]';

    it('needs as many fields as it names, unless ... takes the rest', () => {
      assert.deepEqual(only(ALL), [0, 1, 2]);
      assert.deepEqual(only('[ip, user]'), []);
      assert.deepEqual(only('[ip, ...]'), [0, 1, 2]);
      assert.deepEqual(only('[ip, ..., a, b, c, d, e, f]'), [0, 1, 2], '... may take none');
      assert.deepEqual(only('[..., a, b, c, d, e, f, g, h]'), []);
    });

    it('stays fast with several ... over a long message (every way is not tried)', () => {
      const message = Array.from({ length: 300 }, (_, i) => `f${i}`).join(' ');
      const match = compileFilterPattern('[..., a, ..., b, ..., c, ..., d, ..., e = f299]');
      assert.equal(match(message), true);
      const miss = compileFilterPattern('[..., a, ..., b, ..., c, ..., d, ..., e = zz, ...]');
      assert.equal(miss(message), false);
      // A condition naming an earlier field still sees the right binding.
      const pair = compileFilterPattern('[..., a, b = f7 && a = f6, ...]');
      assert.equal(pair(message), true);
      assert.equal(compileFilterPattern('[..., a, b = f7 && a = f5, ...]')(message), false);
    });

    it('reads "quoted" and [bracketed] text as one field, without the delimiters', () => {
      assert.deepEqual(only('[ip, user, username, timestamp = 10/Oct/2000:13:25:15*, ...]'), [0]);
      assert.deepEqual(
        only('[..., request = "GET /index.html HTTP/1.0", status_code, bytes]'),
        [0],
      );
    });

    it('compares with = and != and * wildcards', () => {
      assert.deepEqual(
        only('[ip, user, username, timestamp, request = *.html*, status_code = 4*, bytes]'),
        [0],
      );
      assert.deepEqual(only('[ip != 127.*, ...]'), [1, 2]);
      assert.deepEqual(only('[ip, user, username = bob, ...]'), [1]);
    });

    it('compares numbers with = != < > <= >=', () => {
      assert.deepEqual(only('[..., status_code = 404, bytes]'), [0]);
      assert.deepEqual(only('[..., status_code != 404, bytes]'), [1, 2]);
      assert.deepEqual(only('[..., bytes > 1534]'), [2]);
      assert.deepEqual(only('[..., bytes >= 1534]'), [0, 2]);
      assert.deepEqual(only('[..., bytes < 1534]'), [1]);
      assert.deepEqual(only('[..., bytes <= 320]'), [1]);
      assert.deepEqual(only('[ip, user, username > 1, ...]'), [], 'a word is no number');
    });

    it('combines comparisons with && and ||', () => {
      assert.deepEqual(only('[..., status_code = 4* || status_code = 5*, bytes]'), [0, 2]);
      assert.deepEqual(
        only('[..., status_code = 5* && bytes > 1000 || status_code = 2*, bytes]'),
        [1, 2],
      );
      assert.deepEqual(only('[..., status_code = 4* && bytes < 1000, bytes]'), []);
    });

    it('compares with a %regex%', () => {
      assert.deepEqual(only('[ip, user, username = %^[ab]%, ...]'), [1, 2]);
      assert.deepEqual(only('[ip = %^10\\.%, ..., status_code != %^2%, bytes]'), [2]);
    });

    it('refuses what it cannot read, saying what', () => {
      const refused: [string, RegExp][] = [
        ['[ip, user', /does not end with \]/],
        ['[ip, 1]', /1 is not a field name/],
        ['[ip, bytes < abc]', /< needs a number/],
        ['[ip, bytes = 1 && size = 2]', /size is not a field/],
        ['[a = %x%, b = %y%, c = %z%]', /3 regex .* at most 2/],
        ['[a ~ 1]', /Invalid filter pattern/],
        ['[a, b] c', /Invalid filter pattern/],
      ];
      for (const [pattern, message] of refused) {
        assert.throws(
          () => compileFilterPattern(pattern),
          (error: unknown) => {
            assert.ok(error instanceof FilterPatternError, pattern);
            assert.match(error.message, message, pattern);
            return true;
          },
        );
      }
    });
  });
});
