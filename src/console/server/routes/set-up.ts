import type { FastifyInstance } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import { parseRequest } from '../errors';
import { signInRateLimit, type ConsoleAuth } from '../auth/console-auth';
import { finishSetUp, openSetUpLink, setUpBody } from '../auth/set-up-links';

/**
 * A one-time set-up link's page: `open` shows who it is for and the TOTP secret to scan (a QR code as
 * a data: URL, and the secret as text for apps that cannot scan); `finish` sets the password, checks
 * one code, creates the account and signs in. Both rate-limited per address like sign-in.
 */

const openBody = z.strictObject({ token: setUpBody.shape.token });

export function setUpRoutes(app: FastifyInstance, auth: ConsoleAuth): void {
  app.post('/api/set-up/open', signInRateLimit(auth), async (request, reply) => {
    const { token } = parseRequest(openBody, request.body, 'body');
    const link = await openSetUpLink(auth.store, token, auth.now());
    // The one page that shows a secret: never cached.
    reply.header('cache-control', 'no-store');
    return {
      username: link.username,
      name: link.name,
      role: link.role,
      totpSecret: link.totpSecret,
      totpQr: await QRCode.toDataURL(link.totpUri, { margin: 1, width: 220 }),
    };
  });

  app.post('/api/set-up/finish', signInRateLimit(auth), async (request, reply) => {
    const body = parseRequest(setUpBody, request.body, 'body');
    const identity = await finishSetUp(auth.store, body, auth.now);
    auth.sessions.endAll(identity.subject);
    auth.sessions.start(reply, identity);
    return { name: identity.name, role: identity.role };
  });
}
