import type { Page } from 'playwright-core';
import { totpCode } from '../../../src/console/server/auth/credentials';
import { SESSION_COOKIE } from '../../../src/console/server/auth/sessions';
import { openConsole, type ConsolePage } from '../../helpers/browser';
import { TEST_PASSWORD, accountReadyToSignIn, finishSetUpPage, signInPage } from '../auth-helpers';
import { consoleWorldPerFile, migrationPerFile } from './console-world';
import { untilText } from './page-reads';

/**
 * Roles in a real browser: a Viewer sees no control to act with, and the server refuses the request
 * when one is forced; the sign-in page (password and code) brings a person back where they were going;
 * an Owner invites someone from the accounts page and changes their role.
 */

const world = consoleWorldPerFile();
const migration = migrationPerFile(world, 'roles');

/** A fresh browser context; its problems are checked by the test (a forced 403 is one). */
async function tab(): Promise<ConsolePage> {
  return openConsole(world.browser, world.console.url);
}

const visible = (page: Page, selector: string) => page.locator(selector).first().isVisible();

test('when a Viewer opens the pages, then no control to act is shown, and a request forced from the page is refused with 403', async () => {
  const t = await tab();
  try {
    const viewer = await signInPage(t.page, world.accounts, 'viewer');
    await untilText(t.page, '#signed-in', `${viewer.name} · viewer`);
    expect(await visible(t.page, 'a[href="/new"]')).toBe(false);
    expect(await t.page.locator('a[href="/accounts"]').count()).toBe(0);
    const id = migration().id;
    await t.page.goto(`/migrations/${encodeURIComponent(id)}`);
    await t.page.locator('#action-pause').waitFor({ state: 'attached' });
    expect(await visible(t.page, '#action-pause')).toBe(false);
    await t.page.goto(`/migrations/${encodeURIComponent(id)}/devices`);
    await t.page.locator('#bulk-run').waitFor({ state: 'attached' });
    expect(await visible(t.page, '#bulk-run')).toBe(false);
    const forced = await t.page.evaluate(
      async (path) => {
        const session = (await (await fetch('/api/session')).json()) as { csrfToken: string };
        const answer = await fetch(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
          body: JSON.stringify({ reason: 'forced' }),
        });
        return { status: answer.status, body: (await answer.json()) as { error: string; message: string } };
      },
      `/api/migrations/${encodeURIComponent(id)}/actions/pause`,
    );
    expect(forced).toEqual({
      status: 403,
      body: { error: 'forbidden', message: expect.stringMatching(/^viewer may not/) },
    });
    expect(t.problems.filter((p) => !/status of 403/.test(p))).toEqual([]);
  } finally {
    await t.close();
  }
});

test('when a person opens a page without a session, then they sign in with password and code and come back to it; signing out ends it', async () => {
  const link = await accountReadyToSignIn(world.console.app, world.accounts, 'admin');
  const { totpSecret } = link;
  const t = await tab();
  try {
    const target = `/migrations/${encodeURIComponent(migration().id)}`;
    await t.page.goto(target);
    await t.page.waitForURL((url) => url.pathname === '/sign-in');
    await t.page.fill('#username', link.username);
    await t.page.fill('#password', 'a wrong password');
    await t.page.fill('#code', totpCode(totpSecret));
    await t.page.click('#sign-in-submit');
    await untilText(t.page, '#sign-in-result', 'wrong username, password or code');
    await t.page.fill('#password', TEST_PASSWORD);
    await t.page.fill('#code', totpCode(totpSecret));
    await Promise.all([t.page.waitForURL((url) => url.pathname === target), t.page.click('#sign-in-submit')]);
    await untilText(t.page, '#signed-in', `${link.name} · admin`);
    expect(await visible(t.page, '#action-pause')).toBe(true);
    // The session cookie as the browser keeps it over http://127.0.0.1: Secure, HttpOnly, Lax.
    const cookie = (await t.context.cookies()).find((c) => c.name === SESSION_COOKIE);
    expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax' });
    await Promise.all([t.page.waitForURL((url) => url.pathname === '/sign-in'), t.page.click('#sign-out')]);
    const after = await t.page.evaluate(async () => (await fetch('/api/migrations')).status);
    expect(after).toBe(401);
    expect(t.problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
  } finally {
    await t.close();
  }
});

test('when the sign-in link names another site as where to go next, then signing in stays on the console', async () => {
  const link = await accountReadyToSignIn(world.console.app, world.accounts, 'viewer');
  const { totpSecret } = link;
  const t = await tab();
  try {
    // Were the browser sent away, it would get this page rather than a name lookup failing.
    await t.context.route('http://evil.example/**', (route) => route.fulfill({ body: 'elsewhere' }));
    // `/<tab>/evil.example/x` starts with one slash, and the browser drops the tab: `//evil.example/x`.
    await t.page.goto('/sign-in?next=%2F%09%2Fevil.example%2Fx');
    await t.page.fill('#username', link.username);
    await t.page.fill('#password', TEST_PASSWORD);
    await t.page.fill('#code', totpCode(totpSecret));
    await Promise.all([
      t.page.waitForURL((url) => url.pathname !== '/sign-in'),
      t.page.click('#sign-in-submit'),
    ]);
    expect(new URL(t.page.url()).origin).toBe(new URL(world.console.url).origin);
    await untilText(t.page, '#signed-in', `${link.name} · viewer`);
  } finally {
    await t.close();
  }
});

test('when an Owner invites someone from the accounts page and later makes them Admin, then they set up their account and get the controls', async () => {
  const owner = await tab();
  const invited = await tab();
  try {
    await signInPage(owner.page, world.accounts, 'owner');
    await owner.page.goto('/accounts');
    await owner.page.fill('#invite-username', 'vic');
    await owner.page.fill('#invite-name', 'Vic Viewer');
    await owner.page.selectOption('#invite-role', 'viewer');
    await owner.page.click('#invite');
    const link = (await owner.page.locator('#invite-link').textContent())!;
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/set-up#/);
    await finishSetUpPage(invited.page, link);
    await untilText(invited.page, '#signed-in', 'Vic Viewer · viewer');
    await owner.page.reload();
    await owner.page.selectOption('tr[data-username="vic"] select', 'admin');
    await untilText(owner.page, '#accounts-result', 'vic → admin: done');
    await invited.page.reload();
    await untilText(invited.page, '#signed-in', 'Vic Viewer · admin');
    expect(await visible(invited.page, 'a[href="/new"]')).toBe(true);
    expect([...owner.problems, ...invited.problems]).toEqual([]);
  } finally {
    await owner.close();
    await invited.close();
  }
});
