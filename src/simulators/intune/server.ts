/**
 * The Intune simulator's HTTP server (node `http`, 127.0.0.1, random port by default).
 *
 * `POST /{tenantId}/oauth2/v2.0/token`: client credentials, form body (no bearer, no rate limit).
 * `/v1.0/deviceManagement/managedDevices…`: bearer → rate limit (429 + Retry-After in seconds) → route,
 * errors in Graph's body `{"error":{"code","message","innerError":{…}}}`.
 */
import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenOnLoopback, readRaw, sendJson, type JsonResponse } from '../loopback-http';
import { SlidingWindow } from '../sliding-window';
import { SimIntuneState } from './state';

export type SimResponse = JsonResponse;

export interface ServerConfig {
  state: SimIntuneState;
  tenantId: string;
  clients: { clientId: string; clientSecret: string }[];
  pageSize: number;
  tokenTtlSeconds: number;
  rateLimit?: { perWindow: number; windowMs: number };
  port?: number;
}

export interface RunningServer {
  origin: string;
  corruptNextResponse(): void;
  close(): Promise<void>;
}

const DEVICES = '/v1.0/deviceManagement/managedDevices';

export function graphError(status: number, code: string, message: string): SimResponse {
  const innerError = {
    date: new Date().toISOString(),
    'request-id': crypto.randomUUID(),
    'client-request-id': crypto.randomUUID(),
  };
  return { status, body: { error: { code, message, innerError } } };
}

export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const { state } = config;
  const window = new SlidingWindow(config.rateLimit?.perWindow, config.rateLimit?.windowMs ?? 60_000);
  const tokenPath = `/${config.tenantId}/oauth2/v2.0/token`;
  let corruptNext = false;
  let origin = '';

  function token(raw: string): SimResponse {
    state.tokenRequests++;
    const form = new URLSearchParams(raw);
    const oauth = (status: number, error: string) => ({ status, body: { error } });
    if (form.get('grant_type') !== 'client_credentials') return oauth(400, 'unsupported_grant_type');
    if (form.get('scope') !== 'https://graph.microsoft.com/.default') return oauth(400, 'invalid_scope');
    const client = config.clients.find((c) => c.clientId === form.get('client_id'));
    if (!client) return oauth(400, 'unauthorized_client');
    if (client.clientSecret !== form.get('client_secret')) return oauth(401, 'invalid_client');
    const accessToken = state.tokens.issue(config.tokenTtlSeconds);
    const body = { token_type: 'Bearer', expires_in: config.tokenTtlSeconds, access_token: accessToken };
    return { status: 200, body };
  }

  function list(query: URLSearchParams): SimResponse {
    let devices = state.visible();
    const filter = query.get('$filter');
    if (filter !== null) {
      const match = /^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$/.exec(filter);
      if (!match) return graphError(400, 'BadRequest', 'Unsupported $filter');
      const [, field = '', literal = ''] = match;
      const value = literal.replace(/''/g, "'");
      devices = devices.filter((d) => d.seed[field] === value);
    }
    const top = Number(query.get('$top') ?? config.pageSize);
    if (!Number.isInteger(top) || top < 1) return graphError(400, 'BadRequest', 'Invalid $top');
    const skiptoken = query.get('$skiptoken');
    const offset = skiptoken === null ? 0 : Number(Buffer.from(skiptoken, 'base64url').toString());
    if (!Number.isInteger(offset) || offset < 0) return graphError(400, 'BadRequest', 'Invalid $skiptoken');
    const page = devices.slice(offset, offset + top);
    const body: Record<string, unknown> = {
      '@odata.context': `${origin}/v1.0/$metadata#deviceManagement/managedDevices`,
      value: page.map((d) => SimIntuneState.view(d, false)),
    };
    if (offset + top < devices.length) {
      const next = new URLSearchParams(query);
      next.set('$skiptoken', Buffer.from(String(offset + top)).toString('base64url'));
      body['@odata.nextLink'] = `${origin}${DEVICES}?${next.toString()}`;
    }
    return { status: 200, body };
  }

  function route(method: string, path: string, query: URLSearchParams, raw: string): SimResponse {
    if (path === DEVICES && method === 'GET') return list(query);
    const rest = path.startsWith(`${DEVICES}/`) ? path.slice(DEVICES.length + 1).split('/') : [];
    const [id, action, extra] = rest.map(decodeURIComponent);
    if (!id || extra !== undefined) return graphError(404, 'ResourceNotFound', `Resource not found: ${path}`);
    const device = state.find(id);
    if (!device) return graphError(404, 'ResourceNotFound', `ManagedDevice ${id} was not found`);
    if (method === 'GET' && action === undefined) {
      return { status: 200, body: SimIntuneState.view(device, true) };
    }
    if (method === 'POST' && (action === 'retire' || action === 'wipe')) {
      let body: unknown;
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        return graphError(400, 'BadRequest', 'The request body is not JSON');
      }
      state.record(device, action, body);
      return { status: 204 };
    }
    return graphError(405, 'BadRequest', `${method} is not allowed on ${path}`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const method = req.method ?? 'GET';
    const raw = await readRaw(req);
    if (url.pathname === tokenPath && method === 'POST') return sendJson(res, token(raw));
    if (!url.pathname.startsWith('/v1.0/'))
      return sendJson(res, { status: 404, body: { error: 'not_found' } });
    const authorization = req.headers.authorization ?? '';
    if (!authorization.startsWith('Bearer ') || !state.tokens.valid(authorization.slice(7))) {
      return sendJson(
        res,
        graphError(401, 'InvalidAuthenticationToken', 'Access token is empty or invalid.'),
      );
    }
    const waitMs = window.check(state.now());
    if (waitMs !== undefined) {
      const limited = graphError(429, 'TooManyRequests', 'Too many requests.');
      return sendJson(res, {
        ...limited,
        headers: { 'Retry-After': String(Math.max(1, Math.ceil(waitMs / 1000))) },
      });
    }
    const response = route(method, url.pathname, url.searchParams, raw);
    if (corruptNext && response.status === 200) {
      corruptNext = false;
      response.body = { '@odata.context': 'corrupted', value: 'not-an-array' };
    }
    sendJson(res, response);
  }

  const listening = await listenOnLoopback((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, graphError(500, 'InternalServerError', 'Simulator failure'));
    });
  }, config.port);
  origin = listening.origin;
  return {
    origin,
    corruptNextResponse: () => {
      corruptNext = true;
    },
    close: listening.close,
  };
}
