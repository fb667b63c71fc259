import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { perFile, standIn } from './set-up';

/**
 * A real browser for the console's tests: Debian's chromium (installed by .ci/run), driven by
 * playwright-core, which downloads no browser of its own. CHROMIUM_PATH names another binary.
 */

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(): string {
  const named = process.env.CHROMIUM_PATH;
  if (named) return named;
  const found = CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('no chromium found: apt-get install chromium (as .ci/run does), or set CHROMIUM_PATH');
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // Root (as CI runs) cannot use chromium's sandbox; /dev/shm is small in containers.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

/** One browser for the file's tests, closed after them; read it inside tests. */
export function browserPerFile(): Browser {
  return standIn(perFile('the browser', launchChromium, (browser) => browser.close()));
}

const EXPECTED_REFUSAL = /^Failed to load resource: the server responded with a status of (400|409)\b/;

/** A page and what went wrong on it: script errors, failed console messages (CSP violations among them). */
export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  /** Uncaught errors and console errors, in order; a test ends by expecting none. */
  problems: string[];
  close(): Promise<void>;
}

/** A fresh context (its own cookies, so its own CSRF session) on the console at `baseUrl`. */
export async function openConsole(browser: Browser, baseUrl: string): Promise<ConsolePage> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(60_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (message) => {
    const text = message.text();
    // The API's expected refusals (a bad field, a rejected action) are answers the page shows, not faults.
    if (message.type() === 'error' && !EXPECTED_REFUSAL.test(text)) problems.push(`console error: ${text}`);
  });
  // A server error names its cause in the body, and a 404 its address: kept, so a failing test says
  // what went wrong (the console message of a failed load does not name what failed).
  page.on('response', (response) => {
    if (response.status() < 500 && response.status() !== 404) return;
    void response.text().then(
      (body) => problems.push(`${response.status()} ${response.url()}: ${body.slice(0, 500)}`),
      () => problems.push(`${response.status()} ${response.url()}`),
    );
  });
  return { page, context, problems, close: () => context.close() };
}
