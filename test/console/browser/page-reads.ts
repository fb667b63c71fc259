import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

/** Reading the console's pages in tests: waits on what the DOM shows, with the last text on a timeout. */

/** The one DOM call the waits make in the page (the tests compile without the DOM's types). */
declare const document: { querySelector(selector: string): { textContent: string | null } | null };

const ROOT = path.resolve(__dirname, '..', '..', '..');
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Waits until the element's text contains `want` (a string) or matches it (a RegExp). */
export async function untilText(
  page: Page,
  selector: string,
  want: string | RegExp,
  timeout = 120_000,
): Promise<void> {
  const pattern = typeof want === 'string' ? { source: escape(want), flags: '' } : want;
  try {
    await page.waitForFunction(
      ({ selector, source, flags }) => {
        const text = document.querySelector(selector)?.textContent;
        return text !== undefined && text !== null && new RegExp(source, flags).test(text);
      },
      { selector, source: pattern.source, flags: pattern.flags },
      { timeout, polling: 200 },
    );
  } catch (err) {
    const shown = await page
      .locator(selector)
      .first()
      .textContent({ timeout: 1_000 })
      .catch(() => '(no such element)');
    throw new Error(`waiting for ${selector} to show ${String(want)}: it shows ${JSON.stringify(shown)}`, {
      cause: err,
    });
  }
}

/** The count the migration page's legend shows for a status (0 when the status is absent). */
export async function legendCount(page: Page, status: string): Promise<number> {
  const text = await page
    .locator(`#counts [data-status="${status}"] .legend-count`)
    .textContent({ timeout: 1_000 })
    .catch(() => '0');
  return Number((text ?? '0').replace(/,/g, ''));
}

export async function stateBadge(page: Page): Promise<string> {
  return ((await page.locator('#state').textContent()) ?? '').trim();
}

/**
 * The README's screenshots: written to docs/screenshots/ when UPDATE_SCREENSHOTS=1 (not a FERRY_ name: Ferry's configuration refuses unknown ones) (then
 * committed), otherwise to `elsewhere` so every run still takes them.
 */
export async function saveScreenshot(page: Page, name: string, elsewhere: string): Promise<string> {
  const dir = process.env.UPDATE_SCREENSHOTS === '1' ? path.join(ROOT, 'docs', 'screenshots') : elsewhere;
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  return file;
}
