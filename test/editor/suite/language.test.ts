// The language server, seen from the editor: diagnostics on a broken manifest that clear when it
// is fixed, completion and hover in flourish.yaml.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  describeDiagnostic,
  positionOf,
  screenshot,
  setText,
  waitForDiagnostics,
  workspaceManifest,
} from './helpers';
import { breakMemory, INCOMPLETE, VALID } from './manifests';

describe('flourish.yaml language features', () => {
  let manifest: vscode.Uri;
  let original: string;

  before(async () => {
    manifest = await workspaceManifest();
    original = (await vscode.workspace.openTextDocument(manifest)).getText();
  });

  after(async () => {
    // Leave the workspace's manifest as it was on disk for the suites that follow.
    const document = await setText(manifest, original);
    await document.save();
  });

  it('shows diagnostics for a broken manifest and clears them when it is fixed', async () => {
    const broken = breakMemory(original);
    await setText(manifest, broken.text);
    const shown = await waitForDiagnostics(
      manifest,
      (diagnostics) => diagnostics.some((d) => d.range.start.line === broken.line),
      'a diagnostic on "memory: lots"',
    );
    assert.ok(
      shown.some(
        (d) => d.range.start.line === broken.line && d.severity === vscode.DiagnosticSeverity.Error,
      ),
      `expected an error on line ${broken.line + 1} among: ${shown.map(describeDiagnostic).join('; ')}`,
    );
    await screenshot('diagnostics on a broken flourish.yaml');

    // Fixing it: back to the example as it is on disk, which is a valid manifest.
    await setText(manifest, original);
    await waitForDiagnostics(
      manifest,
      (diagnostics) =>
        !diagnostics.some(
          (d) =>
            d.range.start.line === broken.line || d.severity === vscode.DiagnosticSeverity.Error,
        ),
      'the errors to clear after the manifest was fixed',
    );
  });

  it('completes function keys in flourish.yaml', async () => {
    await setText(manifest, INCOMPLETE);
    const position = positionOf(INCOMPLETE, '    \n', 4);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      manifest,
      position,
    );
    const labels = list.items.map((item) =>
      typeof item.label === 'string' ? item.label : item.label.label,
    );
    for (const key of ['memory', 'timeout']) {
      assert.ok(
        labels.includes(key),
        `completion at a function's keys lacks "${key}"; got: ${labels.join(', ')}`,
      );
    }
  });

  it('explains a key on hover in flourish.yaml', async () => {
    await setText(manifest, VALID);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      manifest,
      positionOf(VALID, 'memory:', 2),
    );
    const text = hovers
      .flatMap((hover) => hover.contents)
      .map((content) => (typeof content === 'string' ? content : content.value))
      .join('\n')
      .trim();
    assert.ok(text.length > 0, 'no hover text for the "memory" key');
  });
});
