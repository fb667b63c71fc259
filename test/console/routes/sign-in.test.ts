import { readFileSync, statSync } from 'node:fs';
import { totpCode } from '../../../src/console/server/auth/credentials';
import { SESSION_COOKIE } from '../../../src/console/server/auth/sessions';
import { devServerEnvPerFile } from '../../helpers/temporal';
import { perFile } from '../../helpers/set-up';
import {
  TEST_PASSWORD,
  finishLink,
  setUpLinkFor,
  testAccountStore,
  type InjectSession,
} from '../auth-helpers';
import { openConsole } from './console-fixture';

/**
 * Local accounts through the API, on a clock the test moves (TOTP codes, lock-out and session expiry
 * are all about time): set-up links, sign-in with password and code, codes used once, lock-out and
 * unlock, idle and absolute expiry, sign-out, the rate limit, and what is never shown.
 */

const MINUTE = 60_000;
/** What the pages' periodic reads send (poll.js). */
const POLL = { 'x-ferry-poll': '1' };
const clock = { at: Date.parse('2026-06-01T09:00:00Z'), now: () => clock.at };
const accounts = testAccountStore();
const env = devServerEnvPerFile();
const owner = perFile(
  'a console on a test clock, with an Owner signed in',
  () =>
    openConsole(
      env,
      undefined,
      { auth: { store: accounts.store, now: clock.now, settings: { signInPerMinute: 1000 } } },
      'owner',
    ),
  async (c) => {
    await c.app.close();
    accounts.remove();
  },
);

/** Moves the clock past the TOTP step of the last code (each code is accepted once). */
const nextStep = () => (clock.at += 30_000);

async function signIn(session: InjectSession, username: string, secret: string, password = TEST_PASSWORD) {
  return session.post('/api/sign-in', { username, password, code: totpCode(secret, clock.now()) });
}

async function newPerson(role: 'viewer' | 'admin' = 'admin') {
  const session = await owner().as(role);
  nextStep();
  return { username: session.username!, secret: (session as unknown as { totpSecret: string }).totpSecret };
}

test('when a person signs in with the right password and code, then they get a session that knows them; the same code again is refused', async () => {
  const { username, secret } = await newPerson();
  const browser = await owner().anonymous();
  const answer = await signIn(browser, username, secret);
  expect(answer.statusCode).toBe(200);
  const cookie = answer.cookies.find((c) => c.name === SESSION_COOKIE)!;
  expect(SESSION_COOKIE).toBe('__Host-ferry-console-session');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: true, path: '/' });
  expect(cookie).not.toHaveProperty('domain');
  const csrfCookie = (await owner().app.inject({ method: 'GET', url: '/api/sign-in' })).cookies.find(
    (c) => c.name === 'ferry-console-csrf',
  );
  expect(csrfCookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: true, path: '/' });
  expect((await browser.get('/api/session')).json()).toMatchObject({
    identity: { role: 'admin', via: 'local' },
  });
  // The code of that step was used: another browser cannot replay it.
  const replay = await (
    await owner().anonymous()
  ).post('/api/sign-in', {
    username,
    password: TEST_PASSWORD,
    code: totpCode(secret, clock.now()),
  });
  expect(replay.statusCode).toBe(401);
});

test('when the username, password or code is wrong, then the answer is the same and does not say which (nor whether the account exists)', async () => {
  const { username, secret } = await newPerson();
  const browser = await owner().anonymous();
  const unknown = await signIn(browser, 'nobody-here', secret);
  const wrongPassword = await signIn(browser, username, secret, 'not the password at all');
  const wrongCode = await browser.post('/api/sign-in', { username, password: TEST_PASSWORD, code: '000000' });
  for (const answer of [unknown, wrongPassword, wrongCode]) {
    expect(answer.statusCode).toBe(401);
    expect(answer.json()).toEqual(unknown.json());
  }
  expect(unknown.json()).toMatchObject({ error: 'sign_in_failed' });
});

test('when 5 wrong tries come within 15 minutes, then the account locks for 15 minutes, unless an Owner unlocks it', async () => {
  const { username, secret } = await newPerson();
  const browser = await owner().anonymous();
  for (let i = 0; i < 5; i++)
    expect((await signIn(browser, username, secret, 'wrong password!')).statusCode).toBe(401);
  // Locked: the right password and code are refused too.
  expect((await signIn(browser, username, secret)).statusCode).toBe(401);
  const listed = (await owner().get('/api/accounts')).json() as {
    accounts: { id: string; username: string; locked: boolean }[];
  };
  const account = listed.accounts.find((a) => a.username === username)!;
  expect(account.locked).toBe(true);
  expect((await owner().post(`/api/accounts/${account.id}/unlock`, {})).statusCode).toBe(200);
  nextStep();
  expect((await signIn(browser, username, secret)).statusCode).toBe(200);
  // Locked again, it unlocks by itself after 15 minutes.
  const other = await owner().anonymous();
  for (let i = 0; i < 5; i++) await signIn(other, username, secret, 'wrong password!');
  nextStep();
  expect((await signIn(other, username, secret)).statusCode).toBe(401);
  clock.at += 15 * MINUTE;
  expect((await signIn(other, username, secret)).statusCode).toBe(200);
});

test('when a session is unused for 30 minutes, or 12 hours have passed since sign-in, then it has ended', async () => {
  const idle = await owner().as('viewer');
  clock.at += 29 * MINUTE;
  expect((await idle.get('/api/migrations')).statusCode).not.toBe(401);
  clock.at += 30 * MINUTE;
  expect((await idle.get('/api/migrations')).statusCode).toBe(401);

  const busy = await owner().as('viewer');
  for (let used = 0; used < 12 * 60 - 20; used += 20) {
    clock.at += 20 * MINUTE;
    expect((await busy.get('/api/session')).statusCode).toBe(200);
  }
  clock.at += 20 * MINUTE;
  expect((await busy.get('/api/session')).statusCode).toBe(401);
  // The Owner's own session ended too: a new one for the tests that follow.
  await refreshOwner();
});

test('when only a page’s polling reads come, then the session still idles out; a read the person asked for keeps it', async () => {
  const poll = (session: InjectSession) =>
    session.request({ method: 'GET', url: '/api/session', headers: POLL });
  const left = await owner().as('viewer');
  clock.at += 20 * MINUTE;
  expect((await poll(left)).statusCode).toBe(200);
  clock.at += 20 * MINUTE;
  expect((await poll(left)).statusCode).toBe(401);

  const reading = await owner().as('viewer');
  clock.at += 20 * MINUTE;
  expect((await reading.get('/api/session')).statusCode).toBe(200);
  clock.at += 20 * MINUTE;
  expect((await poll(reading)).statusCode).toBe(200);
  await refreshOwner();
});

test('when a person signs out, then their session is gone on the server (the old cookie no longer works)', async () => {
  const viewer = await owner().as('viewer');
  const cookie = viewer.cookie;
  expect((await viewer.post('/api/sign-out', {})).statusCode).toBe(200);
  const replayed = await owner().app.inject({ method: 'GET', url: '/api/session', headers: { cookie } });
  expect(replayed.statusCode).toBe(401);
});

test('when a set-up link is used, then it cannot be used again; an expired one does not open', async () => {
  const link = await setUpLinkFor(accounts.store, 'viewer', clock.now());
  expect((await finishLink(await owner().anonymous(), link.token, clock.now())).finished.statusCode).toBe(
    200,
  );
  const again = await (await owner().anonymous()).post('/api/set-up/open', { token: link.token });
  expect(again.statusCode).toBe(404);
  const old = await setUpLinkFor(accounts.store, 'viewer', clock.now());
  clock.at += 25 * 60 * MINUTE;
  expect((await (await owner().anonymous()).post('/api/set-up/open', { token: old.token })).statusCode).toBe(
    404,
  );
  await refreshOwner();
});

test('when an Owner changes a role or disables an account, then it applies to that person at once; the last Owner cannot be removed', async () => {
  const person = await owner().as('admin');
  const { accounts: listed } = (await owner().get('/api/accounts')).json() as {
    accounts: { id: string; username: string; role: string }[];
  };
  const id = listed.find((a) => a.username === person.username)!.id;
  expect((await owner().post(`/api/accounts/${id}`, { role: 'viewer' })).json()).toMatchObject({
    role: 'viewer',
  });
  expect((await person.post('/api/migrations/m-1/actions/pause', {})).statusCode).toBe(403);
  expect((await owner().post(`/api/accounts/${id}`, { disabled: true })).statusCode).toBe(200);
  expect((await person.get('/api/migrations')).statusCode).toBe(401);
  const me = listed.find((a) => a.username === owner().username)!;
  for (const o of listed.filter((a) => a.role === 'owner' && a !== me))
    await owner().post(`/api/accounts/${o.id}`, { disabled: true });
  const last = await owner().post(`/api/accounts/${me.id}`, { role: 'admin' });
  expect(last.statusCode).toBe(409);
  expect((await owner().post(`/api/accounts/${me.id}`, { disabled: true })).statusCode).toBe(409);
});

test('when accounts are stored, then passwords are argon2id hashes in a 0600 file and no answer shows a hash or a TOTP secret', async () => {
  const file = accounts.store.location;
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const stored = readFileSync(file, 'utf8');
  expect(stored).not.toContain(TEST_PASSWORD);
  expect(stored).toMatch(/"passwordHash": "\$argon2id\$/);
  const listed = (await owner().get('/api/accounts')).body;
  expect(listed).not.toMatch(/argon2|totpSecret|passwordHash|tokenHash/);
});

test('when one address tries to sign in too often, then it is refused with 429 for a while', async () => {
  const limited = await openConsole(env, undefined, { auth: { settings: { signInPerMinute: 3 } } });
  try {
    const browser = await limited.anonymous();
    const tries = [];
    for (let i = 0; i < 4; i++)
      tries.push(
        (await browser.post('/api/sign-in', { username: 'x', password: 'y', code: '123456' })).statusCode,
      );
    expect(tries).toEqual([401, 401, 401, 429]);
  } finally {
    await limited.app.close();
  }
});

/**
 * A console behind a proxy at 10.1.0.0/16, with a sign-in limit of 2 a minute: `use` gets sign-in
 * attempts connecting from `connecting`, with X-Forwarded-For naming the client `address`.
 */
async function behindProxy(
  connecting: string,
  use: (from: (address: string) => Promise<number>) => Promise<void>,
) {
  const proxied = await openConsole(env, undefined, {
    auth: {
      settings: {
        signInPerMinute: 2,
        publicUrl: 'https://ferry.example.com',
        trustedProxies: ['10.1.0.0/16'],
      },
    },
  });
  try {
    const browser = await proxied.anonymous();
    await use(
      async (address) =>
        (
          await browser.request({
            method: 'POST',
            url: '/api/sign-in',
            payload: { username: 'x', password: 'y', code: '123456' },
            headers: { 'x-forwarded-for': `10.9.9.9, ${address}` },
            remoteAddress: connecting,
          })
        ).statusCode,
    );
  } finally {
    await proxied.app.close();
  }
}

test('when the console sits behind a trusted proxy, then the rate limit counts each client address the proxy reports', async () => {
  await behindProxy('10.1.2.3', async (from) => {
    expect([await from('203.0.113.1'), await from('203.0.113.1'), await from('203.0.113.1')]).toEqual([
      401, 401, 429,
    ]);
    // Another client (and not the address a client put first in the header).
    expect(await from('203.0.113.2')).toBe(401);
  });
});

test('when X-Forwarded-For comes from an address not listed as a proxy, then it is ignored: a new address per request gets no new limit', async () => {
  await behindProxy('198.51.100.7', async (from) => {
    expect([await from('203.0.113.1'), await from('203.0.113.2'), await from('203.0.113.3')]).toEqual([
      401, 401, 429,
    ]);
  });
});

/** A fresh Owner session after the clock jumped past the previous one's expiry. */
async function refreshOwner() {
  const fresh = await owner().as('owner');
  Object.assign(owner(), { jar: fresh.jar, token: fresh.token, username: fresh.username, name: fresh.name });
}
