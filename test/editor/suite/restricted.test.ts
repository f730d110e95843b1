// Runs in a workspace the user has not trusted (Restricted Mode). Reading and validating the
// manifest is safe and must work; anything that runs the project's code or ships it (build,
// deploy, the local cloud, invoke) must refuse and say why.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parse } from 'yaml';
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

/**
 * Commands that build, ship or run the project's code: flourish.build, package, deploy*,
 * invoke (the default target runs the handler on this machine), rollback, startLocalCloud. Not
 * restartLanguageServer, stopLocalCloud or the log commands, which run nothing from the
 * workspace.
 */
const GUARDED = /^flourish\.(build|package|deploy|invoke|rollback|startLocal)/i;
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
    // Name a function, as the explorer and CodeLens do, so no picker stands in the way.
    const ref = await firstFunction();
    for (const { command } of guarded) {
      await clearNotifications();
      const refusal = await refusalOf(command, ref);
      assert.ok(refusal.explained, `${command} in Restricted Mode: ${refusal.text}`);
    }
    await screenshot('a command refused in Restricted Mode');
  });

  it('started no local cloud while refusing', async function () {
    const flourishHome = process.env.FLOURISH_HOME;
    if (!flourishHome) this.skip(); // the harness gives each editor its own FLOURISH_HOME
    const endpointFile = vscode.Uri.file(path.join(flourishHome, 'endpoint.json'));
    const started = await vscode.workspace.fs.stat(endpointFile).then(
      () => true,
      () => false,
    );
    assert.equal(
      started,
      false,
      `a local cloud was started in Restricted Mode (${endpointFile.fsPath} exists)`,
    );
  });
});

interface FunctionRef {
  manifestFile: string;
  functionKey: string;
}

async function firstFunction(): Promise<FunctionRef> {
  const manifest = await workspaceManifest();
  const text = (await vscode.workspace.openTextDocument(manifest)).getText();
  const functions = (parse(text) as { functions?: Record<string, unknown> }).functions ?? {};
  const [functionKey] = Object.keys(functions);
  assert.ok(functionKey, 'the workspace manifest declares no function');
  return { manifestFile: manifest.fsPath, functionKey };
}

/**
 * Clears notifications and, with a harness, waits until none is on screen, so an earlier
 * command's message cannot pass for the next one's.
 */
async function clearNotifications(): Promise<void> {
  await vscode.commands.executeCommand('notifications.clearAll');
  const response = await harness()?.request({ kind: 'noNotifications', timeoutMs: 5_000 }, 10_000);
  if (response && !response.ok) throw new Error(`could not clear notifications: ${response.error}`);
}

interface Refusal {
  explained: boolean;
  text: string;
}

/**
 * Whether `command`, run in Restricted Mode, tells why it refuses: by rejecting with an error
 * that says so, by returning a refusal that says so ({ message }), or by a notification or a
 * panel of its own that says so. Another extension's notifications and panels are invisible to
 * the API, so the harness reads them from the workbench. A command that awaits its message may
 * not settle until the message is dismissed, so the two are raced.
 */
async function refusalOf(command: string, ref: FunctionRef): Promise<Refusal> {
  const settled = Promise.resolve(vscode.commands.executeCommand<unknown>(command, ref)).then(
    (value): Refusal => {
      // Flourish's commands return why they refused: { refused, message }.
      const message = (value as { message?: unknown } | undefined)?.message;
      return typeof message === 'string' && EXPLANATION.test(message)
        ? { explained: true, text: message }
        : { explained: false, text: `resolved with ${JSON.stringify(value)} and no error` };
    },
    (error: unknown): Refusal => {
      const message = error instanceof Error ? error.message : String(error);
      return { explained: EXPLANATION.test(message), text: `rejected: ${message}` };
    },
  );
  const channel = harness();
  if (!channel) return settled;
  let outcome = 'had not settled';
  void settled.then((r) => (outcome = r.text));
  // An explanation the command gives back (a rejection, or the refusal it returns) counts as
  // soon as it comes; so does one shown in the workbench while the command is still pending.
  const explainedBack = settled.then((r) =>
    r.explained ? r : new Promise<Refusal>(() => undefined),
  );
  const shown = channel
    .request(
      { kind: 'notifications', pattern: EXPLANATION.source, flags: 'i', timeoutMs: 10_000 },
      15_000,
    )
    .then((response): Refusal => {
      if (!response.ok)
        return { explained: false, text: `reading notifications failed: ${response.error}` };
      const texts = response.notifications ?? [];
      const match = texts.find((text) => EXPLANATION.test(text));
      return match
        ? { explained: true, text: match }
        : {
            explained: false,
            text: `no notification about trust (shown: ${texts.join(' | ') || 'none'}); the command ${outcome}`,
          };
    });
  return Promise.race([explainedBack, shown]);
}
