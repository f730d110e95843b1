// Runs in a workspace without flourish.yaml. The runner starts on `onStartupFinished`, after
// the editor has fired every startup activation event (`workspaceContains` among them), so an
// extension that is still inactive here was not activated by the workspace.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { flourishExtension } from './helpers';

describe('activation in a workspace without flourish.yaml', () => {
  it('has the workspace open and no flourish.yaml in it', async () => {
    assert.ok(vscode.workspace.workspaceFolders?.length, 'no workspace folder is open');
    const manifests = await vscode.workspace.findFiles('**/flourish.yaml');
    assert.deepEqual(manifests, []);
  });

  it('leaves flourish.flourish installed but inactive, also after a file is opened', async () => {
    const extension = flourishExtension();
    const [file] = await vscode.workspace.findFiles('**/*.md', undefined, 1);
    assert.ok(file, 'the workspace without a manifest should hold a README.md to open');
    await vscode.window.showTextDocument(file);
    assert.equal(extension.isActive, false, 'flourish.flourish activated without a flourish.yaml');
  });
});
