import type * as vscode from 'vscode';
import type { CloudFeatures } from './cloud';
import type { DeployedTreeProvider } from './deployedTree';
import type { FunctionsTreeProvider } from './functionsTree';
import type { ManifestLanguageClient } from './languageClient';
import type { WorkspaceManifests } from './workspaceManifests';

/** What command handlers may use; built once in activate() and passed down, never global. */
export interface FlourishContext {
  extension: vscode.ExtensionContext;
  output: vscode.LogOutputChannel;
  languageClient: ManifestLanguageClient;
  manifests: WorkspaceManifests;
  functionsTree: FunctionsTreeProvider;
  deployedTree: DeployedTreeProvider;
  /** The cloud features, loaded on first use (see cloud/index.ts). */
  cloud(): Promise<CloudFeatures>;
}
