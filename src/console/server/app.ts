import fastify, { LogController, type FastifyInstance } from 'fastify';
import type { ConsoleContext } from './context';
import { handleError, notFound } from './errors';
import { registerPages } from './pages';
import { registerSecurity } from './security';
import { Uploads } from './uploads';
import { DeviceTable } from './device-table';
import { trackHandlers } from './in-flight';
import { deviceRoutes } from './routes/devices';
import { migrationRoutes } from './routes/migrations';
import { reportRoutes } from './routes/reports';
import { newMigrationRoutes } from './routes/new-migration';
import { sessionRoutes } from './routes/session';
import { auditRoutes } from './routes/audit';
import { accountRoutes } from './routes/accounts';
import { setUpRoutes } from './routes/set-up';
import { signInRoutes } from './routes/sign-in';
import {
  authSettings,
  registerConsoleAuth,
  signInRateLimit,
  type ConsoleAuthOptions,
} from './auth/console-auth';
import { groupRolesOf } from './auth/account-admin';
import type { GroupRoleMapping } from './auth/group-roles';
import { registerOidcRoutes } from './auth/oidc-routes';

/**
 * The console's web app: security first (headers, CSRF, Host names), then sign-in (the route guard:
 * every route needs a session and a role, route-roles.ts), the pages and the JSON API over Temporal.
 * Listening is the caller's (`ferry console`, the demo, the tests).
 */

type OidcConfig = Parameters<typeof registerOidcRoutes>[1]['config'];

export interface ConsoleAppOptions {
  /** Where the pages are (default: src/console/public). */
  publicDir?: string;
  /** Log errors (pino); request lines are never logged (a query can hold a user's email). */
  logLevel?: 'silent' | 'error' | 'warn' | 'info';
  /** The devices table's merged lists (default: one on the context's client). */
  deviceTable?: DeviceTable;
  /** The account store, the sign-in settings and clock (default: from the environment). */
  auth?: ConsoleAuthOptions;
  /** OpenID Connect sign-in, when configured; its groups map to roles through the account store. */
  oidc?: { config: OidcConfig; groupRoleSeed?: GroupRoleMapping };
}

export async function buildConsoleApp(
  context: ConsoleContext,
  options: ConsoleAppOptions = {},
): Promise<FastifyInstance> {
  const settings = authSettings(options.auth);
  const app = fastify({
    logger: { level: options.logLevel ?? 'error' },
    logController: new LogController({ disableRequestLogging: true }),
    // A request id from the client is not trusted; nothing else in the request is logged.
    genReqId: () => crypto.randomUUID(),
    // The client's address (the sign-in rate limit's key) comes from X-Forwarded-For only when a listed
    // proxy connects: anyone else could write the header and get a fresh limit with every request.
    trustProxy: settings.trustedProxies.length > 0 ? settings.trustedProxies : false,
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(() => {
    throw notFound('no such page or API');
  });
  const handlers = trackHandlers(app);
  await registerSecurity(app, settings.publicUrl);
  const auth = await registerConsoleAuth(app, { ...options.auth, settings });
  await registerPages(app, options.publicDir);
  signInRoutes(app, auth, { oidc: options.oidc !== undefined });
  setUpRoutes(app, auth);
  accountRoutes(app, auth);
  if (options.oidc) {
    const { config, groupRoleSeed } = options.oidc;
    await registerOidcRoutes(app, {
      config,
      sessions: auth.sessions,
      groupRoles: () => groupRolesOf(auth.store, groupRoleSeed),
      startRoute: signInRateLimit(auth),
      // The redirect URI registered at the provider: the public URL behind a proxy, else the request's.
      ...(settings.publicUrl ? { publicUrl: settings.publicUrl } : {}),
    });
  }
  sessionRoutes(app, context);
  migrationRoutes(app, context);
  newMigrationRoutes(app, context, new Uploads());
  const deviceTable = options.deviceTable ?? new DeviceTable(context.client);
  // Closing waits for the handlers, then for the table's background reads, before the caller closes the
  // Temporal connection they use.
  app.addHook('onClose', async () => {
    await handlers.settled();
    await deviceTable.settled();
  });
  deviceRoutes(app, context, deviceTable);
  reportRoutes(app, context);
  auditRoutes(app, context);
  return app;
}
