// The typed bridge from a panel to the extension. acquireVsCodeApi() may be called only once.
interface VsCodeApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi<State>(): VsCodeApi<State>;

export interface Bridge<Out, State> {
  post(message: Out): void;
  state(): State | undefined;
  saveState(state: State): void;
}

export function connect<Out, State>(): Bridge<Out, State> {
  const api = acquireVsCodeApi<State>();
  return {
    post: (message) => api.postMessage(message),
    state: () => api.getState(),
    saveState: (state) => api.setState(state),
  };
}

/** Creates an element with attributes and children, without innerHTML. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes?: Record<string, string | boolean | undefined>,
  ...children: (Node | string | undefined)[]
): HTMLElementTagNameMap[K];
export function h(
  tag: string,
  attributes?: Record<string, string | boolean | undefined>,
  ...children: (Node | string | undefined)[]
): HTMLElement;
export function h(
  tag: string,
  attributes: Record<string, string | boolean | undefined> | undefined,
  ...children: (Node | string | undefined)[]
): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === true) element.setAttribute(name, '');
    else if (typeof value === 'string') element.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== undefined) element.append(child);
  }
  return element;
}
