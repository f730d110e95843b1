import assert from 'node:assert/strict';
import type { AliasInfo, FunctionVersion } from '../../../src/core/cloud/provider';
import {
  appendPage,
  collectPage,
  deployedItem,
  errorNodes,
  functionNodes,
  localStoppedNodes,
  MAX_FILTER_PAGES,
  PAGE_SIZE,
  targetNodes,
  versionNodes,
  workspaceNames,
  type DeployedNode,
  type DeployedViewState,
  type TargetSettings,
} from '../../../src/extension/deployedTreeModel';
import { deployedFunction, MANIFEST_FILE, shopManifest } from './viewFixtures';

const LOCAL: TargetSettings = { kind: 'local' };
const AWS: TargetSettings = { kind: 'aws', profile: 'ops', region: 'eu-west-1' };

/** A cloud's paged function list over `names`, `size` per page, recording what was asked. */
function pagedList(names: string[], size: number) {
  const asked: (string | undefined)[] = [];
  const listPage = (marker?: string) => {
    asked.push(marker);
    const start = marker ? Number(marker) : 0;
    const end = start + size;
    return Promise.resolve({
      items: names.slice(start, end).map((name) => deployedFunction(name)),
      nextToken: end < names.length ? String(end) : undefined,
    });
  };
  return { listPage, asked };
}

const names = (count: number, prefix: string) =>
  Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);

const VIEW: DeployedViewState = {
  filter: '',
  relativePath: (file) => file.replace('/work/', ''),
  formatTime: (date) => date.toISOString().slice(0, 16),
};

function deployedNode(name: string, linked: boolean): Extract<DeployedNode, { kind: 'deployed' }> {
  return {
    kind: 'deployed',
    target: LOCAL,
    fn: deployedFunction(name),
    ref: linked ? { manifestFile: MANIFEST_FILE, functionKey: 'checkout' } : undefined,
  };
}

describe('Deployed view model', () => {
  describe('paging and filter', () => {
    it('reads one page of the cloud list when unfiltered, from the marker it is given', async () => {
      const cloud = pagedList(names(120, 'fn'), PAGE_SIZE);
      const first = await collectPage(cloud.listPage);
      assert.equal(first.functions.length, PAGE_SIZE);
      assert.equal(first.nextMarker, String(PAGE_SIZE));
      const last = await collectPage(cloud.listPage, '100');
      assert.deepEqual(
        last.functions.map((f) => f.name),
        names(120, 'fn').slice(100),
      );
      assert.equal(last.nextMarker, undefined);
      assert.deepEqual(cloud.asked, [undefined, '100']);
    });

    it('filters by a case-insensitive part of the name, reading on until a page is full', async () => {
      // 1 match in 10 names: five cloud pages of 100 hold the 50 matches of a full view page.
      const all = Array.from({ length: 1000 }, (_, i) =>
        i % 10 === 0 ? `shop-dev-Checkout-${i}` : `other-${i}`,
      );
      const cloud = pagedList(all, 100);
      const page = await collectPage(cloud.listPage, undefined, '  CHECKOUT ');
      assert.equal(page.functions.length, PAGE_SIZE);
      assert.ok(page.functions.every((f) => f.name.includes('Checkout')));
      assert.equal(cloud.asked.length, 5);
      assert.equal(page.nextMarker, '500', 'the next page goes on where this one stopped');
    });

    it('stops a filter after MAX_FILTER_PAGES cloud pages and offers to go on', async () => {
      const cloud = pagedList(names(MAX_FILTER_PAGES * 10 + 5, 'fn'), 10);
      const page = await collectPage(cloud.listPage, undefined, 'nomatch');
      assert.deepEqual(page.functions, []);
      assert.equal(cloud.asked.length, MAX_FILTER_PAGES);
      assert.equal(page.nextMarker, String(MAX_FILTER_PAGES * 10));
    });

    it('turns a page into rows: functions linked to the workspace, then "Load more…"', () => {
      const refs = workspaceNames([{ file: MANIFEST_FILE, manifest: shopManifest() }]);
      const nodes = functionNodes(
        AWS,
        {
          functions: [deployedFunction('shop-dev-checkout'), deployedFunction('billing-prod-run')],
          nextMarker: 'm2',
        },
        refs,
        '',
      );
      assert.deepEqual(
        nodes.map((n) => n.kind),
        ['deployed', 'deployed', 'more'],
      );
      assert.deepEqual((nodes[0] as { ref?: unknown }).ref, {
        manifestFile: MANIFEST_FILE,
        functionKey: 'checkout',
      });
      assert.equal((nodes[1] as { ref?: unknown }).ref, undefined);
      assert.deepEqual(nodes[2], { kind: 'more', target: AWS, marker: 'm2' });
      assert.deepEqual(deployedItem(nodes[2], VIEW), {
        label: 'Load more…',
        icon: { id: 'ellipsis' },
        command: { command: 'flourish.loadMoreDeployed', title: 'Load more' },
      });
    });

    it('says why a target is empty: nothing deployed, or nothing matches the filter', () => {
      const empty = { functions: [] };
      assert.deepEqual(functionNodes(LOCAL, empty, new Map(), ''), [
        { kind: 'message', text: 'No functions deployed.' },
      ]);
      assert.deepEqual(functionNodes(LOCAL, empty, new Map(), 'pay'), [
        { kind: 'message', text: 'No function matches "pay".' },
      ]);
      assert.equal(
        functionNodes(LOCAL, { functions: [], nextMarker: 'm' }, new Map(), 'pay')[0].kind,
        'more',
        'an empty filtered page that can go on offers more, not "no match"',
      );
    });

    it('puts the next page in the place of "Load more…"', () => {
      const first = functionNodes(
        LOCAL,
        { functions: [deployedFunction('a')], nextMarker: '1' },
        new Map(),
        '',
      );
      const next = functionNodes(LOCAL, { functions: [deployedFunction('b')] }, new Map(), '');
      const rows = appendPage(first, first[1], next);
      assert.deepEqual(
        rows.map((n) => (n.kind === 'deployed' ? n.fn.name : n.kind)),
        ['a', 'b'],
      );
    });

    it('links deployed names to workspace functions under the chosen stage', () => {
      assert.deepEqual(
        [...workspaceNames([{ file: MANIFEST_FILE, manifest: shopManifest('prod') }]).keys()],
        ['shop-prod-checkout', 'shop-prod-refund'],
      );
      assert.equal(workspaceNames([{ file: MANIFEST_FILE }]).size, 0);
    });
  });

  describe('targets', () => {
    it('lists the local cloud, then AWS with the settings, else the manifest, profile and region', () => {
      const manifest = shopManifest();
      assert.deepEqual(targetNodes({ profile: '', region: '' }, manifest), [
        { kind: 'target', target: { kind: 'local' } },
        { kind: 'target', target: { kind: 'aws', profile: undefined, region: 'eu-west-1' } },
      ]);
      assert.deepEqual(targetNodes({ profile: 'ops', region: 'us-east-2' }, manifest)[1], {
        kind: 'target',
        target: { kind: 'aws', profile: 'ops', region: 'us-east-2' },
      });
      assert.deepEqual(targetNodes({ profile: '', region: '' }, undefined)[1], {
        kind: 'target',
        target: { kind: 'aws', profile: undefined, region: undefined },
      });
    });

    it('shows the local cloud running or stopped, with the matching start/stop menu', () => {
      const stopped = deployedItem({ kind: 'target', target: LOCAL }, VIEW);
      assert.equal(stopped.description, 'stopped');
      assert.equal(stopped.contextValue, 'localCloud.stopped');
      assert.equal(stopped.collapsible, 'expanded');
      const running = deployedItem(
        { kind: 'target', target: LOCAL },
        { ...VIEW, localRunning: { endpoint: 'http://127.0.0.1:4000' } },
      );
      assert.equal(running.description, 'running at http://127.0.0.1:4000');
      assert.equal(running.contextValue, 'localCloud.running');
      assert.deepEqual(localStoppedNodes(), [
        { kind: 'message', text: 'Stopped. Start it to see its functions.', icon: 'debug-stop' },
      ]);
    });

    it('shows AWS collapsed with region, profile and the active filter', () => {
      const item = deployedItem({ kind: 'target', target: AWS }, { ...VIEW, filter: 'pay' });
      assert.equal(item.label, 'AWS Lambda');
      assert.equal(item.collapsible, 'collapsed', 'listing an account waits for a click');
      assert.equal(item.description, 'eu-west-1 · ops · filter "pay"');
      assert.equal(item.contextValue, 'aws');
      assert.equal(
        deployedItem({ kind: 'target', target: { kind: 'aws' } }, VIEW).description,
        'default region',
      );
    });
  });

  describe('functions, aliases and versions', () => {
    it('marks a deployed function that belongs to the workspace', () => {
      const linked = deployedItem(deployedNode('shop-dev-checkout', true), VIEW);
      assert.equal(linked.contextValue, 'deployedFunction.workspace');
      assert.deepEqual(linked.icon, { id: 'symbol-function' });
      assert.equal(linked.description, 'nodejs22.x · 512 MB');
      assert.equal(linked.collapsible, 'collapsed');
      assert.equal(linked.id, '{"kind":"local"}/shop-dev-checkout');
      assert.match(
        linked.tooltip as string,
        /^arn:aws:lambda:.*:shop-dev-checkout\nLast modified .*\nFunction "checkout" of shop\/flourish\.yaml$/,
      );
      const foreign = deployedItem(deployedNode('billing-prod-run', false), VIEW);
      assert.equal(foreign.contextValue, 'deployedFunction');
      assert.deepEqual(foreign.icon, { id: 'cloud' });
      assert.doesNotMatch(foreign.tooltip as string, /Function "/);
    });

    it('lists aliases, then versions newest first, marking the versions an alias points at', () => {
      const parent = deployedNode('shop-dev-checkout', true);
      const versions: FunctionVersion[] = ['$LATEST', '1', '2', '3'].map((v) =>
        deployedFunction('shop-dev-checkout', v),
      );
      const aliases = [
        { name: 'dev', version: '3', arn: 'arn:alias:dev' },
        { name: 'prod', version: '1', arn: 'arn:alias:prod' },
      ] as AliasInfo[];
      const nodes = versionNodes(parent, versions, aliases);
      const items = nodes.map((node) => deployedItem(node, VIEW));
      assert.deepEqual(
        items.map((i) => i.label),
        ['dev → 3', 'prod → 1', 'version 3', 'version 2', 'version 1', 'version $LATEST'],
      );
      assert.deepEqual(
        items.map((i) => i.contextValue),
        ['alias', 'alias', 'version', 'version.rollback', 'version', 'version.rollback'],
      );
      assert.deepEqual(
        items.map((i) => i.icon?.id),
        ['tag', 'tag', 'pass-filled', 'versions', 'pass-filled', 'versions'],
      );
      assert.equal(items[2].description, '2026-11-24T12:00 ← dev');
      assert.equal(items[3].description, '2026-11-24T12:00');
      assert.equal(items[0].tooltip, 'arn:alias:dev');
      assert.equal(
        items[2].tooltip,
        'arn:aws:lambda:eu-west-1:000000000000:function:shop-dev-checkout:3\ndeployed 3',
      );
      assert.deepEqual(
        versions.map((v) => v.version),
        ['$LATEST', '1', '2', '3'],
        "the cloud's list is left as it was",
      );
    });

    it('offers no rollback on functions outside the workspace', () => {
      const nodes = versionNodes(
        deployedNode('billing-prod-run', false),
        [deployedFunction('billing-prod-run', '1')],
        [],
      );
      assert.equal(deployedItem(nodes[0], VIEW).contextValue, 'version');
    });

    it('shows a time it cannot read as it came', () => {
      const [node] = versionNodes(
        deployedNode('f', true),
        [deployedFunction('f', '4', 'yesterday-ish')],
        [],
      );
      assert.equal(deployedItem(node, VIEW).description, 'yesterday-ish');
    });

    it('shows a failed read as a row with the error', () => {
      const [node] = errorNodes(
        new Error('The security token included in the request is invalid.'),
      );
      assert.deepEqual(deployedItem(node, VIEW), {
        label: 'The security token included in the request is invalid.',
        icon: { id: 'error' },
      });
    });
  });
});
