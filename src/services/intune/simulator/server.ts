/**
 * The Intune simulator's HTTP server (fastify, 127.0.0.1, random port by default).
 *
 * `POST /{tenantId}/oauth2/v2.0/token`: client credentials, form body (no bearer, no rate limit).
 * `/v1.0/deviceManagement/managedDevices…` and the same under `/beta`: faults → bearer → rate limit (429
 * + Retry-After in seconds) → route, errors in Graph's body `{"error":{"code","message","innerError":{…}}}`.
 * `/_sim/...`: the admin routes (admin.ts), loopback only.
 */
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  listenOnLoopback,
  rawBody,
  requestUrl,
  sendJson,
  type JsonResponse,
} from '../../shared/simulator/loopback-http';
import { retryAfter, SlidingWindow } from '../../shared/simulator/sliding-window';
import { corrupt, faultHook, malformedAnswer, type FaultInjector } from '../../shared/simulator/faults';
import { adminPlugin, faultRoutes } from '../../shared/simulator/admin';
import { SimIntuneState, type GraphApi, type SimIntuneQuirks } from './state';
import { intuneAdminRoutes } from './admin';

export type SimResponse = JsonResponse;

export interface ServerConfig {
  state: SimIntuneState;
  tenantId: string;
  clients: { clientId: string; clientSecret: string }[];
  pageSize: number;
  tokenTtlSeconds: number;
  rateLimit?: { perWindow: number; windowMs: number };
  quirks: SimIntuneQuirks;
  /** Faults on Graph requests, before the bearer check (`/_sim/faults` changes them at run time). */
  faults: FaultInjector;
  port?: number;
}

export interface RunningServer {
  origin: string;
  corruptNextResponse(): void;
  close(): Promise<void>;
}

const DEVICES = '/deviceManagement/managedDevices';
const notFound = (): SimResponse => ({ status: 404, body: { error: 'not_found' } });
const deviceId = (request: FastifyRequest) => (request.params as { id: string }).id;
const unknownDevice = (id: string) =>
  graphError(404, 'ResourceNotFound', `ManagedDevice ${id} was not found`);

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

  function list(api: GraphApi, query: URLSearchParams): SimResponse {
    let devices = state.visible();
    const filter = query.get('$filter');
    if (filter !== null) {
      const match = /^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$/.exec(filter);
      if (!match) return graphError(400, 'BadRequest', 'Unsupported $filter');
      const [, field = '', literal = ''] = match;
      const value = literal.replace(/''/g, "'").toLowerCase();
      // A filter on a field Graph does not filter by is dropped without a word: the whole list comes back.
      if (!config.quirks.ignoredFilterFields.includes(field)) {
        devices = devices.filter((d) => String(d.seed[field] ?? '').toLowerCase() === value);
      }
    }
    const top = Number(query.get('$top') ?? config.pageSize);
    if (!Number.isInteger(top) || top < 1) return graphError(400, 'BadRequest', 'Invalid $top');
    const skiptoken = query.get('$skiptoken');
    const offset = skiptoken === null ? 0 : Number(Buffer.from(skiptoken, 'base64url').toString());
    if (!Number.isInteger(offset) || offset < 0) return graphError(400, 'BadRequest', 'Invalid $skiptoken');
    const page = devices.slice(offset, offset + top);
    const body: Record<string, unknown> = {
      '@odata.context': `${origin}/${api}/$metadata#deviceManagement/managedDevices`,
      value: page.map((d) => state.view(d, false, api)),
    };
    if (offset + top < devices.length) {
      const next = new URLSearchParams(query);
      next.set('$skiptoken', Buffer.from(String(offset + top)).toString('base64url'));
      body['@odata.nextLink'] = `${origin}/${api}${DEVICES}?${next.toString()}`;
    }
    return { status: 200, body };
  }

  /** A device action: retire or wipe, with an optional JSON body (204, recorded for the test to read). */
  function act(request: FastifyRequest, action: 'retire' | 'wipe'): SimResponse {
    const id = deviceId(request);
    const device = state.find(id);
    if (!device) return unknownDevice(id);
    const raw = rawBody(request);
    let body: unknown;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      return graphError(400, 'BadRequest', 'The request body is not JSON');
    }
    state.record(device, action, body);
    return { status: 204 };
  }

  /** Any other method on a device (or a device's sub-path): 404 for an unknown device, else 405. */
  function notAllowed(request: FastifyRequest): SimResponse {
    const id = deviceId(request);
    if (!state.find(id)) return unknownDevice(id);
    const path = requestUrl(request).pathname;
    return graphError(405, 'BadRequest', `${request.method} is not allowed on ${path}`);
  }

  function answer(request: FastifyRequest, reply: FastifyReply, response: SimResponse) {
    if (corruptNext && response.status === 200) {
      corruptNext = false;
      response.body = { '@odata.context': 'corrupted', value: 'not-an-array' };
    }
    // Retire and wipe answer 204 without a body: only reads come back malformed.
    if (response.status === 200 && response.body !== undefined && malformedAnswer(request)) {
      response.body = corrupt(response.body);
    }
    return sendJson(reply, response);
  }

  function graph(api: FastifyInstance, options: { version: GraphApi }, done: () => void) {
    const { version } = options;
    api.addHook(
      'onRequest',
      faultHook(config.faults, (status) =>
        status === 429
          ? graphError(429, 'TooManyRequests', 'Too many requests.')
          : graphError(status, 'ServiceUnavailable', 'Simulated server error.'),
      ),
    );
    api.addHook('onRequest', async (request, reply) => {
      if (!requestUrl(request).pathname.startsWith(`/${version}/`)) return sendJson(reply, notFound());
      if (!state.tokens.authorizes(request.headers.authorization)) {
        const message = 'Access token is empty or invalid.';
        return sendJson(reply, graphError(401, 'InvalidAuthenticationToken', message));
      }
      const waitMs = window.check(state.now());
      if (waitMs !== undefined) {
        const limited = graphError(429, 'TooManyRequests', 'Too many requests.');
        return sendJson(reply, { ...limited, headers: retryAfter(waitMs) });
      }
    });
    api.setNotFoundHandler((request, reply) => {
      const path = requestUrl(request).pathname;
      return sendJson(reply, graphError(404, 'ResourceNotFound', `Resource not found: ${path}`));
    });
    api.get(DEVICES, async (request, reply) =>
      answer(request, reply, list(version, requestUrl(request).searchParams)),
    );
    api.get(`${DEVICES}/:id`, async (request, reply) => {
      const id = deviceId(request);
      const device = state.find(id);
      if (!device) return answer(request, reply, unknownDevice(id));
      return answer(request, reply, { status: 200, body: state.view(device, true, version) });
    });
    for (const action of ['retire', 'wipe'] as const) {
      api.post(`${DEVICES}/:id/${action}`, async (request, reply) =>
        answer(request, reply, act(request, action)),
      );
    }
    for (const [url, methods] of [
      [`${DEVICES}/:id`, api.supportedMethods.filter((m) => m !== 'GET')],
      [`${DEVICES}/:id/:action`, api.supportedMethods],
    ] as const) {
      api.route({ method: [...methods], url, handler: async (r, reply) => answer(r, reply, notAllowed(r)) });
    }
    done();
  }

  const listening = await listenOnLoopback({
    port: config.port,
    onError: () => graphError(500, 'InternalServerError', 'Simulator failure'),
    notFound,
    routes: (app) => {
      app.post(`/${config.tenantId}/oauth2/v2.0/token`, async (request, reply) =>
        sendJson(reply, token(rawBody(request))),
      );
      void app.register(graph, { prefix: '/v1.0', version: 'v1.0' });
      void app.register(graph, { prefix: '/beta', version: 'beta' });
      void app.register(adminPlugin([...intuneAdminRoutes(state), ...faultRoutes(config.faults)]), {
        prefix: '/_sim',
      });
    },
  });
  origin = listening.origin;
  return {
    origin,
    corruptNextResponse: () => {
      corruptNext = true;
    },
    close: listening.close,
  };
}
