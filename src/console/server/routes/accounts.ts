import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseRequest } from '../errors';
import type { ConsoleAuth } from '../auth/console-auth';
import { accountsView, changeAccount, revokeLink, setGroupRoles, unlockAccount } from '../auth/account-admin';
import { groupRoleMapping } from '../auth/group-roles';
import { ROLES } from '../auth/identity';
import { localSubject } from '../auth/local-sign-in';
import { createSetUpLink, displayName, setUpPath, username } from '../auth/set-up-links';

/**
 * The accounts page's API (Owners only, route-roles.ts): the accounts, open invitations and the group →
 * role mapping; inviting by a one-time link; changing a role, disabling, enabling, unlocking.
 */

const accountParams = z.object({ accountId: z.uuid() });
const linkParams = z.object({ linkId: z.uuid() });
const inviteBody = z.strictObject({ username, name: displayName, role: z.enum(ROLES) });
const changeBody = z
  .strictObject({ role: z.enum(ROLES).optional(), disabled: z.boolean().optional() })
  .refine((b) => b.role !== undefined || b.disabled !== undefined, {
    path: ['role'],
    error: 'name a role or disabled: true/false',
  });
const groupRolesBody = z.strictObject({ groupRoles: groupRoleMapping });

/**
 * One log line per Owner action on accounts, so that who changed whose access can be found later: the
 * actor's subject, what, and the account id or username — never a token or a link.
 */
function recordOwnerAction(request: FastifyRequest, action: string, target: string): void {
  request.log.info({ actor: request.identity!.subject, action, target }, 'console account change');
}

export function accountRoutes(app: FastifyInstance, auth: ConsoleAuth): void {
  app.get('/api/accounts', async () => accountsView(await auth.store.read(), auth.now()));

  app.post('/api/accounts/invitations', async (request, reply) => {
    const body = parseRequest(inviteBody, request.body, 'body');
    const { token, expiresAt } = await createSetUpLink(
      auth.store,
      {
        ...body,
        kind: 'invitation',
        createdBy: request.identity!.name,
        createdBySubject: request.identity!.subject,
      },
      auth.settings.setUpLinkMs,
      auth.now(),
    );
    recordOwnerAction(request, `invite as ${body.role}`, body.username);
    // The link is shown once, to the Owner who makes it (they pass it on); it is never stored.
    reply.header('cache-control', 'no-store');
    return { path: setUpPath(token), expiresAt: new Date(expiresAt).toISOString() };
  });

  app.post('/api/accounts/invitations/:linkId/revoke', async (request) => {
    const { linkId } = parseRequest(linkParams, request.params, 'params');
    recordOwnerAction(request, 'revoke invitation', await revokeLink(auth.store, linkId));
    return { ok: true };
  });

  app.post('/api/accounts/:accountId', async (request) => {
    const { accountId } = parseRequest(accountParams, request.params, 'params');
    const change = parseRequest(changeBody, request.body, 'body');
    const account = await changeAccount(auth.store, accountId, change, auth.now());
    if (change.role !== undefined) recordOwnerAction(request, `role ${change.role}`, accountId);
    if (change.disabled !== undefined)
      recordOwnerAction(request, change.disabled ? 'disable' : 'enable', accountId);
    // A disabled account's sessions end now; a new role applies on its next request (sessions.ts).
    if (account.disabled) auth.sessions.endAll(localSubject(accountId));
    return account;
  });

  app.post('/api/accounts/:accountId/unlock', async (request) => {
    const { accountId } = parseRequest(accountParams, request.params, 'params');
    const account = await unlockAccount(auth.store, accountId, auth.now());
    recordOwnerAction(request, 'unlock', accountId);
    return account;
  });

  app.post('/api/group-roles', async (request) => {
    const { groupRoles } = parseRequest(groupRolesBody, request.body, 'body');
    const saved = await setGroupRoles(auth.store, groupRoles);
    recordOwnerAction(request, 'group roles', saved.map((m) => `${m.group}=${m.role}`).join(','));
    return { groupRoles: saved };
  });
}
