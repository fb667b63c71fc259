import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { z } from 'zod';
import type { OidcConfig } from '../../../config/console-oidc';
import { parseRequest } from '../errors';
import type { GroupRoleMapping } from './group-roles';
import type { SignedInIdentity } from './identity';
import { OidcSignIn } from './oidc';
import { OidcSignInError } from './oidc-errors';
import { PENDING_SIGN_IN_TTL_MS, PendingSignIns } from './oidc-pending';
import { refusalPage } from './oidc-refusal';

/**
 * The two public routes of OpenID Connect sign-in. `GET /auth/oidc/start` sends the browser to the
 * identity provider; `GET /auth/oidc/callback` is the redirect URI registered there
 * (`<public URL>/auth/oidc/callback`): it checks the answer, maps the person's groups to a role and
 * starts a session, or answers why not (a page for a browser, JSON otherwise) without starting one.
 */

export interface OidcRouteDeps {
  config: OidcConfig;
  /** `groups`: kept with the session (server-side only), to work the role out again as the mapping changes. */
  sessions: { start(reply: FastifyReply, identity: SignedInIdentity, groups: readonly string[]): void };
  /** The group → role mapping as the account store has it now (read at every sign-in). */
  groupRoles(): Promise<GroupRoleMapping>;
  /** FERRY_CONSOLE_PUBLIC_URL: the console as browsers reach it. Unset: the request's own origin. */
  publicUrl?: string;
  /**
   * The start route's options: the sign-in rate limit (console-auth.ts). Each start holds a pending
   * sign-in, of which only so many are kept: a flood of starts would push real ones out.
   */
  startRoute?: RouteShorthandOptions;
}

export const OIDC_START_PATH = '/auth/oidc/start';
export const OIDC_CALLBACK_PATH = '/auth/oidc/callback';
/** Holds the id of the sign-in under way; Lax, so the provider's redirect back carries it. */
export const OIDC_COOKIE = 'ferry-console-oidc';

/** A page of the console to land on: a path, never another site (`//evil.example`, `/\evil.example`). */
const startQuery = z
  .object({
    next: z
      .string()
      .max(2000)
      .regex(/^\/(?![/\\])[^\s]*$/, 'must be a path on the console')
      .optional(),
  })
  .strict();

export async function registerOidcRoutes(app: FastifyInstance, deps: OidcRouteDeps): Promise<void> {
  const signIn = new OidcSignIn(deps.config);
  const pending = new PendingSignIns();

  app.get(OIDC_START_PATH, deps.startRoute ?? {}, async (request, reply) => {
    const { next: returnTo = '/' } = parseRequest(startQuery, request.query, 'query');
    const redirectUri = `${consoleOrigin(request, deps.publicUrl)}${OIDC_CALLBACK_PATH}`;
    try {
      const started = await signIn.begin(redirectUri, returnTo);
      const id = pending.put(started.pending);
      reply.setCookie(OIDC_COOKIE, id, {
        path: '/auth/oidc',
        httpOnly: true,
        sameSite: 'lax',
        // Over plain http (loopback) a Secure cookie would not come back from every browser.
        secure: redirectUri.startsWith('https:'),
        maxAge: PENDING_SIGN_IN_TTL_MS / 1000,
      });
      return reply.redirect(started.url.href, 302);
    } catch (err) {
      return refuse(request, reply, err);
    }
  });

  app.get(OIDC_CALLBACK_PATH, async (request, reply) => {
    const under = pending.take(request.cookies[OIDC_COOKIE]);
    reply.clearCookie(OIDC_COOKIE, { path: '/auth/oidc' });
    try {
      if (!under) {
        throw new OidcSignInError(
          'expired',
          'this sign-in is no longer under way (it took over ten minutes, or began in another browser); sign in again',
        );
      }
      const query = request.url.slice(request.url.indexOf('?') + 1 || request.url.length);
      const { identity, groups } = await signIn.finish(query, under, await deps.groupRoles());
      deps.sessions.start(reply, identity, groups);
      return reply.redirect(under.returnTo, 303);
    } catch (err) {
      return refuse(request, reply, err);
    }
  });
}

/** `https://ferry.example.com` (the public URL) or the request's own `http://127.0.0.1:7380`. */
function consoleOrigin(request: FastifyRequest, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  return `${request.protocol}://${request.host}`;
}

/** No session: a page saying why (or JSON), and the log told the kind of failure, nothing more. */
function refuse(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  if (!(err instanceof OidcSignInError)) throw err;
  const { failure, providerError, status } = err;
  if (status >= 500) request.log.error({ failure, providerError }, 'OIDC sign-in failed');
  else request.log.info({ failure, providerError }, 'OIDC sign-in refused');
  const message = providerError ? `${err.message} (${providerError})` : err.message;
  reply.status(status).header('cache-control', 'no-store');
  if (request.headers.accept?.includes('text/html')) {
    return reply.type('text/html; charset=utf-8').send(refusalPage(message));
  }
  return reply.send({ error: failure, message });
}
