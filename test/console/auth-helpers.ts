import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Page } from 'playwright-core';
import { FileAccountStore, type AccountStore } from '../../src/console/server/auth/account-store';
import { totpCode } from '../../src/console/server/auth/credentials';
import type { Role } from '../../src/console/server/auth/identity';
import { createSetUpLink, setUpPath } from '../../src/console/server/auth/set-up-links';

/**
 * Signing in, for the console's tests: a person of a role gets an account through a real one-time
 * set-up link (the link made as `ferry console-owner` or an Owner's invitation makes it, then opened
 * and finished through the API or the real pages, the TOTP code computed as an authenticator app
 * would), and with it a session cookie.
 */

export const TEST_PASSWORD = 'correct horse battery staple';

/** An account store in a folder of its own. */
export function testAccountStore(): { store: AccountStore; dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-console-accounts-'));
  return {
    store: new FileAccountStore(dir),
    dir,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

let people = 0;

/** A one-time link for a new person of `role`: its token, and the username it sets up. */
export async function setUpLinkFor(
  store: AccountStore,
  role: Role,
  now = Date.now(),
): Promise<{ token: string; username: string; name: string }> {
  people += 1;
  const username = `${role}-${people}`;
  const name = `${role[0]!.toUpperCase()}${role.slice(1)} ${people}`;
  const { token } = await createSetUpLink(
    store,
    { username, name, role, kind: 'invitation', createdBy: 'the tests' },
    60 * 60_000,
    now,
  );
  return { token, username, name };
}

/** Cookies from answers, kept by name as a browser keeps them (a cleared one is dropped). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(answer: LightMyRequestResponse): void {
    for (const c of answer.cookies as { name: string; value: string; maxAge?: number }[])
      if (c.value === '' || c.maxAge === 0) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
  }
  get header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** A browser's worth of state through app.inject: cookies, the CSRF token, and who is signed in. */
export interface InjectSession {
  app: FastifyInstance;
  jar: CookieJar;
  /** The CSRF token pages send back. */
  token: string;
  /** The cookie header (session and CSRF secret). */
  readonly cookie: string;
  username?: string;
  name?: string;
  /** A request with the cookies and, unless `csrf: false`, the x-csrf-token header. */
  request(options: InjectOptions & { csrf?: boolean }): Promise<LightMyRequestResponse>;
  post(url: string, body?: unknown, csrf?: boolean): Promise<LightMyRequestResponse>;
  get(url: string): Promise<LightMyRequestResponse>;
}

/** A session with no one signed in: the CSRF token of the sign-in page. */
export async function anonymous(app: FastifyInstance): Promise<InjectSession> {
  const jar = new CookieJar();
  const first = await app.inject({ method: 'GET', url: '/api/sign-in' });
  jar.take(first);
  const session: InjectSession = {
    app,
    jar,
    token: (first.json() as { csrfToken: string }).csrfToken,
    get cookie() {
      return session.jar.header;
    },
    async request({ csrf = true, headers, ...options }) {
      const answer = await app.inject({
        ...options,
        headers: {
          cookie: session.jar.header,
          ...(csrf ? { 'x-csrf-token': session.token } : {}),
          ...headers,
        },
      });
      session.jar.take(answer);
      return answer;
    },
    post: (url, body, csrf = true) =>
      session.request({
        method: 'POST',
        url,
        ...(body === undefined ? {} : { payload: body as object }),
        csrf,
      }),
    get: (url) => session.request({ method: 'GET', url }),
  };
  return session;
}

/**
 * Finishes a set-up link through the API with the TOTP code of `now`; the session is then signed in.
 * Resolves to the finishing answer and the account's TOTP key (as the authenticator app keeps it).
 */
export async function finishLink(
  session: InjectSession,
  token: string,
  now = Date.now(),
): Promise<{ finished: LightMyRequestResponse; totpSecret: string }> {
  const opened = await session.post('/api/set-up/open', { token });
  if (opened.statusCode !== 200) throw new Error(`set-up link refused: ${opened.body}`);
  const { totpSecret } = opened.json() as { totpSecret: string };
  const finished = await session.post('/api/set-up/finish', {
    token,
    password: TEST_PASSWORD,
    code: totpCode(totpSecret, now),
  });
  return { finished, totpSecret };
}

/**
 * A new person of `role` whose account was set up through the API on the TOTP step before `now`, so
 * that this step's code signs them in (a code is accepted once); no session is kept.
 */
export async function accountReadyToSignIn(
  app: FastifyInstance,
  store: AccountStore,
  role: Role,
  now = Date.now(),
): Promise<{ username: string; name: string; totpSecret: string }> {
  const link = await setUpLinkFor(store, role, now);
  const { finished, totpSecret } = await finishLink(await anonymous(app), link.token, now - 30_000);
  if (finished.statusCode !== 200) throw new Error(`set-up refused: ${finished.body}`);
  return { username: link.username, name: link.name, totpSecret };
}

/** A new person of `role`, signed in through app.inject. */
export async function signedIn(
  app: FastifyInstance,
  store: AccountStore,
  role: Role,
  now: () => number = Date.now,
): Promise<InjectSession & { totpSecret: string }> {
  const session = await anonymous(app);
  const link = await setUpLinkFor(store, role, now());
  const { finished, totpSecret } = await finishLink(session, link.token, now());
  if (finished.statusCode !== 200) throw new Error(`set-up refused: ${finished.body}`);
  // The pages' CSRF token after sign-in, as they ask for it.
  const answer = await session.get('/api/session');
  session.token = (answer.json() as { csrfToken: string }).csrfToken;
  return Object.assign(session, { username: link.username, name: link.name, totpSecret });
}

/**
 * Finishes a set-up link in the real set-up page (the password typed twice, the code computed from the
 * key the page shows, as an authenticator app would); the page ends on the migrations page, signed in.
 */
export async function finishSetUpPage(page: Page, link: string): Promise<string> {
  await page.goto(link);
  // The key shows once the page has opened the link.
  await page.locator('#set-up').waitFor({ state: 'visible' });
  const totpSecret = ((await page.locator('#totp-secret').textContent()) ?? '').replace(/\s/g, '');
  await page.fill('#password', TEST_PASSWORD);
  await page.fill('#password-again', TEST_PASSWORD);
  await page.fill('#code', totpCode(totpSecret));
  await Promise.all([page.waitForURL((url) => url.pathname === '/'), page.click('#set-up-submit')]);
  return totpSecret;
}

/** Signs a browser page in as a new person of `role`, through a set-up link and the real set-up page. */
export async function signInPage(
  page: Page,
  store: AccountStore,
  role: Role,
): Promise<{ username: string; name: string; totpSecret: string }> {
  const link = await setUpLinkFor(store, role);
  const totpSecret = await finishSetUpPage(page, setUpPath(link.token));
  return { username: link.username, name: link.name, totpSecret };
}

/**
 * An inject session's cookies as a browser context takes them (`context.addCookies`) for the console at
 * `url`: Secure, as the console sets them (the `__Host-` session cookie is refused otherwise).
 */
export function browserCookies(session: InjectSession, url: string) {
  return session.cookie.split('; ').map((pair) => {
    const [name, ...value] = pair.split('=');
    // By host and path, not `url`: Chromium refuses a `__Host-` cookie given with an http:// `url`.
    return { name: name!, value: value.join('='), domain: new URL(url).hostname, path: '/', secure: true };
  });
}
