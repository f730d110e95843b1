// Checks driven through the browser, each with a screenshot: what a user sees, not what the API
// says. They run after the suites, in the workspace with the example open.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import type { TestResult } from '../shared/protocol';
import type { Frame, Page } from './browser';
import type { PackageJson } from './extension';
import { saveScreenshot } from './screenshots';

export interface UiContext {
  page: Page;
  scenario: string;
  pkg: PackageJson;
  workspace: string;
}

interface UiCheck {
  name: string;
  run(context: UiContext): Promise<void>;
}

const TIMEOUT = 20_000;

function activityBarContainer(pkg: PackageJson): { id: string; title: string } {
  const container = pkg.contributes?.viewsContainers?.activitybar?.[0];
  if (!container) throw new Error('package.json contributes no view container to the activity bar');
  return container;
}

/** The activity bar entry titled exactly `title` (VS Code may append its keybinding in parentheses). */
function activityBarItem(page: Page, title: string) {
  const label = JSON.stringify(title);
  const withKeybinding = JSON.stringify(`${title} (`);
  return page
    .locator(
      `.part.activitybar .action-item .action-label:is([aria-label=${label}], [aria-label^=${withKeybinding}])`,
    )
    .first();
}

function functionNames(workspace: string): string[] {
  const manifest = parse(readFileSync(path.join(workspace, 'flourish.yaml'), 'utf8')) as {
    functions?: Record<string, unknown>;
  };
  return Object.keys(manifest.functions ?? {});
}

const checks: UiCheck[] = [
  {
    name: 'the Flourish view container is in the activity bar',
    async run({ page, pkg }) {
      const { title } = activityBarContainer(pkg);
      await activityBarItem(page, title).waitFor({ state: 'visible', timeout: TIMEOUT });
    },
  },
  {
    name: "the explorer tree shows the example's functions",
    async run({ page, pkg, workspace }) {
      const { id, title } = activityBarContainer(pkg);
      const view = pkg.contributes?.views?.[id]?.[0];
      if (!view) throw new Error(`package.json contributes no view to the ${id} container`);
      const pane = page.locator(
        `.part.sidebar .pane:has(.pane-header h3.title:text-is(${JSON.stringify(view.name)}))`,
      );
      // Clicking the container's icon while it is shown would hide the side bar.
      if (!(await pane.first().isVisible()))
        await activityBarItem(page, title).click({ timeout: TIMEOUT });
      const names = functionNames(workspace);
      if (names.length === 0)
        throw new Error(`the example's flourish.yaml in ${workspace} lists no functions`);
      for (const name of names) {
        await pane
          .locator('.monaco-list-row')
          .filter({ hasText: name })
          .first()
          .waitFor({ state: 'visible', timeout: TIMEOUT });
      }
    },
  },
];

/** The webview frame that holds `selector` (webview content sits in nested iframes). */
async function webviewFrame(page: Page, selector: string, timeoutMs: number): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  // Frames come and go as panels load; there is no event to await for "a frame has X".
  for (;;) {
    for (const frame of page.frames()) {
      if (
        (await frame
          .locator(selector)
          .count()
          .catch(() => 0)) > 0
      )
        return frame;
    }
    if (Date.now() > deadline)
      throw new Error(`no webview frame shows ${selector} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Checks a suite asks for in the middle of its flow, by name; `input` is theirs to define. */
const requested: Record<string, (context: UiContext, input?: string) => Promise<string>> = {
  /**
   * The invoke panel is open: type `input` as the payload, press Invoke, and return what the
   * panel shows as JSON: { response, log }.
   */
  async 'the invoke panel shows the result of an invocation'({ page }, input) {
    const frame = await webviewFrame(page, '#invoke', TIMEOUT);
    if (input !== undefined) {
      await frame.locator('#payload').evaluate((element, payload) => {
        element.value = payload;
        element.dispatchEvent(new Event('input', { bubbles: true }));
      }, input);
    }
    await frame.locator('#invoke').click({ timeout: TIMEOUT });
    await frame.locator('#result').waitFor({ state: 'visible', timeout: 60_000 });
    const response = await frame.locator('#response').innerText({ timeout: TIMEOUT });
    if (!response.trim()) throw new Error('the invoke panel shows a result with an empty response');
    const log = await frame.locator('#log').innerText({ timeout: TIMEOUT });
    return JSON.stringify({ response, log });
  },
  /**
   * The invoke panel of a function that streams its response is open. Invoke it with
   * `input.payload`; once the first part shows, note whether the invocation still runs, then
   * create `input.gate` (the function waits for it before its second part). Returns what was
   * shown, as JSON: { live, running, response }. A panel that waited for the whole response
   * would never show the first part alone, and this check would time out.
   */
  async 'the invoke panel shows a streamed response as it comes'({ page }, input) {
    const { functionKey, payload, gate } = JSON.parse(input ?? '{}') as {
      functionKey: string;
      payload: string;
      gate: string;
    };
    const frame = await webviewFrame(
      page,
      `#title:text-is(${JSON.stringify(functionKey)})`,
      TIMEOUT,
    );
    await frame.locator('#payload').evaluate((element, text) => {
      element.value = text;
      element.dispatchEvent(new Event('input', { bubbles: true }));
    }, payload);
    await frame.locator('#invoke').click({ timeout: TIMEOUT });
    const live = frame.locator('#live');
    await live.filter({ hasText: 'first part' }).waitFor({ state: 'visible', timeout: 60_000 });
    const shown = await live.innerText({ timeout: TIMEOUT });
    const running = await frame.locator('#busy').isVisible();
    writeFileSync(gate, 'go');
    await frame.locator('#result').waitFor({ state: 'visible', timeout: 60_000 });
    const response = await frame.locator('#response').innerText({ timeout: TIMEOUT });
    return JSON.stringify({ live: shown, running, response });
  },
  /**
   * The dashboard panel is open: wait for its numbers and return the Invocations and Throttles
   * cards' values and the function rows, as JSON: { invocations, throttles, rows }.
   */
  async "the dashboard shows the service's numbers"({ page }) {
    const frame = await webviewFrame(page, '#cards', TIMEOUT);
    await frame.locator('#content').waitFor({ state: 'visible', timeout: 60_000 });
    // Each card's label names it; no other card's text contains these words.
    const cardValue = (label: string) =>
      frame
        .locator('#cards .card')
        .filter({ hasText: label })
        .first()
        .locator('.card-value')
        .innerText({ timeout: TIMEOUT });
    const invocations = await cardValue('Invocations');
    const throttles = await cardValue('Throttles');
    const rows = await frame.locator('#functions tr').allInnerTexts();
    await frame.locator('svg.chart').first().waitFor({ state: 'visible', timeout: TIMEOUT });
    return JSON.stringify({ invocations, throttles, rows });
  },
  /** The Flourish Logs output is showing: find `input` among its lines and return them. */
  async 'the log output shows the followed lines'({ page }, input) {
    const lines = page.locator('.part.panel .monaco-editor .view-lines');
    await lines
      .filter({ hasText: input ?? 'REPORT' })
      .first()
      .waitFor({ state: 'visible', timeout: TIMEOUT });
    return (await lines.first().innerText({ timeout: TIMEOUT })).trim();
  },
  /**
   * The Deployed view is focused: expand the function `input.functionName` and find each of
   * `input.rows` (alias and version lines) under it.
   */
  async 'the Deployed view shows a function with its aliases and versions'({ page }, input) {
    const { functionName, rows } = JSON.parse(input ?? '{}') as {
      functionName?: string;
      rows?: string[];
    };
    if (!functionName || !rows?.length)
      throw new Error('this check needs { functionName, rows } as input');
    const row = (text: string) =>
      page.locator('.part.sidebar .monaco-list-row').filter({ hasText: text }).first();
    const fn = row(functionName);
    await fn.waitFor({ state: 'visible', timeout: TIMEOUT });
    if ((await fn.getAttribute('aria-expanded', { timeout: TIMEOUT })) === 'false')
      await fn.click({ timeout: TIMEOUT });
    for (const text of rows) await row(text).waitFor({ state: 'visible', timeout: TIMEOUT });
    return rows.join('\n');
  },
};

export async function runRequestedCheck(
  context: UiContext,
  name: string,
  input?: string,
): Promise<{ text: string; screenshot: string }> {
  const check = requested[name];
  if (!check)
    throw new Error(`no UI check named "${name}"; known: ${Object.keys(requested).join(', ')}`);
  try {
    const text = await check(context, input);
    return { text, screenshot: await saveScreenshot(context.page, context.scenario, name) };
  } catch (error) {
    await saveScreenshot(context.page, context.scenario, `failed ${name}`).catch(() => undefined);
    throw error;
  }
}

export async function runUiChecks(context: UiContext): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const check of checks) {
    const started = Date.now();
    const titlePath = ['UI (browser)', check.name];
    try {
      await check.run(context);
      const shot = await saveScreenshot(context.page, context.scenario, check.name);
      results.push({
        titlePath,
        state: 'passed',
        durationMs: Date.now() - started,
        screenshots: [shot],
      });
    } catch (error) {
      const shot = await saveScreenshot(
        context.page,
        context.scenario,
        `failed ${check.name}`,
      ).catch(() => undefined);
      results.push({
        titlePath,
        state: 'failed',
        durationMs: Date.now() - started,
        error: { message: (error as Error).message, stack: (error as Error).stack },
        screenshots: shot ? [shot] : [],
      });
    }
  }
  return results;
}
