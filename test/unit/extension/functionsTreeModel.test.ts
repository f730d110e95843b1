import assert from 'node:assert/strict';
import type { FunctionStatus } from '../../../src/extension/functionStatesModel';
import {
  FunctionStateStore,
  functionItem,
  functionsOf,
  manifestItem,
  type ManifestView,
} from '../../../src/extension/functionsTreeModel';
import { MANIFEST_FILE, shopManifest } from './viewFixtures';

function view(overrides: Partial<ManifestView> = {}): ManifestView {
  return {
    file: MANIFEST_FILE,
    label: 'shop',
    manifest: shopManifest(),
    problems: [],
    ...overrides,
  };
}

const [checkout, refund] = shopManifest().functions;

describe('Functions view model', () => {
  describe('manifest rows', () => {
    it('show the service with its stage and provider, expanded, opening the manifest', () => {
      assert.deepEqual(manifestItem(view()), {
        label: 'shop',
        collapsible: 'expanded',
        contextValue: 'manifest',
        icon: { id: 'package' },
        tooltip: MANIFEST_FILE,
        description: 'dev · local',
        command: { command: 'flourish.openManifest', title: 'Open Manifest' },
      });
    });

    it('follow the chosen stage', () => {
      assert.equal(
        manifestItem(view({ manifest: shopManifest('prod') })).description,
        'prod · local',
      );
    });

    it('count errors (not warnings) and turn the icon into a warning', () => {
      const one = manifestItem(
        view({ problems: [{ severity: 'error' }, { severity: 'warning' }] }),
      );
      assert.equal(one.description, '1 problem');
      assert.deepEqual(one.icon, { id: 'warning', color: 'problemsWarningIcon.foreground' });
      const broken = manifestItem(
        view({
          label: 'flourish.yaml',
          manifest: undefined,
          problems: [{ severity: 'error' }, { severity: 'error' }],
        }),
      );
      assert.equal(broken.label, 'flourish.yaml');
      assert.equal(broken.description, '2 problems');
      const warningsOnly = manifestItem(view({ problems: [{ severity: 'warning' }] }));
      assert.equal(warningsOnly.description, 'dev · local');
      assert.deepEqual(warningsOnly.icon, { id: 'package' });
    });

    it('list the functions in the order the manifest declares them, none when it does not parse', () => {
      assert.deepEqual(
        functionsOf(view()).map((fn) => fn.key),
        ['checkout', 'refund'],
      );
      assert.deepEqual(functionsOf(view({ manifest: undefined })), []);
    });
  });

  describe('function rows', () => {
    it('show runtime, memory and timeout (with defaults) before the state is known', () => {
      const item = functionItem(checkout, undefined);
      assert.equal(item.label, 'checkout');
      assert.equal(item.description, 'nodejs22.x · 512 MB · 15 s');
      assert.equal(item.contextValue, 'function');
      assert.deepEqual(item.icon, { id: 'symbol-function' });
      assert.deepEqual(item.command, { command: 'flourish.openHandler', title: 'Open Handler' });
      assert.equal(item.collapsible, undefined);
      const defaults = functionItem(refund, undefined);
      assert.match(defaults.description ?? '', /^python3\.12 · \d+ MB · \d+ s$/);
    });

    it('mark each state with its word and icon', () => {
      const cases: [FunctionStatus, string, { id: string; color?: string }][] = [
        [
          { state: 'in-sync', detail: 'in sync (version 3)' },
          'in sync · ',
          { id: 'pass', color: 'testing.iconPassed' },
        ],
        [
          { state: 'changed', detail: 'code changed locally' },
          'changed · ',
          { id: 'circle-filled', color: 'gitDecoration.modifiedResourceForeground' },
        ],
        [
          { state: 'not-deployed', detail: 'not deployed to dev' },
          'not deployed · ',
          { id: 'circle-outline' },
        ],
        [
          { state: 'drifted', detail: 'changed outside Flourish since version 2' },
          'drifted · ',
          { id: 'warning', color: 'problemsWarningIcon.foreground' },
        ],
        [{ state: 'unknown', detail: 'the local cloud is stopped' }, '', { id: 'symbol-function' }],
      ];
      for (const [status, prefix, icon] of cases) {
        const item = functionItem(checkout, status);
        assert.equal(item.description, `${prefix}nodejs22.x · 512 MB · 15 s`, status.state);
        assert.deepEqual(item.icon, icon, status.state);
      }
    });

    it('put name, description, handler, state and URL in the tooltip', () => {
      const item = functionItem(checkout, {
        state: 'in-sync',
        detail: 'in sync (version 3)',
        url: 'http://127.0.0.1:4000/urls/abc/',
      });
      const tooltip = item.tooltip as { markdown: string };
      assert.deepEqual(tooltip.markdown.split('\n\n'), [
        `**${checkout.name}**`,
        'Takes the money',
        `Handler \`src/checkout.handler\` · ${checkout.architecture}`,
        'in sync (version 3)',
        'URL: http://127.0.0.1:4000/urls/abc/',
      ]);
      assert.equal(
        (functionItem(refund, undefined).tooltip as { markdown: string }).markdown.split('\n\n')
          .length,
        2,
        'no description, no state: name and handler only',
      );
    });

    it('offer "Open Function URL" (function.url) only when the function has a URL', () => {
      assert.equal(
        functionItem(checkout, { state: 'in-sync', detail: '', url: 'http://x/' }).contextValue,
        'function.url',
      );
      assert.equal(
        functionItem(checkout, { state: 'in-sync', detail: '' }).contextValue,
        'function',
      );
    });
  });

  describe('the state store', () => {
    const states = new Map<string, FunctionStatus>([
      ['checkout', { state: 'in-sync', detail: 'in sync (version 1)' }],
    ]);

    it('computes a manifest once: a second begin while known or under way gets nothing', () => {
      const store = new FunctionStateStore();
      const signal = store.begin(MANIFEST_FILE);
      assert.ok(signal);
      assert.equal(store.begin(MANIFEST_FILE), undefined, 'under way');
      assert.equal(store.hasStates, false);
      assert.equal(store.finish(MANIFEST_FILE, signal, states), true);
      assert.equal(store.begin(MANIFEST_FILE), undefined, 'known');
      assert.equal(store.hasStates, true);
      assert.deepEqual(store.get(MANIFEST_FILE, 'checkout'), states.get('checkout'));
      assert.equal(store.get(MANIFEST_FILE, 'refund'), undefined);
      assert.equal(store.get('/elsewhere/flourish.yaml', 'checkout'), undefined);
    });

    it('drops the states on clear and ignores the late answer of an abandoned computation', () => {
      const store = new FunctionStateStore();
      const first = store.begin(MANIFEST_FILE)!;
      store.clear();
      assert.equal(first.aborted, true, 'the computation under way is told to stop');
      const second = store.begin(MANIFEST_FILE)!;
      assert.ok(second, 'a new computation may start at once');
      assert.equal(store.finish(MANIFEST_FILE, first, states), false);
      assert.equal(store.get(MANIFEST_FILE, 'checkout'), undefined, 'the stale answer is not kept');
      assert.equal(
        store.begin(MANIFEST_FILE),
        undefined,
        'the newer computation is still under way',
      );
      const fresh = new Map<string, FunctionStatus>([
        ['checkout', { state: 'changed', detail: 'code changed locally' }],
      ]);
      assert.equal(store.finish(MANIFEST_FILE, second, fresh), true);
      assert.equal(store.get(MANIFEST_FILE, 'checkout')?.state, 'changed');
      store.clear();
      assert.equal(store.hasStates, false);
      assert.equal(store.get(MANIFEST_FILE, 'checkout'), undefined);
    });

    it('lets a failed computation be tried again', () => {
      const store = new FunctionStateStore();
      const signal = store.begin(MANIFEST_FILE)!;
      assert.equal(store.finish(MANIFEST_FILE, signal), false);
      assert.ok(store.begin(MANIFEST_FILE));
    });
  });
});
