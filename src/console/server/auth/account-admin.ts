import { ApiError, notFound } from '../errors';
import type { AccountStore } from './account-store';
import type { AccountState, StoredAccount } from './account-state';
import type { GroupRoleMapping } from './group-roles';
import type { Role } from './identity';
import { isLocked, localSubject } from './local-sign-in';
import { ownerExists } from './set-up-links';

/**
 * What an Owner does with the accounts: see them (never a credential), change a role, disable or
 * enable, unlock, revoke an invitation, edit the group → role mapping. The console always keeps one
 * enabled Owner: a change that would leave none is refused.
 */

export function accountView(a: StoredAccount, now: number) {
  return {
    id: a.id,
    username: a.username,
    name: a.name,
    role: a.role,
    disabled: a.disabled,
    locked: isLocked(a, now),
    ...(isLocked(a, now) ? { lockedUntil: new Date(a.lockedUntil!).toISOString() } : {}),
    createdAt: a.createdAt,
  };
}

export function accountsView(state: AccountState, now: number) {
  return {
    accounts: state.accounts.map((a) => accountView(a, now)),
    invitations: state.setUpLinks
      .filter((l) => !l.used && l.expiresAt > now)
      .map((l) => ({
        id: l.id,
        username: l.username,
        name: l.name,
        role: l.role,
        kind: l.kind,
        createdBy: l.createdBy,
        expiresAt: new Date(l.expiresAt).toISOString(),
      })),
    groupRoles: state.groupRoles,
  };
}

function accountOf(state: AccountState, id: string): StoredAccount {
  const account = state.accounts.find((a) => a.id === id);
  if (!account) throw notFound('no such account');
  return account;
}

export interface AccountChange {
  role?: Role;
  disabled?: boolean;
}

/**
 * Changes a role or disables/enables an account; answers the account as it is now. An Owner who stops
 * being one loses the unused links they made that grant the Owner role: a link made while trusted
 * must not outlive the trust (nor let a demoted Owner come back as one through an accomplice).
 */
export function changeAccount(store: AccountStore, id: string, change: AccountChange, now: number) {
  return store.update((state) => {
    const account = accountOf(state, id);
    const wasOwner = account.role === 'owner' && !account.disabled;
    if (change.role !== undefined) account.role = change.role;
    if (change.disabled !== undefined) account.disabled = change.disabled;
    if (wasOwner && (account.role !== 'owner' || account.disabled)) {
      const maker = localSubject(id);
      state.setUpLinks = state.setUpLinks.filter(
        (l) => l.used || l.role !== 'owner' || l.createdBySubject !== maker,
      );
    }
    if (!ownerExists(state))
      throw new ApiError(
        409,
        'rejected',
        'the console needs one enabled Owner: make another one Owner first',
      );
    return accountView(account, now);
  });
}

export function unlockAccount(store: AccountStore, id: string, now: number) {
  return store.update((state) => {
    const account = accountOf(state, id);
    delete account.lockedUntil;
    account.failures = [];
    return accountView(account, now);
  });
}

/** Revokes a link; answers the username it was for. */
export function revokeLink(store: AccountStore, id: string): Promise<string> {
  return store.update((state) => {
    const link = state.setUpLinks.find((l) => l.id === id);
    if (!link) throw notFound('no such invitation');
    state.setUpLinks = state.setUpLinks.filter((l) => l !== link);
    return link.username;
  });
}

export function setGroupRoles(store: AccountStore, mapping: GroupRoleMapping): Promise<GroupRoleMapping> {
  return store.update((state) => {
    state.groupRoles = mapping;
    state.groupRolesSeeded = true;
    return mapping;
  });
}

/** The mapping OIDC sign-in reads; FERRY_CONSOLE_OIDC_GROUP_ROLES seeds it the first time. */
export async function groupRolesOf(store: AccountStore, seed?: GroupRoleMapping): Promise<GroupRoleMapping> {
  const state = await store.read();
  if (state.groupRolesSeeded || !seed) return state.groupRoles;
  return store.update((s) => {
    if (!s.groupRolesSeeded) {
      s.groupRoles = seed;
      s.groupRolesSeeded = true;
    }
    return s.groupRoles;
  });
}
