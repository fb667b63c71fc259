import type { Page } from 'playwright-core';
import { startConsole, type RunningConsole } from '../../../src/console/server/serve';
import { SESSION_COOKIE } from '../../../src/console/server/auth/sessions';
import { browserPerFile, openConsole, type ConsolePage } from '../../helpers/browser';
import { TEST_GROUP_ROLES, startTestIdp, type TestIdp } from '../../helpers/oidc-provider';
import { perFile, standIn } from '../../helpers/set-up';
import { devServerEnvPerFile } from '../../helpers/temporal';
import { testAccountStore } from '../auth-helpers';
import { oidcConfigFor } from './oidc-app';

/**
 * OpenID Connect sign-in in Chromium against a real provider on loopback: the console sends the
 * browser to the provider's own login page, the person signs in there, and comes back signed in with
 * the role their groups map to; a person whose groups map to none comes back to a page saying so, with
 * no session.
 */

const env = devServerEnvPerFile();
const browser = browserPerFile();
const idp: TestIdp = standIn(
  perFile(
    'the test IdP',
    () => startTestIdp(),
    (i) => i.stop(),
  ),
);

interface OidcConsole {
  running: RunningConsole;
  close(): Promise<void>;
}

const consoleServer: OidcConsole = standIn(
  perFile(
    'the console with OIDC sign-in',
    async () => {
      const accounts = testAccountStore();
      const running = await startConsole(
        { client: env.client, namespace: env.namespace ?? 'default', taskQueue: 'console-oidc-no-worker' },
        { port: 0 },
        {
          logLevel: 'silent',
          auth: { store: accounts.store },
          oidc: { config: oidcConfigFor(idp), groupRoleSeed: TEST_GROUP_ROLES.map((m) => ({ ...m })) },
        },
      );
      return {
        running,
        close: async () => {
          await running.close();
          accounts.remove();
        },
      };
    },
    (c) => c.close(),
  ),
);

let tab: ConsolePage;
beforeEach(async () => {
  tab = await openConsole(browser, consoleServer.running.url);
});
afterEach(async () => {
  await tab.close();
});

/** To the provider's login page: from the console's sign-in page's link, or straight to the start. */
async function toIdp(page: Page, from: 'sign-in page' | { next: string }): Promise<void> {
  if (from === 'sign-in page') {
    await page.goto('/');
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await page.getByRole('link', { name: 'Sign in with your organisation' }).click();
  } else {
    await page.goto(`/auth/oidc/start?next=${encodeURIComponent(from.next)}`);
  }
}

/** From the console to the provider's login page, signed in there, and back. */
async function signInAtIdp(page: Page, login: string, from: Parameters<typeof toIdp>[1] = { next: '/' }) {
  const user = idp.users.find((u) => u.login === login)!;
  await toIdp(page, from);
  await page.getByRole('heading', { name: 'Test IdP sign-in' }).waitFor();
  expect(new URL(page.url()).origin).toBe(idp.issuer);
  await page.getByLabel('Username').fill(user.login);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.origin === consoleServer.running.url);
}

/** What the console's API answers this page, with its cookies. */
const apiStatus = (page: Page, url: string) => page.evaluate(async (u) => (await fetch(u)).status, url);
const session = (page: Page) =>
  page.evaluate(async () => {
    const answer = await fetch('/api/session');
    return { status: answer.status, body: (await answer.json()) as { identity?: unknown } };
  });

describe('OIDC sign-in in the browser', () => {
  it('when an admin group member signs in at the provider, then the console opens as Admin, where it was asked to', async () => {
    const { page } = tab;
    await signInAtIdp(page, 'ada', { next: '/new' });
    expect(new URL(page.url()).pathname).toBe('/new');
    const { status, body } = await session(page);
    expect(status).toBe(200);
    expect(body.identity).toEqual({ name: 'Ada Admin', role: 'admin', via: 'oidc' });
    expect(tab.problems).toEqual([]);
    // Admin, not Owner: the accounts API stays closed.
    expect(await apiStatus(page, '/api/accounts')).toBe(403);
  });

  it('when a viewer group member signs in from the sign-in page, then the console opens as Viewer and refuses an Admin’s page', async () => {
    const { page } = tab;
    await signInAtIdp(page, 'vic', 'sign-in page');
    await page.getByRole('heading', { name: 'Migrations' }).waitFor();
    const { body } = await session(page);
    expect(body.identity).toEqual({ name: 'Vic Viewer', role: 'viewer', via: 'oidc' });
    expect(tab.problems).toEqual([]);
    expect(await apiStatus(page, '/new')).toBe(403);
  });

  it('when no group of theirs maps to a role, then they come back to a page saying so, and no session', async () => {
    const { page } = tab;
    await signInAtIdp(page, 'nora');
    expect(new URL(page.url()).pathname).toBe('/auth/oidc/callback');
    await expect(page.getByRole('heading', { name: 'Not signed in' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('alert').textContent()).resolves.toBe(
      'no Ferry role for your groups; ask an Owner',
    );
    expect(await page.content()).not.toContain('everyone');
    // The page loads its stylesheet without a session, under the console's CSP, without a fault (the
    // browser reports the page's own 403, which is the answer).
    expect(tab.problems).toEqual([
      'console error: Failed to load resource: the server responded with a status of 403 (Forbidden)',
    ]);
    expect((await session(page)).status).toBe(401);
    expect(await tab.context.cookies()).not.toContainEqual(expect.objectContaining({ name: SESSION_COOKIE }));
    await page.getByRole('link', { name: 'Back to sign-in' }).click();
    await page.waitForURL((url) => url.pathname === '/sign-in');
  });
});
