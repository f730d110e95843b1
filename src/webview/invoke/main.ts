// The invoke panel: a payload editor with JSON checking and saved payloads, the qualifier to
// call, and the result with its numbers, its whole log, and the difference from the last one.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-divider/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { diffLines } from '../shared/lineDiff';
import { connect, h } from '../shared/vscodeApi';
import type { ExtensionToPanel, InvokeOutcomeView, PanelToExtension } from './protocol';

interface State {
  payload: string;
  qualifier?: string;
  history: InvokeOutcomeView[];
}

type ValueElement = HTMLElement & { value: string; disabled?: boolean };

const bridge = connect<PanelToExtension, State>();
const state: State = bridge.state() ?? { payload: '{\n  \n}', history: [] };
const $ = <T extends HTMLElement = ValueElement>(id: string) => document.getElementById(id) as T;

// The panel is rebuilt each time it is shown again, while an invocation it started may still
// run: ids from the clock do not repeat one from before.
let nextId = Date.now();
let pending: number | undefined;

function persist(): void {
  bridge.saveState({ ...state, history: state.history.slice(-20) });
}

function setOptions(
  select: ValueElement,
  values: { value: string; label: string }[],
  selected?: string,
) {
  select.replaceChildren(
    ...values.map((v) =>
      h('vscode-option', { value: v.value, selected: v.value === selected }, v.label),
    ),
  );
  if (selected !== undefined) select.value = selected;
}

function payloadError(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

function checkPayload(): boolean {
  const text = $('payload').value;
  state.payload = text;
  persist();
  const error = payloadError(text);
  $('payload-error').textContent = error ? `Not valid JSON: ${error}` : '';
  $('invoke').disabled = Boolean(error) || pending !== undefined;
  return !error;
}

function invoke(): void {
  if (pending !== undefined || !checkPayload()) return;
  pending = nextId++;
  $('invoke').disabled = true;
  $('busy').hidden = false;
  bridge.post({
    type: 'invoke',
    id: pending,
    qualifier: $('qualifier').value,
    payload: state.payload,
  });
}

function formatMs(ms: number | undefined): string {
  return ms === undefined ? '–' : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
}

function showOutcome(outcome: InvokeOutcomeView, previous: InvokeOutcomeView | undefined): void {
  const ok = !outcome.functionError && outcome.statusCode < 300;
  const facts: (string | undefined)[] = [
    `${outcome.statusCode}`,
    outcome.functionError ? `function error: ${outcome.functionError}` : undefined,
    `duration ${formatMs(outcome.durationMs)}`,
    outcome.billedDurationMs !== undefined ? `billed ${outcome.billedDurationMs} ms` : undefined,
    outcome.memoryUsedMB !== undefined
      ? `memory ${outcome.memoryUsedMB} / ${outcome.memorySizeMB ?? '?'} MB`
      : undefined,
    outcome.coldStart ? `cold start (init ${formatMs(outcome.initDurationMs)})` : 'warm',
    outcome.executedVersion ? `version ${outcome.executedVersion}` : undefined,
  ];
  $('status').replaceChildren(
    h(
      'vscode-badge',
      { variant: ok ? 'counter' : 'activity-bar-counter', class: ok ? 'ok' : 'failed' },
      ok ? 'OK' : 'FAILED',
    ),
    ...facts.filter((f): f is string => Boolean(f)).map((f) => h('span', { class: 'fact' }, f)),
  );
  $('request-id').textContent = outcome.awsRequestId ? `Request ${outcome.awsRequestId}` : '';
  $('response').textContent = outcome.response;
  $('log').textContent = outcome.log || '(no log lines)';
  const diff = previous ? diffLines(previous.response, outcome.response) : undefined;
  const diffView = $('diff');
  if (!previous) {
    diffView.replaceChildren('No earlier invocation to compare with.');
  } else if (!diff) {
    diffView.replaceChildren('Too large to compare line by line.');
  } else if (diff.every((line) => line.kind === 'same')) {
    diffView.replaceChildren('Same response as the previous invocation.');
  } else {
    diffView.replaceChildren(
      ...diff.map((line) =>
        h(
          'div',
          { class: `diff-${line.kind}` },
          `${line.kind === 'added' ? '+' : line.kind === 'removed' ? '-' : ' '} ${line.text}`,
        ),
      ),
    );
  }
  $('result').hidden = false;
}

function renderHistory(): void {
  const list = $('history');
  list.replaceChildren(
    ...state.history
      .slice()
      .reverse()
      .map((outcome, index, all) => {
        const item = h(
          'li',
          { tabindex: '0', title: 'Show this invocation' },
          `${new Date(outcome.startedAt).toLocaleTimeString()} · ${outcome.functionError ? 'error' : outcome.statusCode} · ${formatMs(outcome.durationMs)}`,
        );
        const show = () => showOutcome(outcome, all[index + 1]);
        item.addEventListener('click', show);
        item.addEventListener('keydown', (e) => {
          if (e.key === 'Enter') show();
        });
        return item;
      }),
  );
  $('history-section').hidden = state.history.length === 0;
}

function handle(message: ExtensionToPanel): void {
  switch (message.type) {
    case 'init': {
      const { fn } = message;
      $('title').textContent = fn.key;
      $('subtitle').textContent =
        `${fn.name} · ${fn.runtime} · ${fn.architecture} · ${fn.memory} MB · ${fn.timeout} s` +
        (fn.streams ? ' · streamed response' : '');
      $('target').textContent = `${message.target} · ${message.stage}`;
      const qualifier =
        state.qualifier && message.qualifiers.includes(state.qualifier)
          ? state.qualifier
          : message.defaultQualifier;
      setOptions(
        $('qualifier'),
        message.qualifiers.map((q) => ({ value: q, label: q })),
        qualifier,
      );
      setOptions(
        $('sample'),
        [
          { value: '', label: 'Insert a sample event…' },
          ...message.samples.map((s) => ({ value: s.id, label: s.title })),
        ],
        '',
      );
      handle({ type: 'payloads', names: message.payloads });
      $('payload').value = state.payload;
      checkPayload();
      renderHistory();
      $('untrusted').hidden = message.trusted;
      return;
    }
    case 'payloads':
      setOptions(
        $('saved'),
        [
          { value: '', label: message.names.length ? 'Saved payloads…' : 'No saved payloads' },
          ...message.names.map((n) => ({ value: n, label: n })),
        ],
        message.selected ?? '',
      );
      if (message.selected) $('payload-name').value = message.selected;
      return;
    case 'payloadText':
      $('payload').value = message.text;
      $('payload-name').value = message.name;
      checkPayload();
      return;
    case 'invokeStarted':
      if (message.id !== pending) return;
      $('live').replaceChildren();
      $('live-section').hidden = true;
      return;
    case 'invokeChunk':
      if (message.id !== pending) return;
      // Appended as a node of its own: rewriting textContent would copy all of it every time.
      $('live').append(document.createTextNode(message.text));
      $('live-state').textContent = '(streaming…)';
      $('live-section').hidden = false;
      return;
    case 'invokeResult': {
      if (message.id !== pending) return;
      pending = undefined;
      $('busy').hidden = true;
      $('live-section').hidden = true;
      const previous = state.history.at(-1);
      state.history.push(message.outcome);
      persist();
      showOutcome(message.outcome, previous);
      renderHistory();
      checkPayload();
      return;
    }
    case 'invokeFailed':
      if (message.id !== pending) return;
      pending = undefined;
      $('busy').hidden = true;
      // What streamed before the failure stays in view, with the reason under it.
      $('live-state').textContent = '(cut short)';
      $('notice').textContent = message.message;
      $('notice').className = 'notice error';
      checkPayload();
      return;
    case 'notice':
      $('notice').textContent = message.message;
      $('notice').className = `notice ${message.level}`;
      return;
  }
}

function wire(): void {
  $('payload').addEventListener('input', checkPayload);
  $('invoke').addEventListener('click', invoke);
  $('change-target').addEventListener('click', () => bridge.post({ type: 'changeTarget' }));
  $('qualifier').addEventListener('change', () => {
    state.qualifier = $('qualifier').value;
    persist();
  });
  $('saved').addEventListener('change', () => {
    const name = $('saved').value;
    if (name) bridge.post({ type: 'loadPayload', name });
  });
  $('sample').addEventListener('change', () => {
    const id = $('sample').value;
    if (id) bridge.post({ type: 'loadSample', id });
  });
  $('save').addEventListener('click', () => {
    const name = $('payload-name').value.trim();
    if (checkPayload()) bridge.post({ type: 'savePayload', name, payload: state.payload });
  });
  $('rename').addEventListener('click', () => {
    const from = $('saved').value;
    const to = $('payload-name').value.trim();
    if (from && to && from !== to) bridge.post({ type: 'renamePayload', from, to });
  });
  $('delete').addEventListener('click', () => {
    const name = $('saved').value;
    if (name) bridge.post({ type: 'deletePayload', name });
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      invoke();
    }
  });
  window.addEventListener('message', (event: MessageEvent<ExtensionToPanel>) => handle(event.data));
}

wire();
bridge.post({ type: 'ready' });
