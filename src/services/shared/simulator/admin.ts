/**
 * `/_sim/` admin routes for the Apple Business Manager and Intune simulators (the Workspace ONE
 * simulator has its own, routes/admin.ts): no authentication, answered on loopback connections only,
 * never subject to faults or rate limits. What a test or the chaos run reads back (ledgers) and changes
 * at run time (faults).
 */
import type { FastifyInstance } from 'fastify';
import { faultPatchSchema, type FaultInjector } from './faults';
import { rawBody, requestUrl, sendJson, type JsonResponse } from './loopback-http';

export interface AdminRoute {
  method: 'GET' | 'POST';
  url: string;
  handler(input: { query: URLSearchParams; body: unknown }): JsonResponse;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** `GET /_sim/faults` (the settings in force) and `POST /_sim/faults` (a change, e.g. `{ "hangRate": 0 }`). */
export function faultRoutes(faults: FaultInjector): AdminRoute[] {
  return [
    { method: 'GET', url: '/faults', handler: () => ({ status: 200, body: faults.current }) },
    {
      method: 'POST',
      url: '/faults',
      handler: ({ body }) => {
        const patch = faultPatchSchema.safeParse(body ?? {});
        if (!patch.success) return { status: 400, body: { error: patch.error.issues[0]?.message } };
        return { status: 200, body: faults.update(patch.data) };
      },
    },
  ];
}

/** Registers `routes` under `/_sim`: a body that is not JSON is a 400, a remote caller a 403. */
export function adminPlugin(routes: AdminRoute[]) {
  return (admin: FastifyInstance, _options: unknown, done: () => void) => {
    admin.addHook('onRequest', async (request, reply) => {
      if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) return sendJson(reply, { status: 403 });
    });
    admin.setNotFoundHandler((_request, reply) =>
      sendJson(reply, { status: 404, body: { error: 'no such admin route' } }),
    );
    for (const r of routes) {
      admin.route({
        method: r.method,
        url: r.url,
        handler: async (request, reply) => {
          const raw = rawBody(request);
          let body: unknown;
          try {
            body = raw === '' ? undefined : JSON.parse(raw);
          } catch {
            return sendJson(reply, { status: 400, body: { error: 'the body is not JSON' } });
          }
          return sendJson(reply, r.handler({ query: requestUrl(request).searchParams, body }));
        },
      });
    }
    done();
  };
}
