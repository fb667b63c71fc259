/**
 * The Workspace ONE simulator's HTTP server (fastify, 127.0.0.1, random port by default): `/API/...`
 * (see api.ts), `/connect/token` for OAuth, and `/_sim/...` for admin, loopback only.
 */
import type { Logger } from 'pino';
import { apiPlugin } from './api';
import { FaultInjector, RateLimiter, type FaultConfig } from './faults';
import { listenOnLoopback, rawBody, sendJson } from '../../shared/simulator/loopback-http';
import { readBody, wsError } from './router';
import { adeRoutes } from './routes/ade';
import { adminPlugin } from './routes/admin';
import { commandRoutes } from './routes/commands';
import { deviceRoutes } from './routes/devices';
import { groupRoutes } from './routes/groups';
import { issueOAuthToken } from './routes/oauth';
import { tokenRoutes } from './routes/tokens';
import { userRoutes } from './routes/users';
import { DEFAULT_BEHAVIOUR, DEFAULT_QUIRKS, SimStore } from './store';
import type { Behaviour, Quirks } from './types';

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

  const listening = await listenOnLoopback({
    port: options.port,
    caseSensitive: false,
    ignoreTrailingSlash: true,
    onError: (err) => {
      log?.error({ err }, 'ws1 simulator handler failed');
      return { status: 500, body: { errorCode: 500, message: String(err) } };
    },
    notFound: () => wsError(store, 404, 'Not found.'),
    routes: (app) => {
      void app.register(adminPlugin({ store, faults, limiter }), { prefix: '/_sim' });
      void app.register(apiPlugin({ store, faults, limiter, log }, API_ROUTES), { prefix: '/API' });
      for (const url of ['/connect/token', '/oauth/token']) {
        app.post(url, async (request, reply) => {
          store.countRequest(undefined, 'POST', url);
          const form = readBody(rawBody(request), request.headers['content-type']);
          return sendJson(reply, issueOAuthToken(store, form, request.headers.authorization));
        });
      }
    },
  });
  return { url: listening.origin, port: listening.port, store, faults, limiter, close: listening.close };
}
