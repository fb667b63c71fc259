/**
 * The simulator's `/API/...` surface (any letter case): faults → tenant + credentials → rate limit →
 * device behaviour settles → the route for the method, path and `Accept` version (a version the path
 * lacks: the `wrongVersionStatus` quirk, 406) → optional malformed body. Unknown paths go through the
 * same steps before their 404, as with the real service.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { settle } from './behaviour';
import { corrupt, type FaultDecision, type FaultInjector, type RateLimiter } from './faults';
import { rawBody, requestUrl, sendJson } from '../../shared/simulator/loopback-http';
import { acceptVersion, Query, readBody, wsError, type ApiContext, type Route } from './router';
import type { SimStore } from './store';
import type { SimTenant } from './types';

export interface ApiDeps {
  store: SimStore;
  faults: FaultInjector;
  limiter: RateLimiter;
  log?: Logger;
}

interface Call {
  decision: FaultDecision;
  tenant?: SimTenant;
  now?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function apiPlugin(deps: ApiDeps, routes: Route<ApiContext>[]) {
  const { store, faults, limiter, log } = deps;
  const calls = new WeakMap<FastifyRequest, Call>();
  const apiPath = (request: FastifyRequest) => requestUrl(request).pathname.slice('/api'.length);

  return (api: FastifyInstance, _options: unknown, done: () => void) => {
    api.addHook('onRequest', async (request, reply) => {
      const path = apiPath(request);
      if (!path.startsWith('/')) return sendJson(reply, wsError(store, 404, 'Not found.'));
      const route = request.routeOptions.url?.slice('/API'.length) ?? '(unknown)';
      store.countRequest(header(request, 'aw-tenant-code'), request.method, route);
      const decision = faults.decide(path, header(request, 'aw-tenant-code'));
      calls.set(request, { decision });
      if (decision.latencyMs > 0) await sleep(decision.latencyMs);
      // A reset or a hang never answers; the socket goes now, or when the client or close() ends it.
      if (decision.action === 'reset') request.raw.socket.destroy();
      if (decision.action === 'reset' || decision.action === 'hang') return reply.hijack();
    });
    api.addHook('preHandler', async (request, reply) => {
      const call = calls.get(request) as Call;
      const { decision } = call;
      if (decision.action === 'server-error')
        return sendJson(reply, wsError(store, decision.status, 'Simulated server error.'));
      if (decision.action === 'rate-limited')
        return sendJson(reply, wsError(store, 429, 'Too many requests.', { 'Retry-After': '1' }));
      const tenant = authenticate(store, request, header(request, 'aw-tenant-code'));
      if (!tenant) return sendJson(reply, wsError(store, 401, 'Unauthorized.'));
      const now = store.now();
      const waitMs = limiter.check(tenant.code, tenant.rateLimit, now);
      if (waitMs !== undefined) {
        const retryAfter =
          store.quirks.retryAfterFormat === 'http-date'
            ? new Date(now + waitMs).toUTCString()
            : String(Math.ceil(waitMs / 1000));
        return sendJson(reply, wsError(store, 429, 'Too many requests.', { 'Retry-After': retryAfter }));
      }
      settle(store, now);
      Object.assign(call, { tenant, now });
    });
    api.setNotFoundHandler((_request, reply) => sendJson(reply, wsError(store, 404, 'Resource not found.')));

    // One fastify route a method and path; the `Accept` version then picks the handler, as WS1 does.
    const byPath = new Map<string, Route<ApiContext>[]>();
    for (const r of routes)
      byPath.set(`${r.method} ${r.url}`, [...(byPath.get(`${r.method} ${r.url}`) ?? []), r]);
    for (const versions of byPath.values()) {
      const { method, url } = versions[0] as Route<ApiContext>;
      api.route({
        method,
        url,
        handler: async (request, reply) => {
          const r = versions.find((v) => v.version === acceptVersion(request.headers));
          if (!r)
            return sendJson(
              reply,
              wsError(store, store.quirks.wrongVersionStatus, 'Unsupported API version.'),
            );
          const { decision, tenant, now } = calls.get(request) as Required<Call>;
          const response = await r.handler({
            store,
            tenant,
            now,
            params: request.params as Record<string, string>,
            query: new Query(requestUrl(request).searchParams),
            body: readBody(rawBody(request), request.headers['content-type']),
          });
          if (decision.malformed && response.body !== undefined) response.body = corrupt(response.body);
          const path = apiPath(request);
          log?.debug({ method, path, tenant: tenant.code, status: response.status }, 'ws1 simulator request');
          return sendJson(reply, response);
        },
      });
    }
    done();
  };
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The tenant named by `aw-tenant-code`, if the Basic credentials or bearer token are valid for it. */
function authenticate(
  store: SimStore,
  request: FastifyRequest,
  code: string | undefined,
): SimTenant | undefined {
  const tenant = code === undefined ? undefined : store.tenant(code);
  const authorization = request.headers.authorization ?? '';
  if (!tenant) return undefined;
  if (authorization.startsWith('Basic ')) {
    const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    const username = decoded.slice(0, separator);
    const password = decoded.slice(separator + 1);
    const ok =
      separator > 0 && tenant.basicUsers.some((u) => u.username === username && u.password === password);
    return ok ? tenant : undefined;
  }
  if (authorization.startsWith('Bearer ')) {
    const token = store.oauthTokens.get(authorization.slice(7));
    return token && token.tenant === tenant.code && token.expiresAt > store.now() ? tenant : undefined;
  }
  return undefined;
}
