import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseRequest } from '../errors';
import { signInRateLimit, type ConsoleAuth } from '../auth/console-auth';
import { PASSWORD_MAX } from '../auth/credentials';
import { signInLocally } from '../auth/local-sign-in';

/**
 * Signing in and out with a local account. `GET /api/sign-in` gives the sign-in page its CSRF token and
 * the ways to sign in; `POST /api/sign-in` (rate-limited per address) starts a session; `POST
 * /api/sign-out` ends it.
 */

const signInBody = z.strictObject({
  username: z.string().trim().min(1, 'your username').max(64),
  password: z.string().min(1, 'your password').max(PASSWORD_MAX),
  code: z.string().trim().min(1, 'the code your authenticator app shows').max(10),
});

export function signInRoutes(app: FastifyInstance, auth: ConsoleAuth, options: { oidc: boolean }): void {
  app.get('/api/sign-in', async (request, reply) => ({
    csrfToken: reply.generateCsrf(),
    methods: { local: true, oidc: options.oidc },
    ...(request.identity ? { signedInAs: request.identity.name } : {}),
  }));

  app.post('/api/sign-in', signInRateLimit(auth), async (request, reply) => {
    const attempt = parseRequest(signInBody, request.body, 'body');
    const identity = await signInLocally(auth.store, auth.settings, attempt, auth.now);
    auth.sessions.start(reply, identity);
    return { name: identity.name, role: identity.role };
  });

  app.post('/api/sign-out', async (request, reply) => {
    auth.sessions.end(request, reply);
    return { ok: true };
  });
}
