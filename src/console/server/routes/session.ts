import type { FastifyInstance } from 'fastify';
import type { ConsoleContext } from '../context';
import { VOCABULARY } from '../vocabulary';

/**
 * `GET /healthz` and `GET /api/session`: who is signed in (name, role, how), the CSRF token the pages
 * send back, what they show in the header, and the words of the devices table's filters and counts
 * (statuses, platforms, enrollment kinds).
 */
export function sessionRoutes(app: FastifyInstance, context: ConsoleContext): void {
  app.get('/healthz', () => ({ ok: true }));
  app.get('/api/session', async (request, reply) => {
    const { name, role, via } = request.identity!;
    return {
      csrfToken: reply.generateCsrf(),
      identity: { name, role, via },
      namespace: context.namespace,
      ...(context.temporalUiUrl ? { temporalUiUrl: context.temporalUiUrl } : {}),
      vocabulary: VOCABULARY,
    };
  });
}
