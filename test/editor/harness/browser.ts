// Headless Chromium from Debian, started by the harness in its own process group (so it is
// stopped by id like everything else) and driven through playwright-core over CDP.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { waitForFile } from '../shared/files';
import { startGroup, stopGroup } from './processes';

/** The few playwright-core calls the harness makes (it is loaded from the cache, untyped). */
export interface Locator {
  first(): Locator;
  locator(selector: string): Locator;
  filter(options: { hasText: string }): Locator;
  waitFor(options: { state: 'visible' | 'attached'; timeout: number }): Promise<void>;
  click(options?: { timeout: number }): Promise<void>;
  allInnerTexts(): Promise<string[]>;
  innerText(options?: { timeout: number }): Promise<string>;
  count(): Promise<number>;
  isVisible(): Promise<boolean>;
  getAttribute(name: string, options?: { timeout: number }): Promise<string | null>;
  evaluate<R, A>(fn: (element: PageElement, arg: A) => R, arg: A): Promise<R>;
}
/** What the harness touches of a DOM element inside `evaluate` (no DOM typings here). */
export interface PageElement {
  value?: string;
  dispatchEvent(event: Event): boolean;
}
/** A frame: the page itself, or a webview's nested iframe. */
export interface Frame {
  locator(selector: string): Locator;
}
export interface Page {
  goto(
    url: string,
    options?: { waitUntil?: 'load' | 'domcontentloaded'; timeout?: number },
  ): Promise<unknown>;
  setViewportSize(size: { width: number; height: number }): Promise<void>;
  screenshot(options: { path: string }): Promise<unknown>;
  locator(selector: string): Locator;
  frames(): Frame[];
  mainFrame(): Frame;
  isClosed(): boolean;
}
interface BrowserContext {
  pages(): Page[];
  newPage(): Promise<Page>;
}
interface Browser {
  contexts(): BrowserContext[];
  close(): Promise<void>;
}
interface PlaywrightCore {
  chromium: { connectOverCDP(endpoint: string, options?: { timeout: number }): Promise<Browser> };
}

/** Flags recorded in REAL_EDITOR.md, plus headless mode and a CDP port chosen by Chromium. */
const FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
  '--remote-debugging-address=127.0.0.1',
  '--remote-debugging-port=0',
  '--window-size=1440,900',
];

/**
 * Chromium writes its CDP port to DevToolsActivePort once it listens. The file can be seen
 * before its content is complete, so wait for the file, then for a port number in it.
 */
async function devToolsPort(portFile: string, pid: number): Promise<number> {
  await waitForFile(portFile, 30_000, `Chromium (pid ${pid}) to open its DevTools port`);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const port = Number(readFileSync(portFile, 'utf8').split('\n')[0]);
    if (Number.isInteger(port) && port > 0) return port;
    if (Date.now() > deadline) throw new Error(`${portFile} holds no port number`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface Workbench {
  page: Page;
  stop(): Promise<void>;
}

export async function openWorkbench(
  chromium: string,
  playwrightCore: string,
  home: string,
  url: string,
): Promise<Workbench> {
  const profile = path.join(home, 'chromium-profile');
  mkdirSync(profile, { recursive: true });
  const child = startGroup(chromium, [...FLAGS, `--user-data-dir=${profile}`, 'about:blank'], {
    logFile: path.join(home, 'chromium.log'),
  });
  const pgid = child.pid as number;
  try {
    const portFile = path.join(profile, 'DevToolsActivePort');
    const port = await devToolsPort(portFile, child.pid as number);
    if (!existsSync(playwrightCore))
      throw new Error(`playwright-core is not installed at ${playwrightCore}`);
    // Loaded from the cache at run time, so the project's own install stays light.
    const playwright = createRequire(__filename)(playwrightCore) as PlaywrightCore;
    const browser = await playwright.chromium.connectOverCDP(`http://127.0.0.1:${port}`, {
      timeout: 30_000,
    });
    const context = browser.contexts()[0];
    const page = context.pages()[0] ?? (await context.newPage());
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    return {
      page,
      stop: async () => {
        await browser.close().catch(() => undefined);
        await stopGroup(pgid);
      },
    };
  } catch (error) {
    await stopGroup(pgid);
    throw error;
  }
}
