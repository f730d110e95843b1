import * as vscode from 'vscode';
import type { FlourishContext } from './context';
import type { ExplorerNode } from './functionsTree';
import { manifestTools } from './lazyManifest';

/** Opens a function's handler source at the exported function, or says why it cannot. */
export async function openHandler(
  ctx: FlourishContext,
  node: ExplorerNode | undefined,
): Promise<void> {
  if (node?.kind !== 'function' || !node.entry.manifest) {
    void vscode.window.showInformationMessage(
      'Choose a function in the Flourish explorer to open its handler.',
    );
    return;
  }
  const { fn } = node;
  const { resolveHandler } = await manifestTools();
  const target = await resolveHandler(node.entry.manifest.root, fn);
  if (!target.file) {
    ctx.output.appendLine(
      `Handler ${fn.handler} of ${fn.key}: no source file; looked for ${target.candidates.join(', ')}`,
    );
    const choice = await vscode.window.showErrorMessage(
      `The handler file for "${fn.key}" (${fn.handler}) does not exist. Create it, or fix "handler" in flourish.yaml.`,
      'Open Manifest',
    );
    if (choice) await vscode.window.showTextDocument(node.entry.uri);
    return;
  }
  const document = await vscode.workspace.openTextDocument(target.file);
  const range = target.found?.range;
  const selection = range
    ? new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character)
    : undefined;
  await vscode.window.showTextDocument(document, { selection });
}
