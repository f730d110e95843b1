import assert from 'node:assert/strict';
import { parseManifest, scheduleError } from '../../../src/core/manifest';
import { BASE, codes, expectProblem, only, parse, yaml } from './helpers';

function withFunction(lines: string): string {
  return BASE + lines.replace(/^(?=.)/gm, '    ');
}

describe('manifest semantics', () => {
  describe('runtimes', () => {
    it('accepts every current runtime identifier', () => {
      const ids = [
        'nodejs22.x',
        'nodejs24.x',
        'python3.11',
        'python3.12',
        'python3.13',
        'python3.14',
        'java11',
        'java17',
        'java21',
        'java25',
        'java8.al2',
        'dotnet10',
        'ruby3.3',
        'ruby3.4',
        'provided.al2023',
      ];
      for (const id of ids) {
        const handler = id.startsWith('java')
          ? 'example.Handler::handle'
          : id.startsWith('dotnet')
            ? 'App::App.Function::Handle'
            : id.startsWith('python')
              ? 'app.handler'
              : 'src/hello.handler';
        const text = withFunction(`runtime: ${id}\n`).replace('src/hello.handler', handler);
        assert.deepEqual(parse(text).problems, [], id);
      }
    });

    it('suggests the closest runtime for a typo, as a fix on the value', () => {
      const text = withFunction('runtime: nodejs22\n');
      const p = expectProblem(text, parse(text).problems, 'runtime-unknown', 'nodejs22', 6);
      assert.equal(p.fixes?.[0].edits?.[0].newText, 'nodejs22.x');
      assert.match(p.message, /Did you mean 'nodejs22.x'\?/);
      const far = withFunction('runtime: node\n');
      assert.equal(
        only(parse(far).problems, 'runtime-unknown').fixes?.[0].edits?.[0].newText,
        'nodejs24.x',
      );
      assert.equal(
        only(parse(withFunction('runtime: cobol\n')).problems, 'runtime-unknown').fixes,
        undefined,
      );
    });

    it('flags retired runtimes as errors, with their end-of-support date and the successor as fix', () => {
      for (const [id, date, successor] of [
        ['nodejs18.x', '2025-09-01', 'nodejs24.x'],
        ['nodejs16.x', '2024-06-12', 'nodejs24.x'],
        ['python3.9', '2025-12-15', 'python3.14'],
        ['python3.8', '2024-10-14', 'python3.14'],
        ['go1.x', '2024-01-08', 'provided.al2023'],
      ]) {
        const text = withFunction(`runtime: ${id}\n`).replace(
          'src/hello.handler',
          id.startsWith('py') ? 'app.handler' : 'src/hello.handler',
        );
        const p = expectProblem(text, parse(text).problems, 'runtime-deprecated', id, 6);
        assert.equal(p.severity, 'error', id);
        assert.ok(p.message.includes(date), p.message);
        assert.equal(p.fixes?.[0].edits?.[0].newText, successor);
      }
    });

    it('judges retirement by the given day: supported, soon, deprecated, blocked', () => {
      const text = BASE;
      const at = (day: string) =>
        parseManifest(text, { file: '/p/flourish.yaml', now: new Date(day) }).problems;
      assert.deepEqual(at('2026-01-01'), []);
      assert.equal(only(at('2027-03-01'), 'runtime-deprecation-soon').severity, 'information');
      assert.equal(only(at('2027-05-01'), 'runtime-deprecated').severity, 'warning');
      assert.equal(only(at('2027-08-01'), 'runtime-deprecated').severity, 'error');
    });

    it('reports a function with no runtime anywhere', () => {
      const text = yaml`
        service: shop
        functions:
          hello:
            handler: src/hello.handler
      `;
      const p = expectProblem(text, parse(text).problems, 'runtime-missing', 'hello', 2);
      assert.deepEqual(p.path, ['functions', 'hello', 'runtime']);
    });
  });

  describe('handlers', () => {
    for (const [runtime, good, bad] of [
      [
        'nodejs22.x',
        ['index.handler', 'src/api/hello.main', 'src/x.nested.fn'],
        ['index', 'src/hello.', 'src/hello.1x', 'src/hello handler.x'],
      ],
      [
        'python3.13',
        ['app.handler', 'app/main.handler', 'pkg.mod.fn'],
        ['app', 'app.1x', 'my-app.handler'],
      ],
      [
        'java21',
        ['example.Handler::handleRequest', 'example.Handler'],
        ['example.Handler::1x', 'Handler::a::b'],
      ],
      ['dotnet8', ['App::App.Function::Handler', 'App'], ['App::Function']],
      ['ruby3.4', ['function.handler', 'lib/function.Handler::process'], ['function']],
    ] as const) {
      it(`checks the handler's shape for ${runtime}`, () => {
        for (const h of good) {
          const text = withFunction(`runtime: ${runtime}\n`).replace('src/hello.handler', h);
          assert.deepEqual(
            codes(parse(text, undefined).problems).filter(
              (c) => c !== 'runtime-deprecated' && c !== 'runtime-deprecation-soon',
            ),
            [],
            `${runtime} ${h}`,
          );
        }
        for (const h of bad) {
          const text = withFunction(`runtime: ${runtime}\n`).replace('src/hello.handler', h);
          const p = expectProblem(text, parse(text).problems, 'handler-format', h, 5);
          assert.match(p.message, /e\.g\./);
        }
      });
    }

    it('checks the handler against the runtime it gets from defaults', () => {
      const text = BASE.replace('nodejs22.x', 'python3.13').replace(
        'src/hello.handler',
        'src/hello-world.handler',
      );
      expectProblem(text, parse(text).problems, 'handler-format', 'src/hello-world.handler', 5);
    });
  });

  describe('environment', () => {
    it('refuses the names Lambda reserves, on the key', () => {
      for (const key of [
        'AWS_REGION',
        'AWS_LAMBDA_FUNCTION_NAME',
        '_HANDLER',
        'LAMBDA_TASK_ROOT',
        'AWS_SESSION_TOKEN',
        'AWS_LAMBDA_RUNTIME_API',
      ]) {
        const text = withFunction(`environment:\n  ${key}: x\n`);
        const p = expectProblem(text, parse(text).problems, 'env-reserved', key, 7);
        assert.equal(p.severity, 'error');
      }
    });

    it("checks keys against Lambda's pattern and offers a rename", () => {
      const text = withFunction('environment:\n  my-key: x\n  A: y\n  OK_2: z\n');
      const problems = parse(text).problems;
      assert.deepEqual(codes(problems), ['env-key-invalid', 'env-key-invalid']);
      const dash = problems.find((p) => p.path.at(-1) === 'my-key')!;
      assert.equal(dash.fixes?.[0].edits?.[0].newText, 'my_key');
      const single = problems.find((p) => p.path.at(-1) === 'A')!;
      assert.equal(single.fixes, undefined);
    });

    it('counts keys and values together against 4 KB, after merging defaults and the stage', () => {
      const value = (n: number) => 'v'.repeat(n);
      // KEY1 + value = 4096 - 4 - 4 bytes with DEFAULT (4 + 0 bytes): exactly at the limit.
      const exact = yaml`
        service: shop
        defaults: { runtime: nodejs22.x, environment: { DFLT: '' } }
        stages: { prod: { defaults: { environment: { PROD: x } } } }
        functions:
          hello:
            handler: src/hello.handler
            environment:
              KEY1: ${value(4096 - 4 - 4)}
      `;
      assert.deepEqual(parse(exact.replace(/^stages:.*\n/m, '')).problems, []);
      // Every declared stage is checked, whichever stage is chosen.
      const p = expectProblem(exact, parse(exact).problems, 'env-too-large', 'environment', 6);
      assert.deepEqual(parse(exact, 'prod').problems, [p]);
      assert.match(p.message, /stage 'prod'.*4101 bytes.*4096/);
      // Multi-byte characters count by their UTF-8 size.
      const utf8 = withFunction(`environment:\n  GREETING: ${'é'.repeat(2045)}\n`);
      assert.equal(
        only(parse(utf8).problems, 'env-too-large').message.includes('4098 bytes'),
        true,
      );
    });
  });

  describe('logging', () => {
    it('refuses log levels with Text logs, where they were set', () => {
      const text = yaml`
        service: shop
        defaults: { runtime: nodejs22.x }
        functions:
          hello:
            handler: src/hello.handler
            applicationLogLevel: DEBUG
      `;
      const p = expectProblem(
        text,
        parse(text).problems,
        'log-level-text',
        'applicationLogLevel',
        5,
      );
      assert.match(p.message, /Set logFormat: JSON, or remove applicationLogLevel/);
      assert.deepEqual(parse(text.replace('DEBUG', 'DEBUG\n    logFormat: JSON')).problems, []);
    });

    it('refuses a format or level Lambda does not have, with the ones it has', () => {
      const text = withFunction('logFormat: json\nsystemLogLevel: ERROR\n');
      const problems = parse(text).problems;
      assert.equal(problems.length, 2, JSON.stringify(problems));
      assert.match(problems[0].message, /Text.*JSON/);
      assert.match(problems[1].message, /DEBUG.*INFO.*WARN/);
    });
  });

  describe('deployed names', () => {
    it('keeps <service>-<stage>-<function> within 64 characters for every declared stage', () => {
      const key = 'f'.repeat(64 - 'shop-dev-'.length);
      const text = yaml`
        service: shop
        defaults: { runtime: nodejs22.x }
        stages: { production: {} }
        functions:
          ${key}:
            handler: src/hello.handler
      `;
      const p = expectProblem(text, parse(text).problems, 'name-too-long', key, 4);
      assert.match(p.message, /stage 'production'/);
      assert.match(p.message, /71 characters/);
      const fits = text.replace('production', 'pr');
      assert.deepEqual(parse(fits).problems, []);
    });

    it('says each thing once however many stages are declared', () => {
      const key = 'f'.repeat(60);
      const text = `service: shop\nstages: { prod: {}, production: {}, qa: {} }\nfunctions:\n  ${key}:\n    handler: src/a.handler\n`;
      const problems = parse(text).problems;
      assert.deepEqual(codes(problems), ['name-too-long', 'runtime-missing']);
      assert.match(only(problems, 'name-too-long').message, /stage 'production'/);
    });

    it('refuses characters Lambda does not allow in the function key', () => {
      const text = BASE.replace('hello:', 'hello.world:');
      expectProblem(text, parse(text).problems, 'name-invalid', 'hello.world', 4);
    });
  });

  describe('events', () => {
    it('checks the http shorthand method and path', () => {
      const text = withFunction(
        'events:\n  - http: GTE /hello\n  - http: GET hello\n  - http: ANY /\n',
      );
      const problems = parse(text).problems;
      assert.deepEqual(codes(problems), ['http-method-invalid', 'http-path-invalid']);
      const method = expectProblem(text, problems, 'http-method-invalid', 'GTE /hello', 7);
      assert.equal(method.fixes?.[0].edits?.[0].newText, 'GET /hello');
      expectProblem(text, problems, 'http-path-invalid', 'GET hello', 8);
    });

    it('checks the http object form', () => {
      const text = withFunction('events:\n  - http: { method: FETCH, path: hello, auth: none }\n');
      assert.deepEqual(codes(parse(text).problems), [
        'invalid-format',
        'invalid-value',
        'invalid-value',
      ]);
    });

    it('warns when two functions answer the same route', () => {
      const text =
        withFunction('events:\n  - http: GET /a\n') +
        '  other:\n    handler: src/other.handler\n    events:\n      - http: { method: GET, path: /a }\n';
      const p = expectProblem(
        text,
        parse(text).problems,
        'http-route-conflict',
        '{ method: GET, path: /a }',
        11,
      );
      assert.equal(p.severity, 'warning');
    });

    it('checks schedule expressions in both forms, on the expression', () => {
      const text = withFunction(
        "events:\n  - schedule: rate(0 minutes)\n  - schedule: { expression: 'cron(0 12 * * *)' }\n",
      );
      const problems = parse(text).problems;
      expectProblem(
        text,
        problems.filter((p) => p.path.includes(0)),
        'schedule-invalid',
        'rate(0 minutes)',
        7,
      );
      expectProblem(
        text,
        problems.filter((p) => p.path.includes(1)),
        'schedule-invalid',
        "'cron(0 12 * * *)'",
        8,
      );
    });

    const valid = [
      'rate(1 minute)',
      'rate(5 minutes)',
      'rate(1 hour)',
      'rate(12 hours)',
      'rate(1 day)',
      'rate(7 days)',
      'cron(0 12 * * ? *)',
      'cron(15 10 ? * 6L 2026-2030)',
      'cron(0/15 * * * ? *)',
      'cron(0 8 1 * ? *)',
      'cron(0 18 ? * MON-FRI *)',
      'cron(0 10 ? * 6#3 *)',
      'cron(5,35 14 * * ? *)',
      'cron(0 0 L * ? *)',
      'cron(0 9 15W JAN,JUL ? *)',
      'cron(*/5 8-17 ? * MON-FRI *)',
    ];
    const invalid: [string, RegExp][] = [
      ['rate(1 minutes)', /singular/],
      ['rate(5 minute)', /plural/],
      ['rate(0 days)', /at least 1/],
      ['rate(5 weeks)', /not a rate/],
      ['rate(-1 days)', /not a rate/],
      ['cron(0 12 * * *)', /5 fields.*six/],
      ['cron(0 12 * * * *)', /exactly one of day-of-month and day-of-week/],
      ['cron(0 12 ? * ? *)', /exactly one/],
      ['cron(60 12 * * ? *)', /'60' is not a valid minutes value/],
      ['cron(0 24 * * ? *)', /hours/],
      ['cron(0 12 32 * ? *)', /day-of-month/],
      ['cron(0 12 ? 13 MON *)', /month/],
      ['cron(0 12 ? * FUNDAY *)', /day-of-week/],
      ['cron(0 12 * * ? 1969)', /year/],
      ['cron(0/0 * * * ? *)', /at least 1/],
      ['cron(? 12 * * ? *)', /only allowed in day-of-month/],
      ['every 5 minutes', /not a schedule expression/],
    ];
    it('validates rate() and six-field cron() expressions', () => {
      for (const e of valid) assert.equal(scheduleError(e), undefined, e);
      for (const [e, why] of invalid) assert.match(scheduleError(e) ?? 'accepted', why, e);
    });
  });

  describe('stages', () => {
    it('refuses overrides of functions that do not exist, with a fix', () => {
      const text = BASE + 'stages:\n  prod:\n    functions:\n      helo: { memory: 1024 }\n';
      const p = expectProblem(text, parse(text).problems, 'stage-unknown-function', 'helo', 9);
      assert.equal(p.fixes?.[0].edits?.[0].newText, 'hello');
      assert.deepEqual(p.path, ['stages', 'prod', 'functions', 'helo']);
    });

    it('validates settings inside stage overrides like top-level ones', () => {
      const text =
        BASE +
        'stages:\n  prod:\n    defaults: { memory: 20000, runtime: nodejs16.x }\n    functions:\n      hello: { timeot: 5 }\n';
      assert.deepEqual(codes(parse(text).problems), [
        'out-of-range',
        'runtime-deprecated',
        'unknown-key',
      ]);
    });
  });
});
