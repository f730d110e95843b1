// The dashboard: per function and for the whole service, for a period: invocations, errors,
// throttles, duration percentiles, cold starts, memory against configured (with a right-sizing hint), and
// the cost with the free tier shown apart.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { connect, h } from '../shared/vscodeApi';
import { barChart, gauge } from './charts';
import {
  PERIODS,
  type DashboardToExtension,
  type ExtensionToDashboard,
  type PeriodId,
  type PlatformCount,
  type ServiceMetrics,
} from './protocol';

type ValueElement = HTMLElement & { value: string };

const bridge = connect<DashboardToExtension, { period: PeriodId }>();
let period: PeriodId = bridge.state()?.period ?? '24h';
const $ = <T extends HTMLElement = ValueElement>(id: string) => document.getElementById(id) as T;

function ms(value: number | undefined): string {
  return value === undefined ? '–' : `${value.toFixed(value < 10 ? 2 : 1)} ms`;
}

function usd(value: number): string {
  if (value === 0) return '$0.00';
  return value < 0.01 ? `$${value.toPrecision(2)}` : `$${value.toFixed(2)}`;
}

/** A count from the platform's metrics: the number, or n/a with the reason as its tooltip. */
function count(figure: PlatformCount): string {
  return figure.available ? String(figure.count) : 'n/a';
}

function card(label: string, value: string, note?: string, title?: string): HTMLElement {
  return h(
    'div',
    { class: 'card', title },
    h('div', { class: 'card-label' }, label),
    h('div', { class: 'card-value' }, value),
    note ? h('div', { class: 'card-note' }, note) : undefined,
  );
}

function timeLabel(start: number, span: number): string {
  const date = new Date(start);
  return span > 2 * 86_400_000
    ? `${date.getMonth() + 1}/${date.getDate()}`
    : `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

function render(metrics: ServiceMetrics): void {
  const span = metrics.to - metrics.from;
  const { totals } = metrics;
  const cost = totals.cost;
  $('heading').textContent = `${metrics.service} · ${metrics.stage}`;
  $('target').textContent = metrics.target;
  const errorRate = totals.invocations
    ? `${((totals.errors / totals.invocations) * 100).toFixed(1)}%`
    : '–';
  $('cards').replaceChildren(
    card('Invocations', String(totals.invocations)),
    card('Errors', String(totals.errors), `error rate ${errorRate}`),
    totals.throttles.available
      ? card('Throttles', count(totals.throttles), 'refused, no concurrency free')
      : card('Throttles', 'n/a', totals.throttles.reason, totals.throttles.reason),
    card('Cold starts', String(totals.coldStarts)),
    card(
      'Cost',
      usd(cost.totalUsd),
      `${usd(cost.requestUsd)} requests · ${usd(cost.durationUsd.x86_64 + cost.durationUsd.arm64 + cost.ephemeralUsd)} compute`,
    ),
    card(
      'After free tier',
      usd(cost.totalAfterFreeTierUsd),
      `free tier covers ${usd(cost.freeTierUsd)} of it`,
    ),
  );
  // One timeline for the service: the functions' buckets added up.
  const buckets = metrics.functions[0]?.metrics.timeline.map((bucket, i) => ({
    label: timeLabel(bucket.start, span),
    value: metrics.functions.reduce((n, f) => n + (f.metrics.timeline[i]?.invocations ?? 0), 0),
    errors: metrics.functions.reduce((n, f) => n + (f.metrics.timeline[i]?.errors ?? 0), 0),
    throttles: metrics.functions.reduce((n, f) => n + (f.metrics.timeline[i]?.throttles ?? 0), 0),
    line: Math.max(...metrics.functions.map((f) => f.metrics.timeline[i]?.p95Ms ?? 0)) || undefined,
  }));
  const legend = h(
    'div',
    { class: 'legend' },
    h('span', {}, h('span', { class: 'swatch bar' }), 'invocations'),
    h('span', {}, h('span', { class: 'swatch bar-error' }), 'errors'),
    h('span', {}, h('span', { class: 'swatch bar-throttle' }), 'throttles'),
    h('span', {}, h('span', { class: 'swatch line' }), 'p95 duration (own scale)'),
  );
  $('timeline').replaceChildren(
    ...(buckets
      ? [
          barChart(buckets, {
            title: 'Invocations, errors and throttles over time, with p95 duration',
          }),
          legend,
        ]
      : ['No functions.']),
  );
  $('functions').replaceChildren(
    ...metrics.functions.map(({ key, name, metrics: m, truncated }) => {
      const hint = m.rightSizing
        ? h(
            'div',
            { class: `hint ${m.rightSizing.kind}` },
            `${m.rightSizing.kind === 'lower' ? 'Lower' : 'Raise'} memory to ${m.rightSizing.suggestedMB} MB: ${m.rightSizing.reason}.`,
          )
        : undefined;
      return h(
        'tr',
        {},
        h(
          'td',
          { title: name },
          key,
          truncated ? h('span', { class: 'subtle' }, ' (partial)') : undefined,
        ),
        h('td', { class: 'num' }, String(m.invocations)),
        h('td', { class: m.errors ? 'num error' : 'num' }, String(m.errors)),
        h(
          'td',
          {
            class: m.throttles.available && m.throttles.count ? 'num throttled' : 'num',
            title: m.throttles.available ? undefined : m.throttles.reason,
          },
          count(m.throttles),
        ),
        h('td', { class: 'num' }, String(m.coldStarts)),
        h('td', { class: 'num' }, ms(m.durationMs.p50)),
        h('td', { class: 'num' }, ms(m.durationMs.p95)),
        h('td', { class: 'num' }, ms(m.durationMs.p99)),
        h(
          'td',
          {},
          m.maxMemoryUsedMB === undefined
            ? `– / ${m.memorySizeMB} MB`
            : `${m.maxMemoryUsedMB} / ${m.memorySizeMB} MB`,
          m.maxMemoryUsedMB === undefined
            ? undefined
            : gauge(
                m.maxMemoryUsedMB,
                m.memorySizeMB,
                `${m.maxMemoryUsedMB} of ${m.memorySizeMB} MB`,
              ),
          hint,
        ),
        h('td', { class: 'num' }, usd(m.cost.totalUsd)),
      );
    }),
  );
  $('generated').textContent =
    `${new Date(metrics.from).toLocaleString()} – ${new Date(metrics.to).toLocaleString()}. From the functions' REPORT lines, throttles from the platform's metrics; prices: Lambda on-demand, US East (N. Virginia), init billed since August 2025.`;
  $('content').hidden = false;
}

function handle(message: ExtensionToDashboard): void {
  switch (message.type) {
    case 'loading':
      $('busy').hidden = false;
      $('notice').textContent = '';
      return;
    case 'metrics':
      $('busy').hidden = true;
      render(message.metrics);
      return;
    case 'failed':
      $('busy').hidden = true;
      $('notice').textContent = message.message;
      return;
  }
}

function load(): void {
  bridge.saveState({ period });
  bridge.post({ type: 'load', period });
}

const select = $('period');
select.replaceChildren(
  ...PERIODS.map((p) => h('vscode-option', { value: p.id, selected: p.id === period }, p.label)),
);
select.value = period;
select.addEventListener('change', () => {
  period = select.value as PeriodId;
  load();
});
$('refresh').addEventListener('click', load);
window.addEventListener('message', (event: MessageEvent<ExtensionToDashboard>) =>
  handle(event.data),
);
bridge.post({ type: 'ready' });
load();
