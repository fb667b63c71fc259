import type { Page } from 'playwright-core';
import type { Role } from '../../../src/console/server/auth/identity';
import { openConsole } from '../../helpers/browser';
import { signInPage } from '../auth-helpers';
import { consoleWorldPerFile, migrationPerFile } from './console-world';
import { untilText } from './page-reads';

/**
 * Each role in the page, not only through the API: what a Viewer, an Admin and an Owner see on every
 * page (the controls they may use, and no others), which pages answer them, and what the server says
 * to a request sent from the page whatever the page shows (a hidden button is not a control).
 */

const world = consoleWorldPerFile();
const migration = migrationPerFile(world, 'role pages');

const visible = (page: Page, selector: string) => page.locator(selector).first().isVisible();

/** Sends a POST from the page, as its own scripts do (the session's cookie and CSRF token). */
function postFromPage(page: Page, path: string, body: unknown): Promise<number> {
  return page.evaluate(
    async ([url, payload]) => {
      const session = (await (await fetch('/api/session')).json()) as { csrfToken: string };
      const answer = await fetch(url as string, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify(payload),
      });
      return answer.status;
    },
    [path, body] as const,
  );
}

const EXPECTED: Record<Role, { acts: boolean; manages: boolean }> = {
  viewer: { acts: false, manages: false },
  admin: { acts: true, manages: false },
  owner: { acts: true, manages: true },
};

test.each(Object.keys(EXPECTED) as Role[])(
  'when a signed-in %s opens every page, then it shows the controls of that role only, and the server answers requests from the page by role',
  async (role) => {
    const { acts, manages } = EXPECTED[role];
    const t = await openConsole(world.browser, world.console.url);
    try {
      const person = await signInPage(t.page, world.accounts, role);
      await untilText(t.page, '#signed-in', `${person.name} · ${role}`);
      expect(await visible(t.page, 'a[href="/new"]')).toBe(acts);
      expect(await t.page.locator('nav a[href="/accounts"]').count()).toBe(manages ? 1 : 0);

      const id = encodeURIComponent(migration().id);
      await t.page.goto(`/migrations/${id}`);
      await t.page.locator('#action-pause').waitFor({ state: 'attached' });
      expect(await visible(t.page, '#action-pause')).toBe(acts);
      await t.page.goto(`/migrations/${id}/devices`);
      await t.page.locator('#bulk-run').waitFor({ state: 'attached' });
      expect(await visible(t.page, '#bulk-run')).toBe(acts);
      // Every role reads the audit.
      const audit = await t.page.goto(`/migrations/${id}/audit`);
      expect(audit?.status()).toBe(200);
      await untilText(t.page, '#audit-state', /^\d+ actions? in /);

      // The pages an Admin or an Owner needs answer only them.
      expect((await t.page.goto('/new'))?.status()).toBe(acts ? 200 : 403);
      expect((await t.page.goto('/accounts'))?.status()).toBe(manages ? 200 : 403);

      // Requests from the page, whatever it shows: acting on the rollout, then managing accounts.
      await t.page.goto('/');
      expect(await postFromPage(t.page, `/api/migrations/${id}/actions/pause`, {})).toBe(acts ? 200 : 403);
      if (acts) expect(await postFromPage(t.page, `/api/migrations/${id}/actions/resume`, {})).toBe(200);
      const invitation = { username: `invited-by-${role}`, name: `Invited by ${role}`, role: 'owner' };
      expect(await postFromPage(t.page, '/api/accounts/invitations', invitation)).toBe(manages ? 200 : 403);
      expect(t.problems.filter((p) => !/status of 403/.test(p))).toEqual([]);
    } finally {
      await t.close();
    }
  },
);
