import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Browser } from 'playwright-core';
import { DEFAULT_CONSOLE_AUTH } from '../../../src/config/console-auth';
import { totpCode } from '../../../src/console/server/auth/credentials';
import { startConsole, type RunningConsole } from '../../../src/console/server/serve';
import { launchChromium, openConsole, type ConsolePage } from '../../helpers/browser';
import { devServerEnv, installTestRuntime } from '../../helpers/temporal';
import {
  TEST_PASSWORD,
  accountReadyToSignIn,
  browserCookies,
  signedIn,
  testAccountStore,
} from '../auth-helpers';
import { untilText } from './page-reads';

/**
 * Lock-out and session expiry in a real browser, on a console whose clock the test moves (the TOTP
 * codes are computed at that clock, as an authenticator app on time would): wrong codes lock an
 * account, even the right code is then refused, and an Owner unlocks it from the accounts page; a
 * session left idle, or one used past its absolute lifetime, sends the page back to sign-in.
 */

const MINUTE = 60_000;
let clock = Date.now();
const now = () => clock;

let env: TestWorkflowEnvironment;
let accounts: ReturnType<typeof testAccountStore>;
let running: RunningConsole;
let browser: Browser;

beforeAll(async () => {
  installTestRuntime();
  env = await devServerEnv();
  accounts = testAccountStore();
  running = await startConsole(
    { client: env.client, namespace: env.namespace ?? 'default', taskQueue: 'sign-in-limits' },
    { port: 0 },
    // The rate limit (its own test is in routes/sign-in.test.ts) would count this file's set-ups too.
    { auth: { store: accounts.store, now, settings: { signInPerMinute: 1_000 } } },
  );
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await running?.close();
  await env?.teardown();
  accounts?.remove();
});

const personWithAccount = (role: 'admin' | 'owner') =>
  accountReadyToSignIn(running.app, accounts.store, role, clock);

async function signInThroughPage(t: ConsolePage, username: string, code: string): Promise<void> {
  await t.page.fill('#username', username);
  await t.page.fill('#password', TEST_PASSWORD);
  await t.page.fill('#code', code);
  await t.page.click('#sign-in-submit');
}

test('when someone types wrong codes until the account locks, then even the right code is refused until an Owner unlocks it in the accounts page', async () => {
  const person = await personWithAccount('admin');
  const t = await openConsole(browser, running.url);
  const owner = await openConsole(browser, running.url);
  try {
    await t.page.goto('/');
    await t.page.waitForURL((url) => url.pathname === '/sign-in');
    for (let attempt = 1; attempt <= DEFAULT_CONSOLE_AUTH.lockoutAttempts; attempt++) {
      await signInThroughPage(t, person.username, attempt % 2 ? '000000' : '999999');
      await untilText(t.page, '#sign-in-result', 'wrong username, password or code');
      // Each answer is read before the next try; clear it so the next wait sees the next answer.
      await t.page.locator('#sign-in-result').evaluate((el) => void (el.textContent = ''));
    }
    // Locked: the right password and the current code get the same answer as a wrong one.
    await signInThroughPage(t, person.username, totpCode(person.totpSecret, clock));
    await untilText(t.page, '#sign-in-result', 'wrong username, password or code');
    expect(t.page.url()).toContain('/sign-in');

    const ownerApi = await signedIn(running.app, accounts.store, 'owner', now);
    await owner.context.addCookies(browserCookies(ownerApi, running.url));
    await owner.page.goto('/accounts');
    const row = owner.page.locator(`tr[data-username="${person.username}"]`);
    await untilText(owner.page, `tr[data-username="${person.username}"] .state`, 'locked until');
    await row.locator('button.unlock').click();
    await untilText(owner.page, `tr[data-username="${person.username}"] .state`, 'active');

    // A new step's code: the one typed while locked was not accepted, but a code is never reused.
    clock += 30_000;
    await t.page.locator('#sign-in-result').evaluate((el) => void (el.textContent = ''));
    await Promise.all([
      t.page.waitForURL((url) => url.pathname === '/'),
      signInThroughPage(t, person.username, totpCode(person.totpSecret, clock)),
    ]);
    await untilText(t.page, '#signed-in', `${person.name} · admin`);
    expect(t.problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
    expect(owner.problems).toEqual([]);
  } finally {
    await t.close();
    await owner.close();
  }
});

test('when a session is left idle past its limit, or used past its absolute lifetime, then the page goes back to sign-in', async () => {
  const person = await personWithAccount('admin');
  const t = await openConsole(browser, running.url);
  try {
    await t.page.goto('/sign-in');
    await Promise.all([
      t.page.waitForURL((url) => url.pathname === '/'),
      signInThroughPage(t, person.username, totpCode(person.totpSecret, clock)),
    ]);
    await untilText(t.page, '#signed-in', person.name);

    // Idle: nothing for longer than the idle limit; the next page load asks to sign in again.
    clock += DEFAULT_CONSOLE_AUTH.sessionIdleMs + MINUTE;
    await t.page.goto('/');
    await t.page.waitForURL((url) => url.pathname === '/sign-in' && url.searchParams.get('next') === '/');

    // Absolute: signed in again and busy every few minutes, the session still ends at its lifetime.
    clock += 30_000;
    await Promise.all([
      t.page.waitForURL((url) => url.pathname === '/'),
      signInThroughPage(t, person.username, totpCode(person.totpSecret, clock)),
    ]);
    const signedInAt = clock;
    const step = DEFAULT_CONSOLE_AUTH.sessionIdleMs / 2;
    while (clock + step < signedInAt + DEFAULT_CONSOLE_AUTH.sessionMaxMs) {
      clock += step;
      const status = await t.page.evaluate(async () => (await fetch('/api/session')).status);
      expect(status).toBe(200);
    }
    clock = signedInAt + DEFAULT_CONSOLE_AUTH.sessionMaxMs + MINUTE;
    const status = await t.page.evaluate(async () => (await fetch('/api/migrations')).status);
    expect(status).toBe(401);
    await t.page.reload();
    await t.page.waitForURL((url) => url.pathname === '/sign-in' && url.searchParams.get('next') === '/');
    expect(t.problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
  } finally {
    await t.close();
  }
});
