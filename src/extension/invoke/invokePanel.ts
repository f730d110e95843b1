// The invoke panel's extension side: one panel per function, speaking the typed protocol in
// src/webview/invoke/protocol.ts. Invocation itself is the core's (the same as the CLI's).
import * as vscode from 'vscode';
import {
  deletePayload,
  findSampleEvent,
  listPayloads,
  readPayload,
  renamePayload,
  SAMPLE_EVENTS,
  savePayload,
} from '../../core/events';
import { streamsResponse } from '../../core/deploy/urls';
import type { FunctionSpec, Manifest } from '../../core/manifest';
import type {
  ExtensionToPanel,
  InvokeOutcomeView,
  PanelToExtension,
} from '../../webview/invoke/protocol';
import { renderWebviewHtml, webviewOptions } from '../webviewHtml';
import { liveText } from './liveText';

/** Resolves the function again after the target or stage changed (the manifest differs per stage). */
export type Rebind = () => Promise<
  { manifest: Manifest; fn: FunctionSpec; backend: InvokeBackend } | undefined
>;

export interface InvokeBackend {
  describe(): Promise<{
    target: string;
    stage: string;
    qualifiers: string[];
    defaultQualifier: string;
  }>;
  /** With `onText`, the response is streamed (InvokeWithResponseStream) and passed on as it comes. */
  invoke(
    qualifier: string,
    payload: string,
    signal: AbortSignal,
    onText?: (text: string) => void,
  ): Promise<InvokeOutcomeView>;
}

/** How much of a streamed response the panel shows as it comes; the result holds all of it. */
const LIVE_TEXT_LIMIT = 1024 * 1024;
/** Parts of a streamed response are sent to the panel together, at most this often. */
const LIVE_TEXT_INTERVAL_MS = 50;

const BODY = `
<header>
  <h1 id="title"></h1>
  <span id="subtitle" class="subtle"></span>
  <span class="grow"></span>
  <vscode-badge id="target"></vscode-badge>
  <vscode-button id="change-target" icon="cloud" secondary title="Change target, stage or AWS profile">Change…</vscode-button>
</header>
<p id="untrusted" class="untrusted" hidden>This workspace is in Restricted Mode: invoking on the local cloud runs its code, so it is off until you trust the workspace.</p>
<div class="row">
  <vscode-label for="qualifier">Qualifier</vscode-label>
  <vscode-single-select id="qualifier" aria-label="Version or alias to invoke"></vscode-single-select>
  <vscode-single-select id="saved" aria-label="Saved payloads"></vscode-single-select>
  <vscode-single-select id="sample" aria-label="Sample events"></vscode-single-select>
</div>
<vscode-textarea id="payload" rows="12" resize="vertical" aria-label="Payload (JSON)" spellcheck="false"></vscode-textarea>
<div id="payload-error" role="alert"></div>
<div class="row">
  <vscode-textfield id="payload-name" placeholder="payload name" aria-label="Payload name"></vscode-textfield>
  <vscode-button id="save" secondary>Save</vscode-button>
  <vscode-button id="rename" secondary>Rename</vscode-button>
  <vscode-button id="delete" secondary>Delete</vscode-button>
  <span class="grow"></span>
  <vscode-progress-ring id="busy" hidden></vscode-progress-ring>
  <vscode-button id="invoke" icon="play" title="Invoke (Ctrl+Enter)">Invoke</vscode-button>
</div>
<div id="notice" class="notice" role="status"></div>
<section id="live-section" hidden>
  <h3>Response <span id="live-state" class="subtle"></span></h3>
  <pre id="live" aria-live="polite"></pre>
</section>
<section id="result" hidden>
  <vscode-divider></vscode-divider>
  <div id="status"></div>
  <div id="request-id" class="subtle"></div>
  <h3>Response</h3>
  <pre id="response"></pre>
  <vscode-collapsible title="Difference from the previous response">
    <pre id="diff"></pre>
  </vscode-collapsible>
  <h3>Log</h3>
  <pre id="log"></pre>
</section>
<section id="history-section" hidden>
  <h3>History</h3>
  <ul id="history"></ul>
</section>`;

export class InvokePanel implements vscode.Disposable {
  private static readonly open = new Map<string, InvokePanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private running: AbortController | undefined;
  private disposed = false;

  static show(
    extensionUri: vscode.Uri,
    manifest: Manifest,
    fn: FunctionSpec,
    backend: InvokeBackend,
    rebind?: Rebind,
  ): InvokePanel {
    const key = `${manifest.file}#${fn.key}`;
    const existing = InvokePanel.open.get(key);
    if (existing) {
      // The manifest may have changed since (a function that now streams, say).
      existing.manifest = manifest;
      existing.fn = fn;
      existing.backend = backend;
      existing.panel.reveal();
      void existing.sendInit();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      'flourish.invoke',
      `Invoke ${fn.key}`,
      vscode.ViewColumn.Active,
      webviewOptions(extensionUri),
    );
    const created = new InvokePanel(panel, extensionUri, manifest, fn, backend, rebind);
    InvokePanel.open.set(key, created);
    panel.onDidDispose(() => InvokePanel.open.delete(key));
    return created;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private manifest: Manifest,
    private fn: FunctionSpec,
    private backend: InvokeBackend,
    private readonly rebind?: Rebind,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'flourish.svg');
    panel.webview.html = renderWebviewHtml(panel.webview, extensionUri, {
      title: `Invoke ${fn.key}`,
      script: 'invoke',
      stylesheet: 'invoke.css',
      body: BODY,
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: PanelToExtension) => void this.receive(message)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** What the panel last showed; used by tests that drive the protocol. */
  readonly sent: ExtensionToPanel[] = [];

  private post(message: ExtensionToPanel): void {
    if (this.disposed) return; // an invocation may end after its panel was closed
    this.sent.push(message);
    if (this.sent.length > 50) this.sent.shift();
    void this.panel.webview.postMessage(message);
  }

  private async sendInit(): Promise<void> {
    const [context, payloads] = await Promise.all([
      this.backend.describe(),
      listPayloads(this.manifest.root, this.fn.key),
    ]);
    this.post({
      type: 'init',
      fn: {
        key: this.fn.key,
        name: this.fn.name,
        runtime: this.fn.runtime,
        memory: this.fn.memory,
        timeout: this.fn.timeout,
        architecture: this.fn.architecture,
        streams: streamsResponse(this.fn),
      },
      ...context,
      payloads: payloads.map((p) => p.name),
      samples: SAMPLE_EVENTS.map(({ id, title }) => ({ id, title })),
      trusted: vscode.workspace.isTrusted,
    });
  }

  /** Handles one message from the panel; errors go back to it as notices, never lost. */
  async receive(message: PanelToExtension): Promise<void> {
    const root = this.manifest.root;
    const key = this.fn.key;
    try {
      switch (message.type) {
        case 'ready':
          return await this.sendInit();
        case 'changeTarget': {
          await vscode.commands.executeCommand('flourish.selectTarget');
          const bound = await this.rebind?.();
          if (bound) ({ manifest: this.manifest, fn: this.fn, backend: this.backend } = bound);
          return await this.sendInit();
        }
        case 'invoke':
          return await this.invoke(message.id, message.qualifier, message.payload);
        case 'loadPayload':
          return this.post({
            type: 'payloadText',
            name: message.name,
            text: await readPayload(root, key, message.name),
          });
        case 'loadSample': {
          const sample = findSampleEvent(message.id);
          if (sample)
            this.post({
              type: 'payloadText',
              name: sample.id,
              text: JSON.stringify(sample.payload, null, 2),
            });
          return;
        }
        case 'savePayload':
          await savePayload(root, key, message.name, message.payload);
          return await this.sendPayloads(message.name, `Saved "${message.name}".`);
        case 'renamePayload':
          await renamePayload(root, key, message.from, message.to);
          return await this.sendPayloads(
            message.to,
            `Renamed "${message.from}" to "${message.to}".`,
          );
        case 'deletePayload':
          await deletePayload(root, key, message.name);
          return await this.sendPayloads(undefined, `Deleted "${message.name}".`);
      }
    } catch (error) {
      this.post({ type: 'notice', level: 'error', message: (error as Error).message });
    }
  }

  private async sendPayloads(selected: string | undefined, notice: string): Promise<void> {
    const names = (await listPayloads(this.manifest.root, this.fn.key)).map((p) => p.name);
    this.post({ type: 'payloads', names, selected });
    this.post({ type: 'notice', level: 'info', message: notice });
  }

  private async invoke(id: number, qualifier: string, payload: string): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      this.post({
        type: 'invokeFailed',
        id,
        message: 'Trust this workspace to invoke its functions.',
      });
      return;
    }
    this.running?.abort();
    const controller = (this.running = new AbortController());
    // A run replaced by a newer one says nothing more: its parts and its end are not the
    // panel's any more.
    const current = () => this.running === controller;
    this.post({ type: 'invokeStarted', id });
    const live = streamsResponse(this.fn)
      ? liveText({
          limit: LIVE_TEXT_LIMIT,
          intervalMs: LIVE_TEXT_INTERVAL_MS,
          send: (text) => {
            if (current()) this.post({ type: 'invokeChunk', id, text });
          },
        })
      : undefined;
    try {
      const outcome = await this.backend.invoke(qualifier, payload, controller.signal, live?.add);
      live?.flush();
      if (current()) this.post({ type: 'invokeResult', id, outcome });
    } catch (error) {
      live?.flush();
      if (current()) this.post({ type: 'invokeFailed', id, message: (error as Error).message });
    }
  }

  dispose(): void {
    this.disposed = true;
    this.running?.abort();
    vscode.Disposable.from(...this.disposables).dispose();
    this.disposables.length = 0;
  }
}
