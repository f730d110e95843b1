// The harness's side of the request channel: answers the runner's requests for screenshots and
// for the workbench's notification texts, which only the browser can see.
import { readFileSync, readdirSync, watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import { requestFileId } from '../shared/channel';
import { writeFileAtomic } from '../shared/files';
import type { HarnessRequest, HarnessResponse } from '../shared/protocol';
import type { Page } from './browser';
import { trackProcess } from './processes';
import { runRequestedCheck, type UiContext } from './uiChecks';
import { saveScreenshot } from './screenshots';

/** Toasts and modal dialogs: where a refusal can be shown to the user. */
const NOTIFICATION_TEXT =
  '.notifications-toasts .notification-list-item-message, .monaco-dialog-box .dialog-message-text';

/**
 * Lines of text in open webviews that match `pattern`: a panel can explain a refusal itself
 * (the invoke panel does, in Restricted Mode) instead of a notification.
 */
async function webviewLines(page: Page, pattern: RegExp): Promise<string[]> {
  const main = page.mainFrame();
  const lines: string[] = [];
  for (const frame of page.frames()) {
    if (frame === main) continue;
    const text = await frame
      .locator('body')
      .innerText({ timeout: 1000 })
      .catch(() => '');
    lines.push(
      ...text
        .split('\n')
        .filter((line) => pattern.test(line))
        .map((line) => `webview: ${line.trim()}`),
    );
  }
  return lines;
}

export class ChannelServer {
  private readonly handled = new Set<string>();
  private closed = false;
  private readonly watcher: FSWatcher;
  private readonly poll: NodeJS.Timeout;

  constructor(
    private readonly dir: string,
    private readonly page: () => Page | undefined,
    private readonly scenario: string,
    private readonly uiContext: () => Omit<UiContext, 'page' | 'scenario'>,
  ) {
    this.watcher = watch(dir, () => this.scan());
    this.poll = setInterval(() => this.scan(), 250);
  }

  close(): void {
    this.closed = true;
    this.watcher.close();
    clearInterval(this.poll);
  }

  private scan(): void {
    for (const name of readdirSync(this.dir)) {
      const id = requestFileId(name);
      if (!id || this.handled.has(id)) continue;
      this.handled.add(id);
      const request = JSON.parse(readFileSync(path.join(this.dir, name), 'utf8')) as HarnessRequest;
      // Each request is answered on its own: a long poll for a notification that a suite has
      // stopped waiting for must not hold up the next request.
      void this.answer(request)
        .catch((error: unknown): HarnessResponse => ({ ok: false, error: String(error) }))
        .then((response) => this.reply(id, response));
    }
  }

  private reply(id: string, response: HarnessResponse): void {
    // After close() the editor is gone and its folder may be too; nobody waits for the answer.
    if (this.closed) return;
    try {
      writeFileAtomic(path.join(this.dir, `res-${id}.json`), JSON.stringify(response));
    } catch (error) {
      console.error(`[editor-tests] could not answer request ${id}: ${String(error)}`);
    }
  }

  private async answer(request: HarnessRequest): Promise<HarnessResponse> {
    const page = this.page();
    if (!page || page.isClosed()) return { ok: false, error: 'the workbench page is not open' };
    if (request.kind === 'adoptProcess') {
      trackProcess(request.pid);
      return { ok: true };
    }
    if (request.kind === 'uiCheck') {
      const context = { ...this.uiContext(), page, scenario: this.scenario };
      const { text, screenshot } = await runRequestedCheck(context, request.name, request.input);
      return { ok: true, text, screenshot };
    }
    if (request.kind === 'screenshot') {
      return { ok: true, screenshot: await saveScreenshot(page, this.scenario, request.name) };
    }
    if (request.kind === 'noNotifications') {
      const deadline = Date.now() + request.timeoutMs;
      let texts = await page.locator(NOTIFICATION_TEXT).allInnerTexts();
      while (texts.length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        texts = await page.locator(NOTIFICATION_TEXT).allInnerTexts();
      }
      return texts.length === 0
        ? { ok: true, notifications: [] }
        : { ok: false, error: `notifications still shown: ${texts.join(' | ')}` };
    }
    const pattern = new RegExp(request.pattern, request.flags);
    const deadline = Date.now() + request.timeoutMs;
    let texts: string[] = [];
    // The DOM has no event the harness can await from here; poll it until the deadline.
    while (Date.now() < deadline) {
      texts = [
        ...(await page.locator(NOTIFICATION_TEXT).allInnerTexts()),
        ...(await webviewLines(page, pattern)),
      ];
      if (texts.some((text) => pattern.test(text))) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { ok: true, notifications: texts };
  }
}
