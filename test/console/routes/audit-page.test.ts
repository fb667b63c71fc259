import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startConsole } from '../../../src/console/server/serve';
import { FileMigrationStore } from '../../../src/services/device-lists/store';
import { launchChromium, openConsole } from '../../helpers/browser';
import { FakeWorld } from '../../helpers/fake-world';
import { perFile, standIn } from '../../helpers/set-up';
import { devServerEnv, installTestRuntime, testWorker } from '../../helpers/temporal';
import { browserCookies, signedIn, testAccountStore } from '../auth-helpers';
import { CSV_HEADER } from './console-world';

/**
 * The audit page in a real browser: a signed-in Admin cancels a migration from
 * its page with a reason, follows the migration page's Audit link, and finds that action there under
 * their own name and role, with the fleet's answer; the start shows the Admin who started it.
 */

async function startWorld() {
  installTestRuntime();
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-audit-page-'));
  const stateDirBefore = process.env.FERRY_STATE_DIR;
  process.env.FERRY_STATE_DIR = stateDir;
  const env = await devServerEnv();
  const world = new FakeWorld();
  world.enrollDelayMs = 0;
  const { worker, taskQueue } = await testWorker(env, world.activities(), {
    prefix: 'audit-page',
    fleet: { store: new FileMigrationStore(stateDir) },
  });
  const running = worker.run();
  const accounts = testAccountStore();
  const server = await startConsole(
    { client: env.client, namespace: env.namespace ?? 'default', taskQueue },
    { port: 0 },
    { logLevel: 'silent', auth: { store: accounts.store } },
  );
  const browser = await launchChromium();
  return {
    world,
    server,
    browser,
    store: accounts.store,
    async close() {
      await browser.close();
      await server.close();
      worker.shutdown();
      await running;
      await env.teardown();
      accounts.remove();
      if (stateDirBefore === undefined) delete process.env.FERRY_STATE_DIR;
      else process.env.FERRY_STATE_DIR = stateDirBefore;
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

const w = standIn(perFile('the audit page world', startWorld, (world) => world.close()));

test('when a signed-in admin cancels a migration from its page, then the audit page shows them, their reason and the answer', async () => {
  const starter = await signedIn(w.server.app, w.store, 'admin');
  const rows = [1, 2].map((i) => {
    const email = `page${i}@corp.example`;
    w.world.addUser(email);
    return `AUDPAGE0${i},ios,standard,${email}`;
  });
  const upload = await starter.request({
    method: 'POST',
    url: '/api/uploads',
    headers: { 'content-type': 'text/csv' },
    payload: [CSV_HEADER, ...rows].join('\n'),
  });
  const { uploadId } = upload.json() as { uploadId: string };
  const options = { 'wave-size': 1, 'approve-waves': true, 'poll-interval': '1s' };
  const started = await starter.post('/api/migrations', { uploadId, name: 'Audit page', options });
  expect(started.statusCode).toBe(200);
  const { id } = started.json() as { id: string };

  const tab = await openConsole(w.browser, w.server.url);
  try {
    const page = tab.page;
    // Signed in as a session of its own (the sign-in pages are AUTH's to test): its cookies in this browser.
    const admin = await signedIn(w.server.app, w.store, 'admin');
    await tab.context.addCookies(browserCookies(admin, w.server.url));
    await page.goto(`/migrations/${id}`);
    const cancel = page.locator('#action-cancel');
    await cancel.and(page.locator(':enabled')).waitFor();
    await cancel.click();
    await page.locator('#confirm-reason').fill('wrong list');
    await page.locator('#confirm-ok').click();
    await page.locator('#action-result.notice-ok').waitFor();

    await page.locator('#audit-link').click();
    await page.waitForURL((url) => url.pathname === `/migrations/${id}/audit`);
    const table = page.locator('#audit-table tbody tr');
    await table.nth(1).waitFor();
    const cells = await table.evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].slice(1).map((td) => td.textContent)),
    );
    expect(cells).toEqual([
      [
        expect.stringMatching(new RegExp(`^${starter.name}local:\\S+, admin, console$`)),
        'start',
        'the migration',
        '',
        'started "Audit page" with 2 devices',
      ],
      [
        expect.stringMatching(new RegExp(`^${admin.name}local:\\S+, admin, console$`)),
        'cancel-migration',
        'the migration',
        'wrong list',
        expect.stringMatching(/^cancel-migration done: /),
      ],
    ]);
    expect(await page.locator('#audit-csv').getAttribute('href')).toBe(
      `/api/migrations/${id}/audit?format=csv`,
    );
    expect(tab.problems).toEqual([]);
  } finally {
    await tab.close();
  }
});
