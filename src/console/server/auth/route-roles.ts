import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors';
import { roleAtLeast, type Role } from './identity';
import type { Sessions } from './sessions';

/**
 * Who may use each route: ONE table of every route the console serves, `'<METHOD> <url pattern>'` →
 * `'public'` or the least role it needs. A route missing from it stops the console at start-up (a new
 * route cannot be forgotten); every request is checked against it before its handler runs: without a
 * session 401 (the API) or a redirect to /sign-in (a page), without the role 403.
 */

export type Access = 'public' | Role;

export const ROUTE_ROLES: Readonly<Record<string, Access>> = {
  // Sign-in, set-up and health: all that answers without a session.
  'GET /healthz': 'public',
  'GET /favicon.ico': 'public',
  'GET /sign-in': 'public',
  'GET /set-up': 'public',
  'GET /api/sign-in': 'public',
  'POST /api/sign-in': 'public',
  'POST /api/sign-out': 'public',
  'POST /api/set-up/open': 'public',
  'POST /api/set-up/finish': 'public',
  'GET /auth/oidc/start': 'public',
  'GET /auth/oidc/callback': 'public',
  // The assets: those the sign-in pages load are public (PUBLIC_ASSETS), the others need a session.
  'GET /assets/*': 'viewer',
  // Reads: every signed-in person.
  'GET /': 'viewer',
  'GET /migrations/:id': 'viewer',
  'GET /migrations/:id/devices': 'viewer',
  'GET /migrations/:id/devices/:serial': 'viewer',
  'GET /migrations/:id/audit': 'viewer',
  'GET /api/session': 'viewer',
  'GET /api/migrations': 'viewer',
  'GET /api/migrations/:id': 'viewer',
  'GET /api/migrations/:id/devices': 'viewer',
  'GET /api/migrations/:id/devices/:serial': 'viewer',
  'GET /api/migrations/:id/report': 'viewer',
  'GET /api/migrations/:id/audit': 'viewer',
  'GET /api/reports/migrations': 'viewer',
  // Acting on migrations and devices, uploading and starting: Admins.
  'GET /new': 'admin',
  'POST /api/uploads': 'admin',
  'POST /api/uploads/:uploadId/preflight': 'admin',
  'POST /api/migrations': 'admin',
  'POST /api/migrations/:id/actions/:action': 'admin',
  'POST /api/migrations/:id/devices/actions': 'admin',
  // Accounts, invitations and the group → role mapping: Owners.
  'GET /accounts': 'owner',
  'GET /api/accounts': 'owner',
  'POST /api/accounts/invitations': 'owner',
  'POST /api/accounts/invitations/:linkId/revoke': 'owner',
  'POST /api/accounts/:accountId': 'owner',
  'POST /api/accounts/:accountId/unlock': 'owner',
  'POST /api/group-roles': 'owner',
};

/** What the sign-in and set-up pages load; every other asset needs a session. */
export const PUBLIC_ASSETS = new Set([
  '/assets/console.css',
  '/assets/favicon.svg',
  '/assets/js/api.js',
  '/assets/js/dom.js',
  '/assets/js/pages/sign-in.js',
  '/assets/js/pages/set-up.js',
]);

/** HEAD is answered by the GET route (fastify adds one for each). */
const routeKey = (method: string, url: string) => `${method === 'HEAD' ? 'GET' : method} ${url}`;

export class UnlistedRouteError extends Error {
  constructor(key: string) {
    super(`the route ${key} is not in src/console/server/auth/route-roles.ts: give it a role (or 'public')`);
  }
}

function accessOf(request: FastifyRequest): Access {
  const url = request.routeOptions.url;
  // No route (a 404): as much as a read needs, so nothing at all answers without a session.
  if (url === undefined) return 'viewer';
  if (url === '/assets/*' && PUBLIC_ASSETS.has(request.url.split('?')[0]!)) return 'public';
  return ROUTE_ROLES[routeKey(request.method, url)] ?? 'owner';
}

const isPage = (request: FastifyRequest) =>
  request.method === 'GET' && !/^\/(api|assets|auth)\/|^\/healthz/.test(request.url);

const ROLE_WORDS: Record<Role, string> = { viewer: 'a Viewer', admin: 'an Admin', owner: 'an Owner' };

/** Registers the check; call before any route is added. */
export function guardRoutes(app: FastifyInstance, sessions: Sessions): void {
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      const key = routeKey(method, route.url);
      if (!(key in ROUTE_ROLES)) throw new UnlistedRouteError(key);
    }
  });
  app.addHook('onRequest', async (request, reply) => {
    const need = accessOf(request);
    const identity = await sessions.identify(request);
    if (identity) request.identity = identity;
    if (need === 'public') return;
    if (!identity) {
      if (isPage(request)) return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`);
      throw new ApiError(401, 'unauthenticated', 'sign in first (or again: the session ended)');
    }
    if (!roleAtLeast(identity.role, need))
      throw new ApiError(
        403,
        'forbidden',
        `${identity.role} may not ${request.method} ${request.routeOptions.url}: it takes ${ROLE_WORDS[need]}`,
      );
  });
}
