import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { eventually } from '../../helpers/eventually';
import { openConsole, type ConsolePage } from '../../helpers/browser';
import { perTest, standIn } from '../../helpers/set-up';
import { TEMPORAL_UI, consoleWorldPerFile } from './console-world';
import { signInPage } from '../auth-helpers';
import { legendCount, saveScreenshot, stateBadge, untilText } from './page-reads';

/**
 * The admin console in a real browser, one migration from upload to report: the tests run in order and
 * share it (each says what it starts from). Every wait is on what the page shows, never on time.
 */

const world = consoleWorldPerFile();
const tab: ConsolePage = standIn(
  perTest(
    'a console tab, an Admin signed in',
    async () => {
      const t = await openConsole(world.browser, world.console.url);
      admin = (await signInPage(t.page, world.accounts, 'admin')).name;
      return t;
    },
    async (t) => {
      // Nothing the page did failed: no script error, no CSP violation, no unexpected HTTP error.
      const problems = [...t.problems];
      await t.close();
      expect(problems).toEqual([]);
    },
  ),
);
/** The display name of the Admin signed in for the current test: who the console says acted. */
let admin: string;
/** Who sent the bulk retry (each test signs a new Admin in). */
let retriedBy: string;
let migrationId: string;

function page(): Page {
  return tab.page;
}

/** The confirmation dialog of an action that cannot be undone: confirms it (who acts is the session). */
async function confirm(): Promise<void> {
  await page().locator('#confirm-ok').click();
}

test('when an admin uploads a device list with errors, then every problem is listed by line and field and nothing can start', async () => {
  const bad = path.join(world.filesDir, 'bad.csv');
  writeFileSync(
    bad,
    [
      'serial_number,platform,enrollment_kind,user_email',
      'C0NSOLE00001,ios,standard,ana@corp.example',
      'C0NSOLE00002,windows,standard,bo@corp.example',
      'C0NSOLE00003,android,work_profile,not-an-email',
    ].join('\n'),
  );
  await page().goto('/new');
  await page().locator('#devices-file').setInputFiles(bad);
  await page().locator('#upload').click();
  const problems = page().locator('#problems tbody tr');
  await problems.first().waitFor();
  const rows = await problems.evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
  );
  expect(rows).toEqual([
    ['3', 'platform', expect.stringContaining('windows'), 'error'],
    ['4', 'user_email', expect.any(String), 'error'],
  ]);
  await expect(page().locator('#upload-result').textContent()).resolves.toMatch(/has 2 errors/);
  expect(await page().locator('#step-preflight').isHidden()).toBe(true);
  expect(await page().locator('#step-options').isHidden()).toBe(true);
});

test('when an admin uploads a valid list, runs the preflight and starts it in approved waves, then the migration page shows it rolling out', async () => {
  await page().goto('/new');
  await page().locator('#devices-file').setInputFiles(world.deviceListFile);
  await page().locator('#upload').click();
  await untilText(page(), '#upload-result', /^OK: 12 devices/);
  await page().locator('#run-preflight').click();
  await page().locator('#checks li').first().waitFor();
  const checks = await page().locator('#checks li').allTextContents();
  expect(checks.join('\n')).toContain('Target organization group');
  // The target lacks some users: the preflight names those devices, and the admin may start anyway.
  for (const serial of world.missingUsers) expect(checks.join('\n')).toContain(serial);

  const form = page().locator('#options');
  await form.locator('[name=name]').fill('Console pilot');
  await form.locator('[name=wave-size]').fill('6');
  await form.locator('[name=approve-waves]').check();
  await form.locator('[name=abm-auto-assign]').check();
  await form.locator('details.advanced summary').click();
  for (const flag of [
    'poll-interval',
    'abm-assign-interval',
    'abm-check-interval',
    'ade-sync-check-interval',
  ])
    await form.locator(`[name=${flag}]`).fill('1 second');
  for (const flag of ['source-removal-check-interval', 'enrollment-check-interval'])
    await form.locator(`[name=${flag}]`).fill('1 second');
  await page().locator('#start').click();
  await confirm();
  await page().waitForURL(/\/migrations\/console-pilot-[^/]+$/);
  migrationId = decodeURIComponent(new URL(page().url()).pathname.split('/')[2]!);
  await untilText(page(), '#migration-id', migrationId);
  // The first wave starts; the second waits for an admin's approval.
  await untilText(page(), '#state', 'waiting for wave');
  await untilText(page(), '#started', '6 of 12 devices started');
});

test('when an admin pauses and resumes the rollout, approves the next wave and the ABM assignment, then every device ends re-enrolled or failed', async () => {
  await page().goto(`/migrations/${encodeURIComponent(migrationId)}`);
  await untilText(page(), '#state', 'waiting for wave');
  await page().locator('#action-pause').click();
  // Pausing can be undone (resume): it goes at once, under the signed-in Admin's name.
  await untilText(page(), '#action-result', /paused/);
  await untilText(page(), '#state', 'paused');
  await untilText(page(), '#rollout-state', `paused by ${admin}`);
  // Resuming can be undone (pause again): it goes at once too.
  await page().locator('#action-resume').click();
  await untilText(page(), '#state', 'waiting for wave');
  // Approving a wave cannot be undone: it asks first.
  await page().locator('#action-approve-wave').click();
  await page().locator('#confirm-ok').click();
  await untilText(page(), '#started', '12 of 12 devices started');
  await untilText(page(), '#abm-state', 'waiting for approval');
  await page().locator('#action-approve-abm').click();
  await page().locator('#confirm-ok').click();
  await untilText(page(), '#abm-state', `approved by ${admin}`);

  const failed = world.missingUsers.length;
  const legend = (status: string) => `#counts [data-status=${status}] .legend-count`;
  await untilText(page(), legend('reenrolled'), new RegExp(`^${12 - failed}$`), 180_000);
  await untilText(page(), legend('failed'), new RegExp(`^${failed}$`), 180_000);
  expect(await legendCount(page(), 'failed')).toBe(failed);
  await expect(page().locator('#failures [data-reason] td').allTextContents()).resolves.toEqual([
    'Target user not found',
    String(failed),
  ]);
  await saveScreenshot(page(), 'console-migration.png', world.filesDir);
  // Every device has started: the workflow refuses a pause, and the page disables it.
  expect(await page().locator('#action-pause').isDisabled()).toBe(true);
  expect(await stateBadge(page())).not.toBe('paused');
});

test('when an admin filters the failed devices and retries them all after creating their users, then each gets a result line and re-enrolls', async () => {
  await page().goto(`/migrations/${encodeURIComponent(migrationId)}/devices`);
  await page().locator('#filters [name=status]').selectOption('failed');
  await page().locator('#apply-filters').click();
  await untilText(page(), '#summary', `${world.missingUsers.length} devices match`);
  const listed = await page()
    .locator('#devices tr[data-serial]')
    .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-serial')));
  expect(listed.sort()).toEqual([...world.missingUsers].sort());
  expect(new URL(page().url()).searchParams.get('status')).toBe('failed');

  world.createMissingUsers();
  await page().locator('#scope-filtered').check();
  await page().locator('#bulk-action').selectOption('retry');
  await page().locator('#bulk-run').click();
  await confirm();
  retriedBy = admin;
  const lines = page().locator('#action-results .results li');
  await lines.first().waitFor();
  const results = await lines.evaluateAll((lis) =>
    lis.map((li) => [li.getAttribute('data-serial'), li.className]),
  );
  expect(results.map(([serial]) => serial).sort()).toEqual([...world.missingUsers].sort());
  expect(results.every(([, kind]) => kind === 'result-ok')).toBe(true);

  // The table does not refresh by itself (it would move rows under the admin's cursor): filter again.
  await page().locator('#filters [name=status]').selectOption('reenrolled');
  await eventually(
    async () => {
      await page().locator('#apply-filters').click();
      await page().locator('#devices-table[data-state=ready]').waitFor();
      return page().locator('#summary').textContent();
    },
    (summary) => summary === '12 devices match',
    'every device re-enrolled after the retry',
    { timeoutMs: 180_000, intervalMs: 1_000 },
  );
  // The email filter finds a device, and the address stays out of the page's URL and its attributes.
  const { userEmail } = world.tenants.devices.find((d) => d.serialNumber === world.missingUsers[0])!;
  await page().locator('#filters [name=email]').fill(userEmail);
  await page().locator('#apply-filters').click();
  await untilText(page(), '#summary', /^1 device matches$/);
  expect(page().url()).not.toContain('@');
  const attributes = await page()
    .locator('body *')
    .evaluateAll((els) => els.flatMap((el) => [...el.attributes].map((a) => a.value)));
  expect(attributes.filter((value) => value.includes('@'))).toEqual([]);

  await page().locator('#filters [name=email]').fill('');
  await page().locator('#filters [name=status]').selectOption('');
  await page().locator('#apply-filters').click();
  await untilText(page(), '#summary', '12 devices match');
  await saveScreenshot(page(), 'console-devices.png', world.filesDir);
});

test('when an admin opens a retried device, then its timeline shows it failed and then re-enrolled, with a link to its workflow', async () => {
  const serial = world.missingUsers[0]!;
  await page().goto(`/migrations/${encodeURIComponent(migrationId)}/devices`);
  await page().locator(`#devices tr[data-serial="${serial}"] a`).click();
  await untilText(page(), '#serial', serial);
  await page().locator('#timeline li[data-status=reenrolled]').waitFor();
  const statuses = await page()
    .locator('#timeline li')
    .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-status')));
  expect(statuses.indexOf('failed')).toBeGreaterThanOrEqual(0);
  expect(statuses.lastIndexOf('reenrolled')).toBeGreaterThan(statuses.indexOf('failed'));
  const link = await page().locator('#temporal-url').getAttribute('href');
  expect(link).toMatch(new RegExp(`^${TEMPORAL_UI}/namespaces/default/workflows/`));
  expect(decodeURIComponent(link!)).toContain(`${migrationId}/${serial}`);
  // The admin's retry is in the device's history, with who did it.
  await untilText(page(), '#history', 'retry');
  await untilText(page(), '#history', retriedBy);
});

test('when an admin downloads the devices report, then the CSV has a row per device with its status', async () => {
  await page().goto(`/migrations/${encodeURIComponent(migrationId)}`);
  const [download] = await Promise.all([
    page().waitForEvent('download'),
    page().locator('#report-csv').click(),
  ]);
  const file = path.join(world.filesDir, 'report.csv');
  await download.saveAs(file);
  const rows = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  expect(rows).toHaveLength(13);
  for (const serial of world.missingUsers) expect(rows.some((r) => r.includes(serial))).toBe(true);
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
});
