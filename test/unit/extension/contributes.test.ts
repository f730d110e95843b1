// Keeps package.json `contributes` and the extension's typed lists in step, and checks that
// contributions are tidy (categories, menus keyed on known ids, declared settings scoped).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { COMMAND_IDS, TRUSTED_ONLY } from '../../../src/extension/commandIds';
import { SETTING_DEFAULTS, SETTING_KEYS } from '../../../src/extension/settingDefaults';

interface Contributes {
  commands: {
    command: string;
    title: string;
    category?: string;
    icon?: string;
    enablement?: string;
  }[];
  menus: Record<string, { command: string; when?: string }[]>;
  configuration: { properties: Record<string, { default: unknown; scope?: string }> };
  views: Record<string, { id: string }[]>;
}

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  contributes: Contributes;
  activationEvents: string[];
  main: string;
};

describe('package.json contributes', () => {
  it('declares exactly the commands the extension registers', () => {
    const declared = pkg.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(declared, [...COMMAND_IDS].sort());
  });

  it('gives every command the Flourish category and a title', () => {
    for (const c of pkg.contributes.commands) {
      assert.equal(c.category, 'Flourish', `${c.command} has no category`);
      assert.ok(c.title.length > 0, `${c.command} has no title`);
    }
  });

  it('puts only known commands in menus, with an icon where they sit inline', () => {
    const known = new Set<string>(COMMAND_IDS);
    const icons = new Map(pkg.contributes.commands.map((c) => [c.command, c.icon]));
    for (const [menu, entries] of Object.entries(pkg.contributes.menus)) {
      for (const entry of entries) {
        assert.ok(known.has(entry.command), `${menu} names unknown command ${entry.command}`);
        if (menu !== 'commandPalette') {
          assert.ok(icons.get(entry.command), `${entry.command} sits in ${menu} without an icon`);
        }
      }
    }
  });

  it('disables the commands that run workspace code in Restricted Mode', () => {
    for (const id of TRUSTED_ONLY) {
      const declared = pkg.contributes.commands.find((c) => c.command === id);
      assert.equal(
        declared?.enablement,
        'isWorkspaceTrusted',
        `${id} is enabled in Restricted Mode`,
      );
    }
  });

  it('keys item menus on viewItem', () => {
    for (const entry of pkg.contributes.menus['view/item/context'] ?? []) {
      assert.match(
        entry.when ?? '',
        /viewItem (==|=~) \S+/,
        `${entry.command} menu has no viewItem`,
      );
    }
  });

  it('declares exactly the settings the extension reads, with matching defaults and a scope', () => {
    const properties = pkg.contributes.configuration.properties;
    assert.deepEqual(
      Object.keys(properties).sort(),
      SETTING_KEYS.map((k) => `flourish.${k}`).sort(),
    );
    for (const key of SETTING_KEYS) {
      const declared = properties[`flourish.${key}`];
      assert.deepEqual(declared.default, SETTING_DEFAULTS[key], `default of flourish.${key}`);
      assert.ok(declared.scope, `flourish.${key} has no scope`);
    }
  });

  it('links only to commands that exist from walkthroughs and welcome views', () => {
    const text = JSON.stringify([
      (pkg.contributes as unknown as Record<string, unknown>).walkthroughs,
      (pkg.contributes as unknown as Record<string, unknown>).viewsWelcome,
    ]);
    const linked = [...text.matchAll(/command:(flourish\.[A-Za-z]+)/g)].map((m) => m[1]);
    assert.ok(linked.length > 0);
    for (const id of linked)
      assert.ok((COMMAND_IDS as readonly string[]).includes(id), `unknown ${id}`);
  });

  it('activates narrowly, never on startup', () => {
    assert.ok(!pkg.activationEvents.includes('*'));
    assert.ok(!pkg.activationEvents.includes('onStartupFinished'));
    assert.ok(pkg.activationEvents.some((e) => e.startsWith('workspaceContains:')));
  });
});
