/**
 * Retries in the shared HTTP layer over real loopback HTTP: an idempotent request outlives a 5xx, a
 * reset, a hang, a 429 and an unreadable body; a non-idempotent one and a 4xx get one attempt.
 */
import { z } from 'zod';
import {
  InvalidRequestError,
  NotFoundError,
  RateLimitedError,
  TransientError,
} from '../../src/services/shared/errors';
import { createHttpClient, isIdempotent, parseBody, type HttpRequest } from '../../src/services/shared/http';
import { rejectionOf } from '../helpers/rejection';
import { captureLogs } from '../simulators/ws1-fixture';
import { startScriptedServer, type ScriptedServer } from './scripted-server';

let server: ScriptedServer;
beforeEach(async () => {
  server = await startScriptedServer();
});
afterEach(() => server.close());

const FAST = { baseDelayMs: 20, maxDelayMs: 50 };
const schema = z.object({ a: z.number() });
const ok = { status: 200, body: { a: 1 } };

function client(extra: Partial<Parameters<typeof createHttpClient>[0]> = {}) {
  return createHttpClient({
    service: 'Example',
    baseURL: server.url,
    timeoutMs: 1_000,
    retry: FAST,
    ...extra,
  });
}

/** One call as the clients make it: send and parse in one attempt, under the retry policy. */
function call(http: ReturnType<typeof client>, request: HttpRequest) {
  return http.retrying(request, async () =>
    parseBody(schema, (await http.send(request)).data, {
      service: 'Example',
      method: request.method,
      path: request.path,
    }),
  );
}

describe('an idempotent request', () => {
  it('when answered 503, then reset, then 200, then it resolves on the third attempt', async () => {
    server.script('GET /things', 503, 'reset', ok);
    expect(await call(client(), { method: 'GET', path: '/things' })).toEqual({ a: 1 });
    expect(server.requests()).toHaveLength(3);
  });

  it('when the server hangs once, then the attempt times out and the next one answers', async () => {
    server.script('GET /things', 'hang', ok);
    const started = Date.now();
    expect(await call(client({ timeoutMs: 200 }), { method: 'GET', path: '/things' })).toEqual({ a: 1 });
    expect(server.requests()).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('when a body does not fit the schema, then it is asked for again', async () => {
    server.script('GET /things', { status: 200, body: { a: 'one' } }, ok);
    expect(await call(client(), { method: 'GET', path: '/things' })).toEqual({ a: 1 });
    expect(server.requests()).toHaveLength(2);
  });

  it('when a 429 asks for a second, then the next attempt waits that second', async () => {
    server.script('GET /things', { status: 429, headers: { 'Retry-After': '1' } }, ok);
    const started = Date.now();
    expect(await call(client(), { method: 'GET', path: '/things' })).toEqual({ a: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect(server.requests()).toHaveLength(2);
  });

  it('when a 429 asks for two minutes, then RateLimited at once, for the activity to wait it out', async () => {
    server.script('GET /things', { status: 429, headers: { 'Retry-After': '120' } }, ok);
    const err = await rejectionOf(call(client(), { method: 'GET', path: '/things' }));
    expect(err).toBeInstanceOf(RateLimitedError);
    expect(err.retryAfterMs).toBe(120_000);
    expect(server.requests()).toHaveLength(1);
  });

  it('when every attempt fails, then maxAttempts requests and the last error, Transient', async () => {
    server.script('DELETE /things/1', 502);
    const http = client({ retry: { ...FAST, maxAttempts: 3 } });
    const err = await rejectionOf(http.send({ method: 'DELETE', path: '/things/1' }).then(() => undefined));
    expect(err).toBeInstanceOf(TransientError); // send alone never retries
    expect(server.requests()).toHaveLength(1);
    const retried = await rejectionOf(
      http.retrying({ method: 'DELETE', path: '/things/1' }, () =>
        http.send({ method: 'DELETE', path: '/things/1' }),
      ),
    );
    expect(retried).toMatchObject({ type: 'Transient', status: 502 });
    expect(server.requests()).toHaveLength(4);
  });

  it('when a 4xx other than 429 comes back, then one attempt and that error', async () => {
    server.script('GET /bad', 400);
    server.script('GET /gone', 404);
    expect(await rejectionOf(call(client(), { method: 'GET', path: '/bad' }))).toBeInstanceOf(
      InvalidRequestError,
    );
    expect(await rejectionOf(call(client(), { method: 'GET', path: '/gone' }))).toBeInstanceOf(NotFoundError);
    expect(server.requests()).toEqual(['GET /bad', 'GET /gone']);
  });

  it('when retries are turned off, then one attempt', async () => {
    server.script('GET /things', 503, ok);
    const err = await rejectionOf(
      call(client({ retry: { maxAttempts: 1 } }), { method: 'GET', path: '/things' }),
    );
    expect(err).toBeInstanceOf(TransientError);
    expect(server.requests()).toHaveLength(1);
  });

  it('when a request is retried, then a debug line names the path and the error, never the query', async () => {
    server.script('GET /things', 503, ok);
    const logs = captureLogs();
    const http = client({ logger: logs.logger });
    await call(http, { method: 'GET', path: '/things', query: { email: 'jane@corp.example' } });
    const retried = logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(retried.filter((l) => l.msg === 'http request retried')).toEqual([
      expect.objectContaining({
        path: '/things',
        attempt: 1,
        error: 'Transient',
        delayMs: expect.any(Number),
      }),
    ]);
    expect(logs.lines.join('\n')).not.toContain('jane');
  });
});

describe('a POST', () => {
  it('when not marked idempotent, then a 503 is not retried: one request, Transient', async () => {
    server.script('POST /tokens', 503, ok);
    const err = await rejectionOf(call(client(), { method: 'POST', path: '/tokens', body: {} }));
    expect(err).toBeInstanceOf(TransientError);
    expect(server.requests()).toEqual(['POST /tokens']);
  });

  it('when marked idempotent (a search), then it is retried like a GET', async () => {
    server.script('POST /search', 503, ok);
    expect(await call(client(), { method: 'POST', path: '/search', body: {}, idempotent: true })).toEqual({
      a: 1,
    });
    expect(server.requests()).toEqual(['POST /search', 'POST /search']);
  });

  it('when the method decides, then GET, HEAD, PUT and DELETE are idempotent and POST and PATCH not', () => {
    const by = (method: HttpRequest['method'], idempotent?: boolean) => isIdempotent({ method, idempotent });
    expect(['GET', 'head', 'PUT', 'DELETE'].map((m) => by(m as HttpRequest['method']))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect([by('POST'), by('PATCH'), by('POST', true), by('GET', false)]).toEqual([
      false,
      false,
      true,
      false,
    ]);
  });
});
