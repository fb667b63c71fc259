import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ApiError, badRequest } from '../errors';
import type { AccountStore } from './account-store';
import type { AccountState } from './account-state';
import {
  PASSWORD_MAX,
  PASSWORD_MIN,
  acceptedStep,
  hashPassword,
  newTotpSecret,
  totpUri,
} from './credentials';
import type { Role, SignedInIdentity } from './identity';
import { localIdentity, sameUsername } from './local-sign-in';

/**
 * One-time set-up links: the first Owner's (`ferry console-owner`) and the invitations an Owner makes.
 * The link carries a random token after `#` (never sent to a server log or a Referer); the store keeps
 * its sha256 only. Opening it shows a new TOTP secret (as a QR code); finishing it sets the password
 * and confirms one code, creates the account (or, for `console-owner --force`, resets one) and signs in.
 */

export const username = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._@-]{1,64}$/, "1 to 64 letters, digits, '.', '_', '@' or '-'");
export const displayName = z.string().trim().min(1, 'a display name is required').max(100);

export const linkGone = () =>
  new ApiError(
    404,
    'not_found',
    'this set-up link is unknown, already used or expired: ask an Owner for a new one',
  );

const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

/** The console page a link opens; the token is in the fragment. */
export const setUpPath = (token: string) => `/set-up#${token}`;

export interface NewLink {
  username: string;
  name: string;
  role: Role;
  kind: 'owner' | 'invitation';
  createdBy: string;
  /** The maker's subject, when a signed-in person makes it (not `ferry console-owner`). */
  createdBySubject?: string;
  /** `console-owner --force`: even with an Owner, and resetting an existing account of that name. */
  force?: boolean;
}

export function ownerExists(state: AccountState): boolean {
  return state.accounts.some((a) => a.role === 'owner' && !a.disabled);
}

export async function createSetUpLink(
  store: AccountStore,
  link: NewLink,
  ttlMs: number,
  now: number,
): Promise<{ token: string; expiresAt: number }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = now + ttlMs;
  await store.update((state) => {
    if (link.kind === 'owner' && !link.force && ownerExists(state))
      throw new ApiError(
        409,
        'conflict',
        'an Owner exists already: they invite others (or use --force to recover)',
      );
    const existing = state.accounts.find((a) => sameUsername(a.username, link.username));
    if (existing && !(link.kind === 'owner' && link.force))
      throw new ApiError(409, 'conflict', `an account named ${link.username} exists already`);
    // A newer link for the same name replaces any unused one.
    state.setUpLinks = state.setUpLinks.filter(
      (l) => !l.used && l.expiresAt > now && !sameUsername(l.username, link.username),
    );
    state.setUpLinks.push({
      id: randomUUID(),
      tokenHash: tokenHash(token),
      username: existing?.username ?? link.username,
      name: link.name,
      role: link.role,
      kind: link.kind,
      ...(existing ? { accountId: existing.id } : {}),
      createdBy: link.createdBy,
      ...(link.createdBySubject ? { createdBySubject: link.createdBySubject } : {}),
      expiresAt,
      used: false,
    });
  });
  return { token, expiresAt };
}

function usableLink(state: AccountState, token: string, now: number) {
  const hashed = tokenHash(token);
  const link = state.setUpLinks.find((l) => l.tokenHash === hashed);
  if (!link || link.used || link.expiresAt <= now) throw linkGone();
  return link;
}

/** The page's first step: who the link is for, and the TOTP secret to scan (the same on every opening). */
export async function openSetUpLink(store: AccountStore, token: string, now: number) {
  return store.update((state) => {
    const link = usableLink(state, token, now);
    link.pendingTotpSecret ??= newTotpSecret();
    return {
      username: link.username,
      name: link.name,
      role: link.role,
      totpSecret: link.pendingTotpSecret,
      totpUri: totpUri(link.pendingTotpSecret, link.username),
    };
  });
}

export const setUpBody = z.strictObject({
  token: z.string().min(16).max(200),
  password: z.string().min(PASSWORD_MIN, `at least ${PASSWORD_MIN} characters`).max(PASSWORD_MAX),
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'the 6-digit code your authenticator app shows'),
});

export async function finishSetUp(
  store: AccountStore,
  body: z.infer<typeof setUpBody>,
  now: () => number,
): Promise<SignedInIdentity> {
  const passwordHash = await hashPassword(body.password);
  return store.update((state) => {
    const link = usableLink(state, body.token, now());
    if (!link.pendingTotpSecret) throw linkGone();
    const step = acceptedStep(link.pendingTotpSecret, body.code, -1, now());
    if (step === undefined) throw badRequest('code', 'code: not the code your authenticator app shows now');
    link.used = true;
    const credentials = {
      passwordHash,
      totpSecret: link.pendingTotpSecret,
      lastTotpStep: step,
      failures: [],
      disabled: false,
    };
    delete link.pendingTotpSecret;
    const reset = link.accountId ? state.accounts.find((a) => a.id === link.accountId) : undefined;
    if (reset) {
      Object.assign(reset, credentials, { role: link.role, name: link.name });
      delete reset.lockedUntil;
      return localIdentity(reset);
    }
    if (state.accounts.some((a) => sameUsername(a.username, link.username)))
      throw new ApiError(409, 'conflict', `an account named ${link.username} exists already`);
    const account = {
      id: randomUUID(),
      username: link.username,
      name: link.name,
      role: link.role,
      ...credentials,
      createdAt: new Date(now()).toISOString(),
    };
    state.accounts.push(account);
    return localIdentity(account);
  });
}
