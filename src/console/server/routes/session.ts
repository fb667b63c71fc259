import type { FastifyInstance } from 'fastify';
import type { ConsoleContext } from '../context';
import { VOCABULARY } from '../vocabulary';

/**
 * `GET /healthz` and `GET /api/session`: the CSRF token the pages send back, what they show in the
 * header, and the words of the devices table's filters and counts (statuses, platforms, enrollment kinds).
 */
export function sessionRoutes(app: FastifyInstance, context: ConsoleContext): void {
  app.get('/healthz', () => ({ ok: true }));
  app.get('/api/session', async (_request, reply) => ({
    csrfToken: reply.generateCsrf(),
    loopbackOnly: true,
    namespace: context.namespace,
    ...(context.temporalUiUrl ? { temporalUiUrl: context.temporalUiUrl } : {}),
    vocabulary: VOCABULARY,
  }));
}
