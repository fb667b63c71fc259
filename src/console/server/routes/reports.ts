import type { FastifyInstance } from 'fastify';
import { devicesReport, migrationsReport } from '../../../client/reports';
import { MIGRATIONS_LIMIT, NoSuchMigrationError } from '../../../client/commands/visibility';
import type { ConsoleContext } from '../context';
import { notFound, parseRequest } from '../errors';
import { migrationParams, reportQuery } from '../schemas';
import { download } from './download';

/** The reports as downloads: `ferry report`'s text (safe CSV cells, or JSON), never cached. */

export function reportRoutes(app: FastifyInstance, context: ConsoleContext): void {
  app.get('/api/migrations/:id/report', async (request, reply) => {
    const { id } = parseRequest(migrationParams, request.params, 'params');
    const { format } = parseRequest(reportQuery, request.query, 'query');
    const warn = (text: string) => request.log.warn({ route: request.routeOptions.url }, text);
    try {
      const { text } = await devicesReport(context.client, id, format, warn);
      // The id is letters, digits, '.', '_' and '-' (checked above): safe in the header.
      return download(reply, `${id}-devices`, format, text);
    } catch (err) {
      if (err instanceof NoSuchMigrationError) throw notFound(err.message);
      throw err;
    }
  });

  app.get('/api/reports/migrations', async (request, reply) => {
    const { format } = parseRequest(reportQuery, request.query, 'query');
    const warn = (text: string) => request.log.warn({ route: request.routeOptions.url }, text);
    const { text } = await migrationsReport(context.client, format, MIGRATIONS_LIMIT, warn);
    return download(reply, 'migrations', format, text);
  });
}
