// The one message protocol between the invoke panel and the extension. Both sides switch on
// `type`, so adding a message makes the compiler point at every place that must handle it.
// Kept free of DOM and vscode types: both tsconfigs compile it.

export interface InvokeFunctionInfo {
  key: string;
  name: string;
  runtime: string;
  memory: number;
  timeout: number;
  architecture: string;
  /** The function streams its response (an http event with `stream: true`): shown as it comes. */
  streams: boolean;
}

export interface SampleInfo {
  id: string;
  title: string;
}

export interface InvokeOutcomeView {
  statusCode: number;
  functionError?: string;
  /** The response body as text (pretty-printed when it is JSON). */
  response: string;
  executedVersion?: string;
  awsRequestId?: string;
  durationMs?: number;
  billedDurationMs?: number;
  memoryUsedMB?: number;
  memorySizeMB?: number;
  initDurationMs?: number;
  coldStart: boolean;
  /** That request's whole log. */
  log: string;
  startedAt: number;
  roundTripMs: number;
}

export type PanelToExtension =
  | { type: 'ready' }
  /** Change where invocations go (target, stage, profile); the panel is re-initialised. */
  | { type: 'changeTarget' }
  | { type: 'invoke'; id: number; qualifier: string; payload: string }
  | { type: 'loadPayload'; name: string }
  | { type: 'loadSample'; id: string }
  | { type: 'savePayload'; name: string; payload: string }
  | { type: 'renamePayload'; from: string; to: string }
  | { type: 'deletePayload'; name: string };

export type ExtensionToPanel =
  | {
      type: 'init';
      fn: InvokeFunctionInfo;
      target: string;
      stage: string;
      qualifiers: string[];
      defaultQualifier: string;
      payloads: string[];
      samples: SampleInfo[];
      trusted: boolean;
    }
  | { type: 'payloads'; names: string[]; selected?: string }
  | { type: 'payloadText'; name: string; text: string }
  | { type: 'invokeStarted'; id: number }
  /** The next part of a streamed response, while the invocation runs. */
  | { type: 'invokeChunk'; id: number; text: string }
  | { type: 'invokeResult'; id: number; outcome: InvokeOutcomeView }
  | { type: 'invokeFailed'; id: number; message: string }
  | { type: 'notice'; level: 'info' | 'error'; message: string };
