import assert from 'node:assert/strict';
import type { DeployPlan } from '../../../src/core/deploy';
import { statesFromPlan, unknownStates } from '../../../src/extension/functionStatesModel';

type Planned = DeployPlan['functions'][number];

/** A planned function as planDeploy decides it; only the fields the states read. */
function planned(key: string, fields: Partial<Planned>): Planned {
  return {
    key,
    action: 'unchanged',
    codeChanged: false,
    configurationChanges: [],
    ...fields,
  } as Planned;
}

const URL_EVENTS = {
  url: { current: { url: 'http://127.0.0.1:4000/urls/abc/' } },
} as unknown as Planned['events'];
const ALIAS = { name: 'dev', version: '3' } as Planned['aliasBefore'];

describe('function states from a deploy plan', () => {
  it('reads not deployed, in sync, changed and drifted, by function key', () => {
    const states = statesFromPlan(
      [
        planned('fresh', { action: 'create', codeChanged: true }),
        planned('same', { action: 'unchanged', aliasBefore: ALIAS, events: URL_EVENTS }),
        planned('edited', { action: 'publish', codeChanged: true, events: URL_EVENTS }),
        planned('meddled', {
          action: 'publish',
          drift: { since: '2' } as Planned['drift'],
          events: URL_EVENTS,
        }),
      ],
      'dev',
    );
    assert.deepEqual(Object.fromEntries(states), {
      fresh: { state: 'not-deployed', detail: 'not deployed to dev' },
      same: {
        state: 'in-sync',
        detail: 'in sync (version 3)',
        url: 'http://127.0.0.1:4000/urls/abc/',
      },
      edited: {
        state: 'changed',
        detail: 'code changed locally',
        url: 'http://127.0.0.1:4000/urls/abc/',
      },
      meddled: {
        state: 'drifted',
        detail: 'changed outside Flourish since version 2',
        url: 'http://127.0.0.1:4000/urls/abc/',
      },
    });
  });

  it('says what changed: code, configuration, both, or only a pending alias or tag move', () => {
    const change = {
      field: 'memory',
      from: 128,
      to: 256,
    } as unknown as Planned['configurationChanges'][number];
    const detail = (fields: Partial<Planned>) =>
      statesFromPlan([planned('f', fields)], 'dev').get('f')?.detail;
    assert.equal(detail({ action: 'publish', codeChanged: true }), 'code changed locally');
    assert.equal(
      detail({ action: 'publish', configurationChanges: [change] }),
      'configuration changed locally',
    );
    assert.equal(
      detail({ action: 'publish', codeChanged: true, configurationChanges: [change] }),
      'code and configuration changed locally',
    );
    assert.equal(detail({ action: 'move-alias' }), 'a deploy is pending');
    assert.equal(detail({ action: 'update-tags' }), 'a deploy is pending');
  });

  it('puts drift before every other state, and names the stage a new function is missing from', () => {
    const states = statesFromPlan(
      [
        planned('a', { action: 'unchanged', drift: { since: '7' } as Planned['drift'] }),
        planned('b', { action: 'create' }),
      ],
      'prod',
    );
    assert.equal(states.get('a')?.state, 'drifted');
    assert.equal(states.get('b')?.detail, 'not deployed to prod');
    assert.equal(states.get('b')?.url, undefined);
  });

  it('says "?" for an in-sync function whose alias was not read', () => {
    assert.equal(
      statesFromPlan([planned('f', { action: 'unchanged' })], 'dev').get('f')?.detail,
      'in sync (version ?)',
    );
  });

  it('marks every function unknown with the reason', () => {
    assert.deepEqual(Object.fromEntries(unknownStates(['a', 'b'], 'the local cloud is stopped')), {
      a: { state: 'unknown', detail: 'the local cloud is stopped' },
      b: { state: 'unknown', detail: 'the local cloud is stopped' },
    });
  });
});
