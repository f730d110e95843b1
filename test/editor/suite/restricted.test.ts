// Runs in a workspace the user has not trusted (Restricted Mode). Reading and validating the
// manifest is safe and must work; anything that runs the project's code or ships it (build,
// deploy, the local cloud, invoke) must refuse and say why.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  declaredCommands,
  flourishExtension,
  harness,
  screenshot,
  setText,
  waitFor,
  waitForDiagnostics,
  workspaceManifest,
} from './helpers';
import { breakMemory } from './manifests';

/** Commands that build, ship or run the project's code (not e.g. restartLanguageServer). */
const GUARDED =
  /^flourish\.(build|deploy|rollback|invoke|package|publish|local|run)|(start|stop)Local/i;
/** What a refusal must talk about. */
const EXPLANATION = /trust|restricted/i;

describe('Restricted Mode', () => {
  it('opens the workspace untrusted', () => {
    assert.equal(
      vscode.workspace.isTrusted,
      false,
      'the workspace is trusted; the harness should not trust it',
    );
  });

  it('activates flourish.flourish in the untrusted workspace', async () => {
    const extension = flourishExtension();
    await waitFor(() => extension.isActive, 'flourish.flourish to activate in Restricted Mode');
    await extension.activate(); // rethrows an error activate() threw
  });

  it('still validates flourish.yaml', async () => {
    const manifest = await workspaceManifest();
    const original = (await vscode.workspace.openTextDocument(manifest)).getText();
    const broken = breakMemory(original);
    await setText(manifest, broken.text);
    await waitForDiagnostics(
      manifest,
      (diagnostics) => diagnostics.some((d) => d.range.start.line === broken.line),
      'a diagnostic on "memory: lots" in Restricted Mode',
    );
    await setText(manifest, original);
  });

  it('refuses build, deploy and local-cloud commands with an explanation', async () => {
    const guarded = declaredCommands().filter((c) => GUARDED.test(c.command));
    assert.ok(guarded.length > 0, 'package.json declares no build, deploy or local-cloud command');
    const channel = harness();
    for (const { command } of guarded) {
      await vscode.commands.executeCommand('notifications.clearAll');
      const refusal = await refusalOf(command, channel);
      assert.match(
        refusal,
        EXPLANATION,
        `${command} in Restricted Mode said "${refusal}", which does not mention trust`,
      );
    }
    await screenshot('a command refused in Restricted Mode');
  });
});

/**
 * What the editor tells the user when `command` runs in Restricted Mode: either the error the
 * command rejects with, or the text of a notification it shows (read by the harness from the
 * workbench, because the API cannot read another extension's notifications). A command that
 * shows a modal or non-modal message may not resolve until it is dismissed, so the two are raced.
 */
async function refusalOf(command: string, channel: ReturnType<typeof harness>): Promise<string> {
  const rejected = Promise.resolve(vscode.commands.executeCommand(command)).then(
    () => new Promise<string>(() => undefined), // resolved quietly: wait for a notification instead
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  if (!channel) return rejected;
  const shown = channel
    .request(
      { kind: 'notifications', pattern: EXPLANATION.source, flags: 'i', timeoutMs: 10_000 },
      15_000,
    )
    .then((response) => {
      if (!response.ok) throw new Error(`reading notifications failed: ${response.error}`);
      const texts = response.notifications ?? [];
      const match = texts.find((text) => EXPLANATION.test(text));
      if (match) return match;
      return `${command} showed no notification about trust (notifications: ${texts.join(' | ') || 'none'})`;
    });
  return Promise.race([rejected, shown]);
}
