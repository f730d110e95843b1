// Restricted Mode: browsing and validation work; anything that runs workspace code (build,
// deploy, the local cloud, invoking locally) is refused with an explanation and a way out.
import * as vscode from 'vscode';

export interface Refusal {
  refused: 'restricted-mode';
  message: string;
}

export function isRefusal(value: unknown): value is Refusal {
  return (value as Refusal | undefined)?.refused === 'restricted-mode';
}

/** Undefined when the workspace is trusted; otherwise tells the user and returns why. */
export function refuseUntrusted(action: string): Refusal | undefined {
  if (vscode.workspace.isTrusted) return undefined;
  const message = `${action} runs code from this workspace, so Flourish does not do it in Restricted Mode. Trust the workspace to allow it.`;
  void vscode.window
    .showWarningMessage(message, 'Manage Workspace Trust')
    .then((choice) => choice && vscode.commands.executeCommand('workbench.trust.manage'));
  return { refused: 'restricted-mode', message };
}
