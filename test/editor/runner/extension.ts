// The test-runner extension: installed next to Flourish in the editor under test, never
// shipped. It activates on startup, and only when the harness has given the editor a run
// configuration does it run the suites (without blocking the extension host's startup).
import type * as vscode from 'vscode';
import { readRunConfig, runFromConfig } from './runSuites';

export function activate(_context: vscode.ExtensionContext): void {
  const config = readRunConfig();
  if (!config) return;
  runFromConfig(config).catch((error: unknown) => {
    console.error('Flourish editor tests: the runner failed to write its results', error);
  });
}

export function deactivate(): void {}
