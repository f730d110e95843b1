// package.json and the command table must agree both ways: a declared command that is not
// registered fails when clicked, a registered one that is not declared is invisible and
// untranslatable.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { declaredCommands, flourishExtension, waitFor } from './helpers';

describe('commands', () => {
  before(async () => {
    const extension = flourishExtension();
    await waitFor(() => extension.isActive, 'flourish.flourish to activate');
  });

  it('registers every command declared in package.json contributes.commands', async () => {
    const declared = declaredCommands().map((contribution) => contribution.command);
    assert.ok(declared.length > 0, 'package.json declares no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter((id) => !registered.has(id));
    assert.deepEqual(
      missing,
      [],
      `declared in package.json but not registered: ${missing.join(', ')}`,
    );
  });

  it('declares in package.json every flourish.* command it registers', async () => {
    const declared = new Set(declaredCommands().map((contribution) => contribution.command));
    const registered = (await vscode.commands.getCommands(true)).filter((id) =>
      id.startsWith('flourish.'),
    );
    // The editor registers focus commands for contributed views by itself (`<view id>.focus`,
    // `.resetViewLocation`, ...); those are the views' commands, not the extension's.
    const viewIds = contributedViewIds();
    const undeclared = registered.filter(
      (id) => !declared.has(id) && !viewIds.some((view) => id.startsWith(`${view}.`)),
    );
    assert.deepEqual(
      undeclared,
      [],
      `registered but not in package.json: ${undeclared.join(', ')}`,
    );
  });
});

function contributedViewIds(): string[] {
  const contributes = flourishExtension().packageJSON.contributes as
    | {
        views?: Record<string, { id: string }[]>;
        viewsContainers?: Record<string, { id: string }[]>;
      }
    | undefined;
  const views = Object.values(contributes?.views ?? {}).flat();
  const containers = Object.values(contributes?.viewsContainers ?? {}).flat();
  return [...views, ...containers.map((c) => ({ id: `workbench.view.extension.${c.id}` }))].map(
    (view) => view.id,
  );
}
