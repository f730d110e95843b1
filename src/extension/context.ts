import type * as vscode from 'vscode';
import type { FunctionsTreeProvider } from './functionsTree';
import type { ManifestLanguageClient } from './languageClient';
import type { LocalCloudService } from './localCloudService';
import type { LogTail } from './logTail';
import type { WorkspaceManifests } from './workspaceManifests';

/** What command handlers may use; built once in activate() and passed down, never global. */
export interface FlourishContext {
  extension: vscode.ExtensionContext;
  output: vscode.LogOutputChannel;
  languageClient: ManifestLanguageClient;
  manifests: WorkspaceManifests;
  localCloud: LocalCloudService;
  functionsTree: FunctionsTreeProvider;
  logTail: LogTail;
}
