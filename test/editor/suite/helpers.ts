// Helpers for the editor suites. They run inside the extension host with the real `vscode` API.
// Waiting is event-driven where the API has an event, and a polled condition with a deadline
// where it has none (extension activation has no event).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { HarnessChannel } from '../shared/channel';
import { CONFIG_ENV, type RunConfig } from '../shared/protocol';
import { readFileSync } from 'node:fs';

export const EXTENSION_ID = 'flourish.flourish';

export function flourishExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed in the editor under test`);
  return extension;
}

interface CommandContribution {
  command: string;
  title?: string | { value: string };
  category?: string;
}

/** `contributes.commands` of the installed extension's own package.json. */
export function declaredCommands(): CommandContribution[] {
  const contributes = flourishExtension().packageJSON.contributes as
    { commands?: CommandContribution[] } | undefined;
  return contributes?.commands ?? [];
}

/** Polls `condition` every 50 ms until it holds; fails after `timeoutMs` naming `what`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves with the diagnostics of `uri` once `accept` holds for them; event-driven. */
export function waitForDiagnostics(
  uri: vscode.Uri,
  accept: (diagnostics: readonly vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<readonly vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const diagnostics = vscode.languages.getDiagnostics(uri);
      if (!accept(diagnostics)) return false;
      done();
      resolve(diagnostics);
      return true;
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((changed) => changed.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      done();
      const now = vscode.languages.getDiagnostics(uri).map(describeDiagnostic);
      reject(
        new Error(
          `timed out after ${timeoutMs} ms waiting for ${what} on ${uri.fsPath}; ` +
            `diagnostics now: ${now.length ? now.join('; ') : 'none'}`,
        ),
      );
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      subscription.dispose();
    };
    check();
  });
}

export function describeDiagnostic(diagnostic: vscode.Diagnostic): string {
  const severity = vscode.DiagnosticSeverity[diagnostic.severity];
  return `${severity} at ${diagnostic.range.start.line + 1}:${diagnostic.range.start.character + 1} ${diagnostic.message}`;
}

/** The workspace's flourish.yaml. */
export async function workspaceManifest(): Promise<vscode.Uri> {
  const [manifest] = await vscode.workspace.findFiles('**/flourish.yaml', '**/node_modules/**', 1);
  assert.ok(manifest, 'the workspace under test has no flourish.yaml');
  return manifest;
}

/** Opens `uri` in an editor and replaces its whole text (unsaved, as a user typing would). */
export async function setText(uri: vscode.Uri, text: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(0, 0, document.lineCount, 0), text);
  assert.ok(await vscode.workspace.applyEdit(edit), `could not edit ${uri.fsPath}`);
  assert.equal(document.getText(), text);
  return document;
}

/** The position of the first occurrence of `needle` in `text`, plus `offset` characters. */
export function positionOf(text: string, needle: string, offset = 0): vscode.Position {
  const index = text.indexOf(needle);
  assert.ok(index >= 0, `"${needle}" is not in the test manifest`);
  const before = text.slice(0, index + offset).split('\n');
  return new vscode.Position(before.length - 1, before[before.length - 1].length);
}

function runConfig(): RunConfig | undefined {
  const file = process.env[CONFIG_ENV];
  return file ? (JSON.parse(readFileSync(file, 'utf8')) as RunConfig) : undefined;
}

/** The harness outside the editor, when there is one (code-server runs; not test-electron). */
export function harness(): HarnessChannel | undefined {
  const config = runConfig();
  return config?.channelDir
    ? new HarnessChannel(config.channelDir, `${config.scenario}-suite`)
    : undefined;
}

/** Asks the harness for a named screenshot of the workbench; a no-op without a harness. */
export async function screenshot(name: string): Promise<void> {
  const channel = harness();
  if (!channel) return;
  const response = await channel.request({ kind: 'screenshot', name }, 15_000);
  if (!response.ok) throw new Error(`screenshot "${name}" failed: ${response.error}`);
}
