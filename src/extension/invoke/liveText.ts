// How a streamed response reaches the invoke panel while it runs: parts are gathered and sent
// together at most every `intervalMs` (one message per write would flood the webview), up to
// `limit` characters; past that a note says the rest is in the result. Pure: no `vscode`.

export const CUT_NOTE = '\n… (the rest is in the result)';

export interface LiveText {
  /** Takes the next decoded part of the response. */
  add(text: string): void;
  /** Sends what is gathered now (before the result, which must come after every part). */
  flush(): void;
}

export function liveText(options: {
  limit: number;
  intervalMs: number;
  send: (text: string) => void;
}): LiveText {
  let shown = 0;
  let cut = false;
  let waiting = '';
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (waiting) options.send(waiting);
    waiting = '';
  };
  const add = (text: string): void => {
    if (cut || !text) return;
    let part = text;
    if (shown + text.length > options.limit) {
      part = text.slice(0, options.limit - shown);
      // Not half a character: a high surrogate without its pair would show as garbage.
      if (/[\uD800-\uDBFF]$/.test(part)) part = part.slice(0, -1);
      part += CUT_NOTE;
      cut = true;
    }
    shown += part.length;
    waiting += part;
    timer ??= setTimeout(flush, options.intervalMs);
  };
  return { add, flush };
}
