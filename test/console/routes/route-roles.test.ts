import { randomUUID } from 'node:crypto';
import { ROUTE_ROLES, PUBLIC_ASSETS } from '../../../src/console/server/auth/route-roles';
import { ROLES, roleAtLeast, type Role } from '../../../src/console/server/auth/identity';
import { buildConsoleApp } from '../../../src/console/server/app';
import { devServerEnvPerFile } from '../../helpers/temporal';
import { perFile } from '../../helpers/set-up';
import type { InjectSession } from '../auth-helpers';
import { openConsole } from './console-fixture';

/**
 * Every route of route-roles.ts's table × no session, a Viewer, an Admin and an Owner, through the real
 * app: refused (401 or a redirect to sign-in without a session, 403 without the role) or let through
 * (whatever the route then answers: 200, or 400 for the empty body every POST here sends, 404 for the
 * sample ids — nothing acts).
 */

const env = devServerEnvPerFile();
const people = perFile(
  'a console with a person of each role',
  async () => {
    const owner = await openConsole(env, undefined, {}, 'owner');
    const byRole: Record<Role, InjectSession> = {
      viewer: await owner.as('viewer'),
      admin: await owner.as('admin'),
      owner,
    };
    return { owner, byRole };
  },
  ({ owner }) => owner.app.close(),
);

const SAMPLE: Record<string, string> = {
  id: 'm-matrix',
  serial: 'SERIAL01',
  action: 'pause',
  uploadId: randomUUID(),
  accountId: randomUUID(),
  linkId: randomUUID(),
};

const routes = Object.entries(ROUTE_ROLES).map(([key, need]) => {
  const [method, pattern] = key.split(' ') as [string, string];
  const url = pattern
    .replace(/:(\w+)/g, (_, name: string) => SAMPLE[name]!)
    // An asset the sign-in pages do not load (those are public, tested below).
    .replace('*', 'js/header.js');
  return { key, method, pattern, url, need };
});

const send = (session: InjectSession, method: string, url: string) =>
  session.request({ method: method as 'GET', url, ...(method === 'POST' ? { payload: {} } : {}) });

describe.each(routes.filter((r) => r.need !== 'public'))('$key (needs $need)', ({ method, url, need }) => {
  test('without a session: 401 for the API, a redirect to the sign-in page for a page', async () => {
    const answer = await send(await people().owner.anonymous(), method, url);
    if (method === 'GET' && !/^\/(api|assets)\//.test(url)) {
      expect(answer.statusCode).toBe(302);
      expect(answer.headers.location).toBe(`/sign-in?next=${encodeURIComponent(url)}`);
    } else {
      expect(answer.statusCode).toBe(401);
      expect(answer.json()).toMatchObject({ error: 'unauthenticated' });
    }
  });

  test.each([...ROLES])('as %s', async (role) => {
    const answer = await send(people().byRole[role], method, url);
    if (roleAtLeast(role, need as Role)) {
      expect([401, 403]).not.toContain(answer.statusCode);
    } else {
      expect(answer.statusCode).toBe(403);
      expect(answer.json()).toMatchObject({
        error: 'forbidden',
        message: expect.stringMatching(`^${role} may not`),
      });
    }
  });
});

test.each(routes.filter((r) => r.need === 'public'))(
  'when no one is signed in, then $key still answers (public)',
  async ({ method, pattern, url }) => {
    // OpenID Connect's routes exist only when it is configured (test/console/oidc tests them).
    if (!people().owner.app.hasRoute({ method, url: pattern })) return;
    const answer = await send(await people().owner.anonymous(), method, url);
    expect([401, 403]).not.toContain(answer.statusCode);
    expect(answer.headers.location ?? '').not.toMatch(/^\/sign-in/);
  },
);

test('when no one is signed in, then only the assets the sign-in pages load answer, and nothing else does', async () => {
  const anonymous = await people().owner.anonymous();
  for (const asset of PUBLIC_ASSETS)
    expect({ asset, status: (await anonymous.get(asset)).statusCode }).toEqual({ asset, status: 200 });
  for (const url of ['/assets/js/pages/devices.js', '/api/nothing-here', '/assets/no-such.js'])
    expect({ url, status: (await anonymous.get(url)).statusCode }).toEqual({ url, status: 401 });
  expect((await anonymous.get('/nothing-here')).statusCode).toBe(302);
});

test('when a route is added without a role in the table, then the console refuses to start', async () => {
  const app = await buildConsoleApp(
    { client: env.client, namespace: 'default', taskQueue: 'no-worker' },
    { logLevel: 'silent', auth: { store: people().owner.store } },
  );
  try {
    expect(() => app.get('/api/forgotten', () => ({}))).toThrow(
      /GET \/api\/forgotten is not in .*route-roles\.ts/,
    );
  } finally {
    await app.close();
  }
});
