import { DEVICE_STATUSES, ENROLLMENT_KINDS } from '../../../src/workflows/device/messages';
import { devServerEnvPerFile } from '../../helpers/temporal';
import { consolePerFile } from './console-fixture';

const env = devServerEnvPerFile();
const console_ = consolePerFile(env);

test('when a page asks for its session, then it gets a CSRF token, who is signed in, the namespace and the statuses, platforms and enrollment kinds', async () => {
  const answer = await console_().get('/api/session');
  expect(answer.statusCode).toBe(200);
  expect(answer.json()).toEqual({
    csrfToken: expect.any(String),
    identity: { name: console_().name, role: 'admin', via: 'local' },
    namespace: env.namespace ?? 'default',
    temporalUiUrl: 'http://127.0.0.1:8233',
    // The words the pages' filters and counts use, the workflow's own lists.
    vocabulary: {
      statuses: [...DEVICE_STATUSES, 'not_started'],
      platforms: ['ios', 'android'],
      enrollmentKinds: [...ENROLLMENT_KINDS],
    },
  });
  expect((await console_().get('/healthz')).json()).toEqual({ ok: true });
});

test('when a state-changing request has no or a wrong CSRF token, then it is refused with 403 csrf', async () => {
  const missing = await console_().post('/api/migrations/m-1/actions/pause', { by: 'ann' }, false);
  expect(missing.statusCode).toBe(403);
  expect(missing.json()).toMatchObject({ error: 'csrf' });
  const wrong = await console_().request({
    method: 'POST',
    url: '/api/migrations/m-1/actions/pause',
    payload: { by: 'ann' },
    csrf: false,
    headers: { 'x-csrf-token': 'not-the-token' },
  });
  expect(wrong.statusCode).toBe(403);
  expect(wrong.json()).toMatchObject({ error: 'csrf' });
  // The token without its cookie (another browser's page) is refused too.
  const noCookie = await console_().app.inject({
    method: 'POST',
    url: '/api/migrations/m-1/actions/pause',
    payload: { by: 'ann' },
    headers: { 'x-csrf-token': console_().token },
  });
  expect(noCookie.statusCode).toBe(403);
});

test('when a page is served, then a strict Content-Security-Policy and no-sniff headers come with it', async () => {
  const page = await console_().get('/new');
  expect(page.statusCode).toBe(200);
  expect(page.headers['content-type']).toMatch(/^text\/html/);
  const csp = String(page.headers['content-security-policy']);
  for (const directive of [
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ]) {
    expect(csp).toContain(directive);
  }
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
  expect(page.headers['x-content-type-options']).toBe('nosniff');
  expect(page.headers['strict-transport-security']).toBeUndefined();
});

test('when a request names a host that is not loopback, then the console refuses it (no DNS rebinding)', async () => {
  const answer = await console_().request({
    method: 'GET',
    url: '/api/session',
    headers: { host: 'attacker.example:7380' },
  });
  expect(answer.statusCode).toBe(421);
  expect(answer.json()).toMatchObject({ error: 'host' });
  const unknown = await console_().get('/api/nothing-here');
  expect(unknown.statusCode).toBe(404);
  expect(unknown.json()).toMatchObject({ error: 'not_found' });
});
