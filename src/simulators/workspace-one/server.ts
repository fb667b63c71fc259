/**
 * The Workspace ONE simulator's HTTP server (node `http`, 127.0.0.1, random port by default).
 *
 * `/API/...` (any case): faults → tenant + credentials → rate limit → device behaviour settles → route
 * by method, path and `Accept` version → optional malformed body. `/connect/token`: OAuth.
 * `/_sim/...`: admin, loopback only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { settle } from './behaviour';
import { corrupt, FaultInjector, RateLimiter, type FaultConfig } from './faults';
import { acceptVersion, match, Query, readBody, wsError, type ApiContext, type SimResponse } from './router';
import { adeRoutes } from './routes/ade';
import { listenOnLoopback, sendJson } from '../loopback-http';
import { adminRoutes, type AdminContext } from './routes/admin';
import { commandRoutes } from './routes/commands';
import { deviceRoutes } from './routes/devices';
import { groupRoutes } from './routes/groups';
import { issueOAuthToken } from './routes/oauth';
import { tokenRoutes } from './routes/tokens';
import { userRoutes } from './routes/users';
import { DEFAULT_BEHAVIOUR, DEFAULT_QUIRKS, SimStore } from './store';
import type { Behaviour, Quirks, SimTenant } from './types';

export interface ServerOptions {
  port?: number;
  behaviour?: Partial<Behaviour>;
  quirks?: Partial<Quirks>;
  faults?: Partial<FaultConfig>;
  /** Seed of the PRNG behind ids, UUIDs and token values. */
  randomSeed?: number;
  /** Time source (epoch ms); default Date.now. */
  clock?: () => number;
  oauthTokenTtlSeconds?: number;
  logger?: Logger;
}

export interface RunningServer {
  url: string;
  port: number;
  store: SimStore;
  faults: FaultInjector;
  limiter: RateLimiter;
  close(): Promise<void>;
}

const API_ROUTES = [
  ...userRoutes,
  ...tokenRoutes,
  ...deviceRoutes,
  ...commandRoutes,
  ...groupRoutes,
  ...adeRoutes,
];
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const store = new SimStore({
    behaviour: { ...DEFAULT_BEHAVIOUR, ...options.behaviour },
    quirks: { ...DEFAULT_QUIRKS, ...options.quirks },
    randomSeed: options.randomSeed ?? 7,
    clock: options.clock ?? Date.now,
    oauthTokenTtlSeconds: options.oauthTokenTtlSeconds ?? 3600,
  });
  const faults = new FaultInjector(options.faults);
  const limiter = new RateLimiter();
  const log = options.logger;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const method = req.method ?? 'GET';
    const apiPath = /^\/api(\/.*)$/i.exec(url.pathname)?.[1];
    if (url.pathname.startsWith('/_sim/')) {
      if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) return sendJson(res, { status: 403 });
      const found = match(adminRoutes, method, url.pathname);
      if (found.kind !== 'found')
        return sendJson(res, { status: 404, body: { error: 'no such admin route' } });
      const ctx: AdminContext = {
        store,
        faults,
        limiter,
        params: found.params,
        query: new Query(url.searchParams),
        body: await readBody(req),
      };
      settle(store, store.now());
      try {
        return sendJson(res, await found.route.handler(ctx));
      } catch (err) {
        return sendJson(res, {
          status: 400,
          body: { error: err instanceof Error ? err.message : String(err) },
        });
      }
    }
    if (method === 'POST' && /^\/(connect|oauth)\/token\/?$/i.test(url.pathname)) {
      return sendJson(res, issueOAuthToken(store, await readBody(req), req.headers.authorization));
    }
    if (apiPath === undefined) return sendJson(res, wsError(store, 404, 'Not found.'));

    const tenantCode = header(req, 'aw-tenant-code');
    const decision = faults.decide(apiPath, tenantCode);
    if (decision.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.latencyMs));
    if (decision.action === 'reset') return void req.socket.destroy();
    if (decision.action === 'hang') return;
    const body = await readBody(req);
    if (decision.action === 'server-error')
      return sendJson(res, wsError(store, decision.status, 'Simulated server error.'));
    if (decision.action === 'rate-limited')
      return sendJson(res, wsError(store, 429, 'Too many requests.', { 'Retry-After': '1' }));

    const tenant = authenticate(store, req, tenantCode);
    if (!tenant) return sendJson(res, wsError(store, 401, 'Unauthorized.'));
    const now = store.now();
    const waitMs = limiter.check(tenant.code, tenant.rateLimit, now);
    if (waitMs !== undefined) {
      const retryAfter =
        store.quirks.retryAfterFormat === 'http-date'
          ? new Date(now + waitMs).toUTCString()
          : String(Math.ceil(waitMs / 1000));
      return sendJson(res, wsError(store, 429, 'Too many requests.', { 'Retry-After': retryAfter }));
    }
    settle(store, now);
    const found = match(API_ROUTES, method, apiPath, acceptVersion(req));
    if (found.kind === 'none') return sendJson(res, wsError(store, 404, 'Resource not found.'));
    if (found.kind === 'wrong-version') return sendJson(res, wsError(store, 406, 'Unsupported API version.'));
    const ctx: ApiContext = {
      store,
      tenant,
      now,
      params: found.params,
      query: new Query(url.searchParams),
      body,
    };
    const response: SimResponse = await found.route.handler(ctx);
    if (decision.malformed && response.body !== undefined) response.body = corrupt(response.body);
    log?.debug(
      { method, path: apiPath, tenant: tenant.code, status: response.status },
      'ws1 simulator request',
    );
    sendJson(res, response);
  }

  const listening = await listenOnLoopback((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log?.error({ err }, 'ws1 simulator handler failed');
      if (!res.headersSent) sendJson(res, { status: 500, body: { errorCode: 500, message: String(err) } });
    });
  }, options.port);
  return {
    url: listening.origin,
    port: (listening.server.address() as AddressInfo).port,
    store,
    faults,
    limiter,
    close: listening.close,
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The tenant named by `aw-tenant-code`, if the Basic credentials or bearer token are valid for it. */
function authenticate(
  store: SimStore,
  req: IncomingMessage,
  code: string | undefined,
): SimTenant | undefined {
  const tenant = code === undefined ? undefined : store.tenant(code);
  const authorization = req.headers.authorization ?? '';
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
