// The dashboard panel's extension side: one per service and stage; it asks the cloud features
// for the period's metrics and hands them to the page.
import * as vscode from 'vscode';
import type { ServiceMetrics } from '../../core/metrics/aggregate';
import {
  PERIODS,
  type DashboardToExtension,
  type ExtensionToDashboard,
  type PeriodId,
} from '../../webview/dashboard/protocol';
import { renderWebviewHtml, webviewOptions } from '../webviewHtml';

export type MetricsSource = (
  from: number,
  to: number,
  signal: AbortSignal,
) => Promise<ServiceMetrics>;

const BODY = `
<header>
  <h1 id="heading">Dashboard</h1>
  <span id="target"></span>
  <span class="grow"></span>
  <vscode-progress-ring id="busy" hidden></vscode-progress-ring>
  <vscode-single-select id="period" aria-label="Period"></vscode-single-select>
  <vscode-button id="refresh" icon="refresh" secondary>Refresh</vscode-button>
</header>
<div id="notice" role="alert"></div>
<main id="content" hidden>
  <section id="cards"></section>
  <section id="timeline"></section>
  <table>
    <thead><tr><th>Function</th><th class="num">Invocations</th><th class="num">Errors</th><th class="num">Throttles</th><th class="num">Cold starts</th><th class="num">p50</th><th class="num">p95</th><th class="num">p99</th><th>Memory (peak / configured)</th><th class="num">Cost</th></tr></thead>
    <tbody id="functions"></tbody>
  </table>
  <p id="generated"></p>
</main>`;

export class DashboardPanel implements vscode.Disposable {
  private static readonly open = new Map<string, DashboardPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private loading: AbortController | undefined;
  /** The last message sent, for the editor tests. */
  lastSent: ExtensionToDashboard | undefined;

  static show(
    extensionUri: vscode.Uri,
    key: string,
    title: string,
    source: MetricsSource,
  ): DashboardPanel {
    const existing = DashboardPanel.open.get(key);
    if (existing) {
      existing.source = source;
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      'flourish.dashboard',
      title,
      vscode.ViewColumn.Active,
      webviewOptions(extensionUri),
    );
    const created = new DashboardPanel(panel, extensionUri, title, source);
    DashboardPanel.open.set(key, created);
    panel.onDidDispose(() => DashboardPanel.open.delete(key));
    return created;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    title: string,
    private source: MetricsSource,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'flourish.svg');
    panel.webview.html = renderWebviewHtml(panel.webview, extensionUri, {
      title,
      script: 'dashboard',
      stylesheet: 'dashboard.css',
      body: BODY,
    });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: DashboardToExtension) => {
        if (message.type === 'load') void this.load(message.period);
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  async load(period: PeriodId): Promise<void> {
    this.loading?.abort();
    const controller = (this.loading = new AbortController());
    const span = PERIODS.find((p) => p.id === period)?.ms ?? PERIODS[1].ms;
    this.post({ type: 'loading', period });
    try {
      const to = Date.now();
      const metrics = await this.source(to - span, to, controller.signal);
      if (!controller.signal.aborted) this.post({ type: 'metrics', period, metrics });
    } catch (error) {
      if (!controller.signal.aborted)
        this.post({ type: 'failed', message: (error as Error).message });
    }
  }

  private post(message: ExtensionToDashboard): void {
    this.lastSent = message;
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    this.loading?.abort();
    vscode.Disposable.from(...this.disposables).dispose();
    this.disposables.length = 0;
  }
}
