import { perFile, standIn } from '../../helpers/set-up';
import { TEST_GROUP_ROLES, startTestIdp, type TestIdp } from '../../helpers/oidc-provider';
import { devServerEnvPerFile } from '../../helpers/temporal';
import { openConsole, type ConsoleSession } from '../routes/console-fixture';
import { CookieJar } from '../auth-helpers';
import { IdpAgent } from './idp-agent';
import { oidcConfigFor } from './oidc-app';

/**
 * An OpenID Connect person's session in the whole console (the real provider on loopback, the app
 * through inject): the role follows the group → role mapping an Owner edits, at the next request, and
 * a person whose groups no longer map to a role is signed out.
 */

const idp: TestIdp = standIn(
  perFile(
    'the test IdP',
    () => startTestIdp(),
    (i) => i.stop(),
  ),
);
const env = devServerEnvPerFile();
const owner: () => ConsoleSession = perFile(
  'a console with OIDC sign-in and a local Owner',
  () =>
    openConsole(
      env,
      undefined,
      { oidc: { config: oidcConfigFor(idp), groupRoleSeed: TEST_GROUP_ROLES.map((m) => ({ ...m })) } },
      'owner',
    ),
  (c) => c.app.close(),
);

const HOST = { host: '127.0.0.1:7380' };

/** Signs `login` in through the provider, as a browser would; answers its cookies. */
async function signInWithProvider(login: string): Promise<CookieJar> {
  const { app } = owner();
  const jar = new CookieJar();
  const started = await app.inject({ method: 'GET', url: '/auth/oidc/start', headers: HOST });
  expect(started.statusCode).toBe(302);
  jar.take(started);
  const user = idp.users.find((u) => u.login === login)!;
  const back = await new IdpAgent(idp.issuer).signIn(
    started.headers.location as string,
    user.login,
    user.password,
  );
  const landed = await app.inject({
    method: 'GET',
    url: `${back.pathname}${back.search}`,
    headers: { ...HOST, cookie: jar.header, accept: 'application/json' },
  });
  expect(landed.statusCode).toBe(303);
  jar.take(landed);
  return jar;
}

const sessionOf = (jar: CookieJar) =>
  owner().app.inject({ method: 'GET', url: '/api/session', headers: { ...HOST, cookie: jar.header } });

test('when an Owner changes the group mapping, then a signed-in OIDC person has the new role at their next request, and no session once no group maps', async () => {
  const ada = await signInWithProvider('ada');
  expect((await sessionOf(ada)).json()).toMatchObject({ identity: { name: 'Ada Admin', role: 'admin' } });

  const demoted = TEST_GROUP_ROLES.map((m) => (m.group === 'ferry-admins' ? { ...m, role: 'viewer' } : m));
  expect((await owner().post('/api/group-roles', { groupRoles: demoted })).statusCode).toBe(200);
  expect((await sessionOf(ada)).json()).toMatchObject({ identity: { role: 'viewer' } });

  const unmapped = TEST_GROUP_ROLES.filter((m) => m.group !== 'ferry-admins');
  expect((await owner().post('/api/group-roles', { groupRoles: unmapped })).statusCode).toBe(200);
  const after = await sessionOf(ada);
  expect(after.statusCode).toBe(401);
  // Mapped again: the ended session does not come back.
  expect((await owner().post('/api/group-roles', { groupRoles: TEST_GROUP_ROLES })).statusCode).toBe(200);
  expect((await sessionOf(ada)).statusCode).toBe(401);
});

test('when one address starts OIDC sign-ins too often, then it is refused with 429 (sign-ins under way are not flooded out)', async () => {
  const limited = await openConsole(env, undefined, {
    oidc: { config: oidcConfigFor(idp) },
    auth: { settings: { signInPerMinute: 2 } },
  });
  try {
    const starts = [];
    for (let i = 0; i < 3; i++)
      starts.push(
        (await limited.app.inject({ method: 'GET', url: '/auth/oidc/start', headers: HOST })).statusCode,
      );
    expect(starts).toEqual([302, 302, 429]);
  } finally {
    await limited.app.close();
  }
});
