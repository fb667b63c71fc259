import type { FastifyInstance } from 'fastify';
import type { GroupRoleMapping } from './group-roles';
import type { SignedInIdentity } from './identity';

/** Stand-in for the OIDC helper's routes (issue 17): its oidc-routes.ts replaces this file whole. */
export async function registerOidcRoutes(
  _app: FastifyInstance,
  _deps: {
    config: { issuer: string };
    sessions: { start(reply: unknown, identity: SignedInIdentity): void };
    groupRoles(): Promise<GroupRoleMapping>;
  },
): Promise<void> {
  throw new Error('OpenID Connect sign-in is not in this build yet');
}
