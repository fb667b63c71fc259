/**
 * The Apple Business Manager simulator's HTTP server (fastify, 127.0.0.1, random port by default).
 *
 * `POST /auth/oauth2/token`: OAuth (no bearer; too many requests answer 400, see quirks.ts). `/v1/...`:
 * faults → bearer → rate limit (GET per minute, POST per hour, 429 + Retry-After in seconds) → JSON body
 * → activities settle → route → optional corruption. Every `/v1/...` request past the faults is
 * counted, whatever its answer. `/_sim/...`: the admin routes (admin.ts), loopback only.
 */
import type { KeyObject } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  listenOnLoopback,
  rawBody,
  requestUrl,
  sendJson,
  type JsonResponse,
} from '../../shared/simulator/loopback-http';
import { issueToken } from './oauth';
import { rateLimitsIn, type AbmRateLimits, type AbmSimulatorQuirks } from './quirks';
import { apiRoutes, appleError, notFoundRoute } from './routes';
import { retryAfter, SlidingWindow } from '../../shared/simulator/sliding-window';
import { corrupt, faultHook, malformedAnswer, type FaultInjector } from '../../shared/simulator/faults';
import { adminPlugin, faultRoutes } from '../../shared/simulator/admin';
import { abmAdminRoutes } from './admin';
import type { SimAbmState } from './state';

export const TOKEN_PATH = '/auth/oauth2/token';

export interface ServerConfig {
  state: SimAbmState;
  clientId: string;
  publicKey: KeyObject;
  tokenTtlSeconds: number;
  rateLimit: AbmRateLimits | false | undefined;
  quirks: AbmSimulatorQuirks;
  /** Faults on `/v1/...` requests, before the bearer check (`/_sim/faults` changes them at run time). */
  faults: FaultInjector;
  port?: number;
}

export interface RunningServer {
  url: string;
  /** Replaces the body of the next `/v1/...` response with a malformed one (a missing `data`). */
  corruptNextResponse(): void;
  close(): Promise<void>;
}

const notFound = () => appleError(404, 'NOT_FOUND', 'Not found');

export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const { state } = config;
  const limits = rateLimitsIn(config.rateLimit);
  const getWindow = new SlidingWindow(limits.get?.limit, limits.get?.windowMs ?? 60_000);
  const postWindow = new SlidingWindow(limits.post?.limit, limits.post?.windowMs ?? 3_600_000);
  const throttle = config.quirks.tokenRequestLimit;
  const tokenWindow = new SlidingWindow(
    throttle ? throttle.requests : undefined,
    throttle ? throttle.windowMs : 1,
  );
  let corruptNext = false;
  let baseUrl = '';
  const bodies = new WeakMap<FastifyRequest, unknown>();

  function token(request: FastifyRequest, reply: FastifyReply) {
    if (request.method !== 'POST')
      return sendJson(reply, { status: 405, body: { error: 'invalid_request' } });
    const params = new URLSearchParams(requestUrl(request).searchParams);
    if ((request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      for (const [key, value] of new URLSearchParams(rawBody(request))) params.set(key, value);
    }
    return sendJson(reply, issueToken(state, { ...config, throttle: tokenWindow }, params));
  }

  function answer(request: FastifyRequest, reply: FastifyReply, response: JsonResponse) {
    if (corruptNext && response.status < 300) {
      corruptNext = false;
      response.body = { links: { self: 'corrupted' } };
    }
    // Only reads: a lost answer to a POST would hide an activity Apple created, and Apple's API has no
    // way to look an activity up but by the id that answer carried (README.md, "Faults").
    const read = request.method === 'GET';
    if (read && response.status < 300 && response.body !== undefined && malformedAnswer(request)) {
      response.body = corrupt(response.body);
    }
    return sendJson(reply, response);
  }

  function v1(api: FastifyInstance, _options: unknown, done: () => void) {
    api.addHook(
      'onRequest',
      faultHook(config.faults, (status) =>
        status === 429
          ? appleError(429, 'RATE_LIMIT_EXCEEDED', 'The request rate limit has been reached.')
          : appleError(status, 'INTERNAL_ERROR', 'Simulated server error.'),
      ),
    );
    api.addHook('onRequest', async (request, reply) => {
      const path = requestUrl(request).pathname;
      if (!path.startsWith('/v1/')) return sendJson(reply, notFound());
      state.apiRequests.push({ method: request.method, path });
      if (!state.tokens.authorizes(request.headers.authorization)) {
        const message = 'Authentication credentials are missing or invalid.';
        return sendJson(reply, appleError(401, 'UNAUTHORIZED', message));
      }
      const waitMs = (request.method === 'POST' ? postWindow : getWindow).check(state.now());
      if (waitMs !== undefined) {
        state.rateLimited++;
        const limited = appleError(429, 'RATE_LIMIT_EXCEEDED', 'The request rate limit has been reached.');
        return sendJson(reply, { ...limited, headers: retryAfter(waitMs) });
      }
    });
    api.addHook('preHandler', async (request, reply) => {
      const raw = rawBody(request);
      try {
        bodies.set(request, raw === '' ? undefined : JSON.parse(raw));
      } catch {
        return sendJson(reply, appleError(400, 'PARAMETER_ERROR.INVALID', 'The request body is not JSON'));
      }
      state.settle();
    });
    api.setNotFoundHandler((request, reply) =>
      answer(request, reply, notFoundRoute({ path: requestUrl(request).pathname })),
    );
    for (const [key, handler] of Object.entries(apiRoutes)) {
      const [method = '', url = ''] = key.split(' ');
      api.route({
        method,
        url,
        handler: async (request, reply) => {
          const { pathname, searchParams } = requestUrl(request);
          const params = request.params as Record<string, string>;
          const body = bodies.get(request);
          return answer(
            request,
            reply,
            handler({
              state,
              baseUrl,
              path: pathname,
              params,
              query: searchParams,
              body,
              quirks: config.quirks,
            }),
          );
        },
      });
    }
    done();
  }

  const listening = await listenOnLoopback({
    port: config.port,
    ignoreTrailingSlash: true,
    onError: (err) => appleError(500, 'INTERNAL_ERROR', 'Simulator failure', String(err)),
    notFound,
    routes: (app) => {
      app.all(TOKEN_PATH, token);
      void app.register(v1, { prefix: '/v1' });
      const admin = [...abmAdminRoutes(state), ...faultRoutes(config.faults)];
      void app.register(adminPlugin(admin), { prefix: '/_sim' });
    },
  });
  baseUrl = listening.origin;
  return {
    url: baseUrl,
    corruptNextResponse: () => {
      corruptNext = true;
    },
    close: listening.close,
  };
}
