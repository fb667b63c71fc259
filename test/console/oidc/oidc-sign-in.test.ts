import { createServer } from 'node:net';
import { SESSION_COOKIE } from '../../../src/console/server/auth/sessions';
import { perFile, standIn } from '../../helpers/set-up';
import { startTestIdp, type TestIdp } from '../../helpers/oidc-provider';
import { IdpAgent } from './idp-agent';
import { CONSOLE_ORIGIN, oidcApp, oidcConfigFor, type OidcApp } from './oidc-app';

/**
 * OpenID Connect sign-in through the console's routes against a real provider on loopback: the
 * authorization code flow with PKCE, state and nonce; groups mapped to the highest role; no session for
 * a person whose groups map to none, for a replayed or forged answer, or when the provider refuses.
 */

const idp: TestIdp = standIn(
  perFile(
    'the test IdP',
    () => startTestIdp(),
    (i) => i.stop(),
  ),
);
const console: OidcApp = standIn(
  perFile(
    'the OIDC routes',
    () => oidcApp(oidcConfigFor(idp)),
    (c) => c.app.close(),
  ),
);

/** Starts a sign-in; answers the provider's URL and the cookie holding the sign-in under way. */
async function start(returnTo?: string): Promise<{ authorizationUrl: string; cookie: string }> {
  const query = returnTo ? `?next=${encodeURIComponent(returnTo)}` : '';
  const answer = await console.get(`/auth/oidc/start${query}`);
  expect(answer.statusCode).toBe(302);
  const pending = answer.cookies.find((c) => c.name === 'ferry-console-oidc');
  expect(pending).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/auth/oidc' });
  return {
    authorizationUrl: answer.headers.location as string,
    cookie: `ferry-console-oidc=${pending!.value}`,
  };
}

/** The callback as the browser would reach it: the provider's redirect, on the console. */
const callbackPath = (back: URL) => `${back.pathname}${back.search}`;

async function signInAs(login: string, accept?: string) {
  const { authorizationUrl, cookie } = await start('/migrations/m-1');
  const user = idp.users.find((u) => u.login === login)!;
  const back = await new IdpAgent(idp.issuer).signIn(authorizationUrl, user.login, user.password);
  const answer = await console.get(callbackPath(back), { cookie, accept });
  return { answer, back, cookie };
}

describe('OIDC sign-in routes', () => {
  it('when the console sends a person to the provider, then with PKCE (S256), state, nonce and its own callback', async () => {
    const { authorizationUrl } = await start();
    const url = new URL(authorizationUrl);
    expect(`${url.origin}`).toBe(idp.issuer);
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({
      client_id: idp.clientId,
      response_type: 'code',
      redirect_uri: `${CONSOLE_ORIGIN}/auth/oidc/callback`,
      scope: 'openid profile email groups',
      code_challenge_method: 'S256',
    });
    expect(params.state).toMatch(/^[\w-]{20,}$/);
    expect(params.nonce).toMatch(/^[\w-]{20,}$/);
    expect(params.code_challenge).toMatch(/^[\w-]{43}$/);
  });

  it('when an admin group member signs in, then a session starts as Admin and the browser lands where it asked', async () => {
    const before = console.signedIn.length;
    const { answer } = await signInAs('ada');
    expect(answer.statusCode).toBe(303);
    expect(answer.headers.location).toBe('/migrations/m-1');
    expect(console.signedIn.slice(before)).toEqual([
      { subject: `oidc:${idp.issuer}#ada`, name: 'Ada Admin', role: 'admin', via: 'oidc' },
    ]);
  });

  it('when a person is in several mapped groups, then the highest role wins', async () => {
    const before = console.signedIn.length;
    await signInAs('olga');
    expect(console.signedIn.slice(before).map((i) => i.role)).toEqual(['owner']);
  });

  it('when no group of theirs maps to a role, then no session and a page that says why, without their groups', async () => {
    const before = console.signedIn.length;
    const { answer } = await signInAs('nora');
    expect(answer.statusCode).toBe(403);
    expect(answer.headers['content-type']).toMatch(/^text\/html/);
    expect(answer.body).toContain('no Ferry role for your groups; ask an Owner');
    expect(answer.body).not.toContain('everyone');
    expect(answer.cookies.map((c) => c.name)).not.toContain(SESSION_COOKIE);
    expect(console.signedIn.length).toBe(before);
  });

  it('when the provider leaves the groups out for their number (Entra ID past 200), then no session and the reason', async () => {
    const before = console.signedIn.length;
    const { answer } = await signInAs('gus', 'application/json');
    expect(answer.statusCode).toBe(403);
    expect(answer.json()).toMatchObject({ error: 'groups_overage' });
    expect(console.signedIn.length).toBe(before);
  });

  it('when the client is not a browser, then the refusal is JSON', async () => {
    const { answer } = await signInAs('nora', 'application/json');
    expect(answer.statusCode).toBe(403);
    expect(answer.json()).toEqual({
      error: 'no_role',
      message: 'no Ferry role for your groups; ask an Owner',
    });
  });

  it('when the provider’s answer is replayed, then it is refused: a sign-in under way is taken once', async () => {
    const { back, cookie } = await signInAs('vic');
    const replay = await console.get(callbackPath(back), { cookie, accept: 'application/json' });
    expect(replay.statusCode).toBe(400);
    expect(replay.json()).toMatchObject({ error: 'expired' });
  });

  it('when the answer comes to a browser that did not start the sign-in, then it is refused', async () => {
    const { authorizationUrl } = await start();
    const back = await new IdpAgent(idp.issuer).signIn(authorizationUrl, 'ada', 'ada-pw');
    const answer = await console.get(callbackPath(back), { accept: 'application/json' });
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toMatchObject({ error: 'expired' });
  });

  it('when the state does not match, then no session and the code is neither shown nor logged', async () => {
    const before = console.signedIn.length;
    const { authorizationUrl, cookie } = await start();
    const back = await new IdpAgent(idp.issuer).signIn(authorizationUrl, 'ada', 'ada-pw');
    const code = back.searchParams.get('code')!;
    back.searchParams.set('state', 'forged-state');
    const answer = await console.get(callbackPath(back), { cookie });
    expect(answer.statusCode).toBe(502);
    expect(answer.body).toContain('failed a check');
    expect(answer.body).not.toContain(code);
    expect(console.log.join('')).not.toContain(code);
    expect(console.signedIn.length).toBe(before);
  });

  it('when the person cancels at the provider, then the console says the provider refused (access_denied)', async () => {
    const { authorizationUrl, cookie } = await start();
    const back = await new IdpAgent(idp.issuer).cancel(authorizationUrl);
    const answer = await console.get(callbackPath(back), { cookie, accept: 'application/json' });
    expect(answer.statusCode).toBe(403);
    expect(answer.json()).toEqual({
      error: 'idp_refused',
      message: 'the identity provider refused the sign-in (access_denied)',
    });
  });

  it('when next names another site, then 400 naming the field', async () => {
    for (const returnTo of ['//evil.example/x', '/\\evil.example', 'https://evil.example/']) {
      const answer = await console.get(`/auth/oidc/start?next=${encodeURIComponent(returnTo)}`, {
        accept: 'application/json',
      });
      expect(answer.statusCode).toBe(400);
      expect(answer.json()).toMatchObject({ field: 'next' });
    }
  });

  it('when sign-ins are done, then the client secret never reached the log', () => {
    expect(console.log.join('')).not.toContain(idp.clientSecret);
  });
});

describe('OIDC sign-in with a provider that does not answer', () => {
  const closed = standIn(
    perFile(
      'the OIDC routes',
      async () => {
        const issuer = `http://127.0.0.1:${await closedPort()}`;
        return oidcApp(oidcConfigFor({ issuer, clientId: 'c', clientSecret: 's' }));
      },
      (c) => c.app.close(),
    ),
  );

  it('when the provider cannot be reached, then 502 saying so, at every try (no failure is kept)', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await closed.get('/auth/oidc/start', { accept: 'application/json' });
      expect(answer.statusCode).toBe(502);
      expect(answer.json()).toEqual({
        error: 'idp_unreachable',
        message: 'the identity provider could not be reached; try again',
      });
    }
  });
});

/** A loopback port nothing listens on (one that was free a moment ago). */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
