// Screenshots of the workbench, named after the test or check they belong to.
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Page } from './browser';
import { resultsDir } from './paths';

export async function saveScreenshot(page: Page, scenario: string, name: string): Promise<string> {
  mkdirSync(resultsDir, { recursive: true });
  const slug = `${scenario} ${name}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 120);
  const file = path.join(resultsDir, `${slug}.png`);
  await page.screenshot({ path: file });
  return file;
}
