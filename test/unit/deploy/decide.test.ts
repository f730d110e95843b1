import * as assert from 'node:assert/strict';
import type {
  AliasInfo,
  DeployedFunction,
  FunctionConfiguration,
  FunctionVersion,
} from '../../../src/core/cloud';
import {
  configurationFingerprint,
  decideFunction,
  detectDrift,
  formatVersionDescription,
  versionHolds,
  type DesiredFunction,
} from '../../../src/core/deploy';

const CONFIG: FunctionConfiguration = {
  handler: 'src/greet.handler',
  runtime: 'nodejs22.x',
  memory: 256,
  timeout: 10,
  architecture: 'x86_64',
  environment: { GREETING: 'Hello' },
  ephemeralStorage: 512,
  logFormat: 'Text',
  role: 'arn:aws:iam::000000000000:role/app',
  description: 'Greets.',
};
const CODE_A = 'A'.repeat(43) + '=';
const CODE_B = 'B'.repeat(43) + '=';

function latest(config: FunctionConfiguration, code = CODE_A, tags = {}): DeployedFunction {
  return version('$LATEST', config, code, config.description, tags);
}

/** A version as Lambda returns it: its description is the one given at publish time. */
function version(
  v: string,
  config: FunctionConfiguration,
  code = CODE_A,
  description = formatVersionDescription({
    contentHash: 'c'.repeat(64),
    configFingerprint: configurationFingerprint(config),
  }),
  tags: Record<string, string> = {},
): DeployedFunction & FunctionVersion {
  return {
    name: 'shop-dev-greet',
    arn: `arn:aws:lambda:us-east-1:000000000000:function:shop-dev-greet:${v}`,
    version: v,
    configuration: { ...config, description },
    codeSha256: code,
    codeSize: 100,
    revisionId: `rev-${v}`,
    lastModified: '2026-01-01T00:00:00.000+0000',
    tags,
  };
}

const alias = (v: string): AliasInfo => ({
  name: 'dev',
  arn: 'arn:alias',
  version: v,
  description: '',
  revisionId: 'alias-rev',
});

const want = (config = CONFIG, code = CODE_A, tags = {}): DesiredFunction => ({
  configuration: config,
  codeSha256: code,
  tags,
});

describe('decideFunction', () => {
  it('creates a function that does not exist, and publishes and aliases it', () => {
    const d = decideFunction(want(), { versions: [] });
    assert.equal(d.action, 'create');
    assert.equal(d.publish, true);
    assert.equal(d.moveAlias, true);
    assert.equal(d.drift, undefined);
  });

  it('leaves a function alone when $LATEST and the alias version match the manifest', () => {
    const d = decideFunction(want(), {
      latest: latest(CONFIG),
      versions: [version('1', CONFIG)],
      alias: alias('1'),
    });
    assert.equal(d.action, 'unchanged');
    assert.equal(d.publish, false);
    assert.equal(d.moveAlias, false);
    assert.deepEqual(d.configurationChanges, []);
  });

  it('updates code only when only the content hash differs', () => {
    const d = decideFunction(want(CONFIG, CODE_B), {
      latest: latest(CONFIG),
      versions: [version('1', CONFIG)],
      alias: alias('1'),
    });
    assert.equal(d.action, 'update-code');
    assert.equal(d.codeChanged, true);
    assert.equal(d.uploadCode, true);
    assert.equal(d.publish, true);
  });

  it('lists configuration changes field by field, environment per variable', () => {
    const wanted = {
      ...CONFIG,
      memory: 512,
      environment: { GREETING: 'Hi', LEVEL: 'debug' },
    };
    const d = decideFunction(want(wanted), {
      latest: latest({ ...CONFIG, environment: { GREETING: 'Hello', OLD: 'x' } }),
      versions: [],
    });
    assert.equal(d.action, 'update-configuration');
    assert.deepEqual(d.configurationChanges, [
      { field: 'memory', from: 256, to: 512 },
      { field: 'environment.GREETING', from: 'Hello', to: 'Hi' },
      { field: 'environment.LEVEL', from: undefined, to: 'debug' },
      { field: 'environment.OLD', from: 'x', to: undefined },
    ]);
  });

  it('sends an architecture change with the code, as Lambda requires', () => {
    const d = decideFunction(want({ ...CONFIG, architecture: 'arm64' }), {
      latest: latest(CONFIG),
      versions: [version('1', CONFIG)],
      alias: alias('1'),
    });
    assert.equal(d.action, 'update-code');
    assert.equal(d.codeChanged, false);
    assert.equal(d.uploadCode, true);
    assert.deepEqual(d.configurationChanges, [
      { field: 'architecture', from: 'x86_64', to: 'arm64' },
    ]);
  });

  it('updates both when code and configuration differ', () => {
    const d = decideFunction(want({ ...CONFIG, timeout: 30 }, CODE_B), {
      latest: latest(CONFIG),
      versions: [],
    });
    assert.equal(d.action, 'update-code-and-configuration');
  });

  it('publishes a $LATEST that matches but no version holds (an interrupted deploy)', () => {
    const d = decideFunction(want(CONFIG, CODE_B), {
      latest: latest(CONFIG, CODE_B),
      versions: [version('1', CONFIG)],
      alias: alias('1'),
    });
    assert.equal(d.action, 'publish');
    assert.equal(d.publish, true);
    assert.equal(d.drift, undefined);
  });

  it('only moves the alias when a published version already holds what is wanted', () => {
    const v2 = { ...CONFIG, memory: 512 };
    const d = decideFunction(want(v2, CODE_B), {
      latest: latest(v2, CODE_B),
      versions: [version('1', CONFIG), version('2', v2, CODE_B)],
      alias: alias('1'),
    });
    assert.equal(d.action, 'move-alias');
    assert.equal(d.aliasTarget, '2');
    assert.equal(d.publish, false);
    assert.equal(d.drift, undefined);
  });

  it('creates the alias when a version exists but the alias does not', () => {
    const d = decideFunction(want(), { latest: latest(CONFIG), versions: [version('1', CONFIG)] });
    assert.equal(d.action, 'move-alias');
    assert.equal(d.aliasTarget, '1');
  });

  it('adds and changes tags, leaving tags it did not set alone', () => {
    const d = decideFunction(want(CONFIG, CODE_A, { team: 'web', env: 'dev' }), {
      latest: latest(CONFIG, CODE_A, { team: 'api', owner: 'someone' }),
      versions: [version('1', CONFIG)],
      alias: alias('1'),
    });
    assert.equal(d.action, 'update-tags');
    assert.deepEqual(d.tagChanges, [
      { field: 'tags.env', from: undefined, to: 'dev' },
      { field: 'tags.team', from: 'api', to: 'web' },
    ]);
  });
});

describe('versionHolds', () => {
  it('compares a Flourish version by code and configuration fingerprint', () => {
    assert.equal(versionHolds(version('1', CONFIG), latest(CONFIG)), true);
    assert.equal(versionHolds(version('1', CONFIG), latest({ ...CONFIG, timeout: 11 })), false);
    assert.equal(versionHolds(version('1', CONFIG), latest(CONFIG, CODE_B)), false);
    // The function's description is covered by the fingerprint.
    assert.equal(
      versionHolds(version('1', CONFIG), latest({ ...CONFIG, description: 'Other.' })),
      false,
    );
  });

  it('compares a version published elsewhere field by field, except its description', () => {
    const foreign = version('1', CONFIG, CODE_A, 'hand-made release');
    assert.equal(versionHolds(foreign, latest(CONFIG)), true);
    assert.equal(versionHolds(foreign, latest({ ...CONFIG, memory: 1024 })), false);
  });
});

describe('detectDrift', () => {
  const published = [version('1', CONFIG)];

  it('reports fields changed outside Flourish, with the published and the found value', () => {
    const found = { ...CONFIG, timeout: 30, environment: { GREETING: 'Hello', DEBUG: '1' } };
    assert.deepEqual(
      detectDrift(want(), { latest: latest(found), versions: published, alias: alias('1') }),
      {
        since: '1',
        differences: [
          { field: 'timeout', from: 10, to: 30 },
          { field: 'environment.DEBUG', from: undefined, to: '1' },
        ],
      },
    );
  });

  it('reports code uploaded outside Flourish', () => {
    const drift = detectDrift(want(), {
      latest: latest(CONFIG, CODE_B),
      versions: published,
      alias: alias('1'),
    });
    assert.deepEqual(drift?.differences, [{ field: 'code', from: CODE_A, to: CODE_B }]);
  });

  it('notices a changed function description through the fingerprint', () => {
    const drift = detectDrift(want(), {
      latest: latest({ ...CONFIG, description: 'Changed by hand.' }),
      versions: published,
      alias: alias('1'),
    });
    assert.deepEqual(drift?.differences, [{ field: 'description', to: 'Changed by hand.' }]);
  });

  it('does not call its own interrupted deploy drift', () => {
    const wanted = { ...CONFIG, memory: 512 };
    assert.equal(
      detectDrift(want(wanted, CODE_B), {
        latest: latest(wanted, CODE_B),
        versions: published,
        alias: alias('1'),
      }),
      undefined,
    );
  });

  it('does not call a rollback drift: $LATEST matches the newest published version', () => {
    const v2 = { ...CONFIG, memory: 512 };
    assert.equal(
      detectDrift(want(v2, CODE_B), {
        latest: latest(v2, CODE_B),
        versions: [version('1', CONFIG), version('2', v2, CODE_B)],
        alias: alias('1'),
      }),
      undefined,
    );
  });

  it('has nothing to compare with before Flourish published anything', () => {
    assert.equal(
      detectDrift(want(), { latest: latest({ ...CONFIG, timeout: 99 }), versions: [] }),
      undefined,
    );
  });
});
