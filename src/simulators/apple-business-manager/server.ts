/**
 * The Apple Business Manager simulator's HTTP server (node `http`, 127.0.0.1, random port by default).
 *
 * `POST /auth/oauth2/token`: OAuth (no bearer, no rate limit). `/v1/...`: bearer → rate limit (GET per
 * minute, POST per hour, 429 + Retry-After in seconds) → activities settle → route → optional corruption.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KeyObject } from 'node:crypto';
import { listenOnLoopback, readRaw, sendJson } from '../loopback-http';
import { issueToken } from './oauth';
import { appleError, routeApi } from './routes';
import { SlidingWindow } from '../sliding-window';
import type { SimAbmState } from './state';

export const TOKEN_PATH = '/auth/oauth2/token';

export interface ServerConfig {
  state: SimAbmState;
  clientId: string;
  publicKey: KeyObject;
  tokenTtlSeconds: number;
  rateLimit: { getPerMinute?: number; postPerHour?: number };
  port?: number;
}

export interface RunningServer {
  url: string;
  /** Replaces the body of the next `/v1/...` response with a malformed one (a missing `data`). */
  corruptNextResponse(): void;
  close(): Promise<void>;
}

export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const { state } = config;
  const getWindow = new SlidingWindow(config.rateLimit.getPerMinute, 60_000);
  const postWindow = new SlidingWindow(config.rateLimit.postPerHour, 3_600_000);
  let corruptNext = false;
  let baseUrl = '';

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const method = req.method ?? 'GET';
    const raw = await readRaw(req);
    if (url.pathname === TOKEN_PATH) {
      if (method !== 'POST') return sendJson(res, { status: 405, body: { error: 'invalid_request' } });
      const params = new URLSearchParams(url.searchParams);
      const contentType = req.headers['content-type'] ?? '';
      if (contentType.startsWith('application/x-www-form-urlencoded')) {
        for (const [key, value] of new URLSearchParams(raw)) params.set(key, value);
      }
      return sendJson(res, issueToken(state, config, params));
    }
    if (!url.pathname.startsWith('/v1/')) return sendJson(res, appleError(404, 'NOT_FOUND', 'Not found'));
    state.apiRequests.push({ method, path: url.pathname });

    const authorization = req.headers.authorization ?? '';
    if (!authorization.startsWith('Bearer ') || !state.tokens.valid(authorization.slice(7))) {
      return sendJson(
        res,
        appleError(401, 'UNAUTHORIZED', 'Authentication credentials are missing or invalid.'),
      );
    }
    const window = method === 'POST' ? postWindow : getWindow;
    const waitMs = window.check(state.now());
    if (waitMs !== undefined) {
      const limited = appleError(429, 'RATE_LIMIT_EXCEEDED', 'The request rate limit has been reached.');
      return sendJson(res, {
        ...limited,
        headers: { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) },
      });
    }
    let body: unknown;
    if (raw !== '') {
      try {
        body = JSON.parse(raw);
      } catch {
        return sendJson(res, appleError(400, 'PARAMETER_ERROR.INVALID', 'The request body is not JSON'));
      }
    }
    state.settle();
    const response = routeApi({ state, baseUrl, method, path: url.pathname, query: url.searchParams, body });
    if (corruptNext && response.status < 300) {
      corruptNext = false;
      response.body = { links: { self: 'corrupted' } };
    }
    sendJson(res, response);
  }

  const listening = await listenOnLoopback((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent)
        sendJson(res, appleError(500, 'INTERNAL_ERROR', 'Simulator failure', String(err)));
    });
  }, config.port);
  baseUrl = listening.origin;
  return {
    url: baseUrl,
    corruptNextResponse: () => {
      corruptNext = true;
    },
    close: listening.close,
  };
}
