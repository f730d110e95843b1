// Every panel's HTML comes from here: a strict Content Security Policy (nothing by default,
// scripts only with this page's nonce, styles and fonts only from the extension), and resources
// only from dist/webview and media/.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function webviewOptions(
  extensionUri: vscode.Uri,
): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
      vscode.Uri.joinPath(extensionUri, 'media'),
    ],
  };
}

export interface PageParts {
  title: string;
  /** Bundle name under dist/webview, without extension. */
  script: string;
  /** Stylesheet under media/. */
  stylesheet: string;
  /** Static markup; anything dynamic is rendered by the script, never interpolated here. */
  body: string;
}

export function renderWebviewHtml(
  webview: vscode.Webview,
  extensionUri: vscode.Uri,
  parts: PageParts,
): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (...segments: string[]) =>
    webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...segments)).toString();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('dist', 'webview', 'codicon.css')}" id="vscode-codicon-stylesheet">
<link rel="stylesheet" href="${asset('media', parts.stylesheet)}">
<title>${escapeHtml(parts.title)}</title>
</head>
<body>
${parts.body}
<script type="module" nonce="${nonce}" src="${asset('dist', 'webview', `${parts.script}.js`)}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
