import type { FastifyRequest } from 'fastify';
import type { AdminActor } from '../../workflows/device/messages';
import { ApiError } from './errors';

/**
 * Who an action from the console is by: the signed-in person of the session, never a name in the
 * request. `by` is their display name (what the device's history and the CLI show), `actor` the
 * structured identity `ferry audit` and the audit page read back from the workflows' histories.
 */
export function actingAs(request: FastifyRequest): { by: string; actor: AdminActor } {
  const identity = request.identity;
  // The route table lets no one act without a session; this guards a route registered without it.
  if (!identity) throw new ApiError(401, 'unauthenticated', 'sign in to act');
  const { subject, name, role } = identity;
  return { by: name, actor: { via: 'console', subject, name, role } };
}
