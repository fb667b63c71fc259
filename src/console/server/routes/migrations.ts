import type { FastifyInstance } from 'fastify';
import { migrationStatus, type MigrationStatus } from '../../../client/commands/migration-status';
import { NoSuchMigrationError } from '../../../client/commands/visibility';
import { runMigrationAction } from '../../../client/migration-action';
import { actingAs } from '../acting-identity';
import type { ConsoleContext } from '../context';
import { notFound, parseRequest, rejected } from '../errors';
import { listConsoleMigrations } from '../migrations-list';
import { MIGRATION_ACTION_ROUTES, adminBody, migrationActionParams, migrationParams } from '../schemas';

/** The migrations: the list, one migration as `ferry status` sees it, and its rollout's actions. */

/** `ferry status --json` for a page: no store location (a path or a database host). */
export function migrationView(s: MigrationStatus) {
  return {
    id: s.migrationId,
    state: s.state,
    counts: s.statuses,
    failedReasons: s.failedReasons,
    devices: s.devices,
    open: s.open,
    closed: s.closed,
    ...(s.total !== undefined ? { total: s.total } : {}),
    ...(s.started !== undefined ? { started: s.started, alreadyStarted: s.alreadyStarted } : {}),
    inFlight: s.inFlight,
    notStarted: s.notStarted,
    ...(s.rollout ? { rollout: s.rollout } : {}),
    ...(s.waitingForAdmin ? { waitingForAdmin: s.waitingForAdmin } : {}),
    ...(s.fleet ? { fleet: s.fleet } : {}),
  };
}

export async function statusOr404(context: ConsoleContext, migrationId: string): Promise<MigrationStatus> {
  try {
    return await migrationStatus(context.client, context.namespace, migrationId);
  } catch (err) {
    if (err instanceof NoSuchMigrationError) throw notFound(err.message);
    throw err;
  }
}

export function migrationRoutes(app: FastifyInstance, context: ConsoleContext): void {
  app.get('/api/migrations', async () => ({
    migrations: await listConsoleMigrations(context.client, context.namespace),
  }));

  app.get('/api/migrations/:id', async (request) => {
    const { id } = parseRequest(migrationParams, request.params, 'params');
    return migrationView(await statusOr404(context, id));
  });

  app.post('/api/migrations/:id/actions/:action', async (request) => {
    const { id, action } = parseRequest(migrationActionParams, request.params, 'params');
    const { reason } = parseRequest(adminBody, request.body, 'body');
    const asked = { ...actingAs(request), ...(reason ? { reason } : {}) };
    const outcome = await runMigrationAction(context.client, id, MIGRATION_ACTION_ROUTES[action], asked);
    if (!outcome.ok) throw rejected(outcome.message);
    return { ok: true, message: outcome.message, rollout: outcome.progress };
  });
}
