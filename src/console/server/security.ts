import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors';
import { isLoopbackHost } from '../../config/loopback';
import { hostnameOf } from './loopback';

/**
 * The console's web defences, in one place: a strict Content-Security-Policy and the other helmet
 * headers, CSRF tokens on every state-changing request (a secret in a SameSite=Strict cookie, the
 * token in the `x-csrf-token` header), and known Host names only (no DNS rebinding): loopback names,
 * and the public URL's host when the console sits behind a TLS proxy (FERRY_CONSOLE_PUBLIC_URL).
 */

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const CSRF_HEADER = 'x-csrf-token';

export async function registerSecurity(app: FastifyInstance, publicUrl?: string): Promise<void> {
  const publicHost = publicUrl ? new URL(publicUrl).hostname.toLowerCase() : undefined;
  app.addHook('onRequest', async (request) => {
    const host = hostnameOf(request.headers.host);
    if (!isLoopbackHost(host) && host.toLowerCase() !== publicHost) {
      throw new ApiError(
        421,
        'host',
        publicHost
          ? `the console answers ${publicHost} and loopback host names only`
          : 'the console answers loopback host names only (FERRY_CONSOLE_PUBLIC_URL names another)',
      );
    }
  });
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
    // Plain HTTP on loopback: no HSTS (it would pin every localhost service to HTTPS); behind an
    // https:// public URL the proxy may add it.
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
  });
  await app.register(cookie);
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'ferry-console-csrf',
    // Secure as the session cookie is (sessions.ts): only an http public URL (a loopback lab) turns it off.
    cookieOpts: {
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      signed: false,
      secure: !publicUrl?.startsWith('http:'),
    },
    getToken: (request) => {
      const token = request.headers[CSRF_HEADER];
      return typeof token === 'string' ? token : undefined;
    },
  });
  app.addHook('onRequest', (request, reply, done) => {
    if (!STATE_CHANGING.has(request.method)) return done();
    app.csrfProtection(request, reply, done);
  });
}
