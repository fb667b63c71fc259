import fastify, { LogController, type FastifyInstance } from 'fastify';
import type { ConsoleContext } from './context';
import { handleError, notFound } from './errors';
import { registerPages } from './pages';
import { registerSecurity } from './security';
import { Uploads } from './uploads';
import { DeviceTable } from './device-table';
import { deviceRoutes } from './routes/devices';
import { migrationRoutes } from './routes/migrations';
import { reportRoutes } from './routes/reports';
import { newMigrationRoutes } from './routes/new-migration';
import { sessionRoutes } from './routes/session';
import { auditRoutes } from './routes/audit';

/**
 * The console's web app: security first (headers, CSRF, loopback Host names), then the pages and the
 * JSON API over Temporal. Listening is the caller's (`ferry console`, the demo, the tests).
 */

export interface ConsoleAppOptions {
  /** Where the pages are (default: src/console/public). */
  publicDir?: string;
  /** Log errors (pino); request lines are never logged (a query can hold a user's email). */
  logLevel?: 'silent' | 'error' | 'warn' | 'info';
  /** The devices table's merged lists (default: one on the context's client). */
  deviceTable?: DeviceTable;
}

export async function buildConsoleApp(
  context: ConsoleContext,
  options: ConsoleAppOptions = {},
): Promise<FastifyInstance> {
  const app = fastify({
    logger: { level: options.logLevel ?? 'error' },
    logController: new LogController({ disableRequestLogging: true }),
    // A request id from the client is not trusted; nothing else in the request is logged.
    genReqId: () => crypto.randomUUID(),
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(() => {
    throw notFound('no such page or API');
  });
  await registerSecurity(app);
  await registerPages(app, options.publicDir);
  sessionRoutes(app, context);
  migrationRoutes(app, context);
  newMigrationRoutes(app, context, new Uploads());
  deviceRoutes(app, context, options.deviceTable ?? new DeviceTable(context.client));
  reportRoutes(app, context);
  auditRoutes(app, context);
  return app;
}
