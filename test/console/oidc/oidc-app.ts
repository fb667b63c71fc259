import { Writable } from 'node:stream';
import fastify, {
  LogController,
  type FastifyInstance,
  type InjectOptions,
  type LightMyRequestResponse,
} from 'fastify';
import type { OidcConfig } from '../../../src/config/console-oidc';
import type { SignedInIdentity } from '../../../src/console/server/auth/identity';
import { registerOidcRoutes } from '../../../src/console/server/auth/oidc-routes';
import { SESSION_COOKIE } from '../../../src/console/server/auth/sessions';
import { handleError } from '../../../src/console/server/errors';
import { registerSecurity } from '../../../src/console/server/security';
import { TEST_GROUP_ROLES, type TestIdp } from '../../helpers/oidc-provider';

/**
 * The console's OIDC routes on their own (the console's error handler and web defences around them),
 * driven with inject as a browser on http://127.0.0.1:7380 would be. What a session would start with is
 * recorded in `signedIn`; everything the app logs is kept in `log` (to check no secret reaches it).
 */

export const CONSOLE_ORIGIN = 'http://127.0.0.1:7380';

export interface OidcApp {
  app: FastifyInstance;
  signedIn: SignedInIdentity[];
  log: string[];
  get(url: string, options?: { cookie?: string; accept?: string }): Promise<LightMyRequestResponse>;
}

export function oidcConfigFor(idp: Pick<TestIdp, 'issuer' | 'clientId' | 'clientSecret'>): OidcConfig {
  return {
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    scopes: ['openid', 'profile', 'email', 'groups'],
    groupsClaim: 'groups',
    groupRoles: TEST_GROUP_ROLES.map((m) => ({ ...m })),
  };
}

export async function oidcApp(config: OidcConfig): Promise<OidcApp> {
  const log: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      log.push(chunk.toString());
      done();
    },
  });
  // As the console's app: request lines are not logged (a callback's URL holds the code).
  const app = fastify({
    logger: { level: 'info', stream },
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.setErrorHandler(handleError);
  await registerSecurity(app);
  const signedIn: SignedInIdentity[] = [];
  await registerOidcRoutes(app, {
    config,
    sessions: {
      start(reply, identity) {
        signedIn.push(identity);
        reply.setCookie(SESSION_COOKIE, 'started', { path: '/', httpOnly: true });
      },
    },
    groupRoles: () => Promise.resolve(config.groupRoles),
  });
  await app.ready();
  return {
    app,
    signedIn,
    log,
    get: (url, { cookie, accept = 'text/html,application/xhtml+xml' } = {}) => {
      const options: InjectOptions = {
        method: 'GET',
        url,
        headers: { host: new URL(CONSOLE_ORIGIN).host, accept, ...(cookie ? { cookie } : {}) },
      };
      return app.inject(options);
    },
  };
}
