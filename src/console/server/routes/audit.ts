import type { FastifyInstance } from 'fastify';
import { auditCsv, auditJson } from '../../../client/audit/audit-formats';
import { readMigrationAudit } from '../../../client/audit/read-audit';
import { RunAuditCache } from '../../../client/audit/run-cache';
import { NoSuchMigrationError } from '../../../client/commands/visibility';
import type { ConsoleContext } from '../context';
import { notFound, parseRequest } from '../errors';
import { auditQuery, migrationParams } from '../schemas';
import { download } from './download';

/**
 * A migration's audit (`ferry audit` for the page): the admin actions read from its workflows' histories.
 * Closed runs are cached for the console's lifetime (their histories never change), so asking again
 * reads only the open ones. `?format=csv|json` answers with a download instead.
 */

export function auditRoutes(
  app: FastifyInstance,
  context: ConsoleContext,
  cache = new RunAuditCache(),
): void {
  app.get('/api/migrations/:id/audit', async (request, reply) => {
    const { id } = parseRequest(migrationParams, request.params, 'params');
    const { format, since } = parseRequest(auditQuery, request.query, 'query');
    let audit;
    try {
      audit = await readMigrationAudit(context.client, id, { cache, ...(since ? { since } : {}) });
    } catch (err) {
      if (err instanceof NoSuchMigrationError) throw notFound(err.message);
      throw err;
    }
    if (format === undefined) return audit;
    // The id is letters, digits, '.', '_' and '-' (checked above): safe in the header.
    return download(reply, `${id}-audit`, format, format === 'csv' ? auditCsv(audit) : auditJson(audit));
  });
}
