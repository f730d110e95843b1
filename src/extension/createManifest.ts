import * as vscode from 'vscode';
import { manifestTools } from './lazyManifest';

const STARTER_RUNTIME = 'nodejs22.x';

function starterManifest(service: string, handlerFile: string): string {
  return `# Flourish manifest: functions, runtimes, memory, timeouts and events of one service.
service: ${service}
provider:
  name: local
  region: us-east-1
stage: dev

functions:
  hello:
    handler: ${handlerFile}.handler
    runtime: ${STARTER_RUNTIME}
    memory: 256
    timeout: 10
`;
}

/** Writes a starter flourish.yaml and its handler into a workspace folder; never overwrites. */
export async function createManifest(): Promise<void> {
  const folder = await pickFolder();
  if (!folder) return;
  const manifestUri = vscode.Uri.joinPath(folder.uri, 'flourish.yaml');
  if (await exists(manifestUri)) {
    await vscode.window.showTextDocument(manifestUri);
    void vscode.window.showInformationMessage(
      'This folder already has a flourish.yaml; opened it.',
    );
    return;
  }
  const { handlerStub } = await manifestTools();
  const stub = handlerStub(STARTER_RUNTIME, 'handler');
  const handlerUri = vscode.Uri.joinPath(folder.uri, 'src', `hello${stub.extension}`);
  const service =
    folder.name
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'service';
  const encoder = new TextEncoder();
  if (!(await exists(handlerUri))) {
    await vscode.workspace.fs.writeFile(handlerUri, encoder.encode(stub.content));
  }
  await vscode.workspace.fs.writeFile(
    manifestUri,
    encoder.encode(starterManifest(service, 'src/hello')),
  );
  await vscode.window.showTextDocument(manifestUri);
}

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) {
    if (!folders[0])
      void vscode.window.showInformationMessage(
        'Open a folder first, then create flourish.yaml in it.',
      );
    return folders[0];
  }
  return vscode.window.showWorkspaceFolderPick({
    placeHolder: 'Create flourish.yaml in which folder?',
  });
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}
