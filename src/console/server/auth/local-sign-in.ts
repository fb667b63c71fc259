import { ApiError } from '../errors';
import type { AccountStore } from './account-store';
import type { StoredAccount } from './account-state';
import { acceptedStep, passwordMatches } from './credentials';
import type { SignedInIdentity } from './identity';

/**
 * Signing in with a local account: username, password and a TOTP code, all three right, or one answer
 * that never says which was wrong nor whether the account exists, is locked or is disabled. Wrong
 * passwords or codes count: `attempts` of them within `lockoutMs` lock the account for `lockoutMs`
 * (an Owner can unlock it sooner).
 */

export interface LockoutSettings {
  lockoutAttempts: number;
  lockoutMs: number;
}

export const signInFailed = (settings: LockoutSettings) =>
  new ApiError(
    401,
    'sign_in_failed',
    'wrong username, password or code — or the account is locked or disabled ' +
      `(${settings.lockoutAttempts} wrong tries lock it for ${Math.round(settings.lockoutMs / 60_000)} minutes)`,
  );

export const localSubject = (accountId: string) => `local:${accountId}`;

export function localIdentity(account: StoredAccount): SignedInIdentity {
  return { subject: localSubject(account.id), name: account.name, role: account.role, via: 'local' };
}

export const sameUsername = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export const isLocked = (account: StoredAccount, now: number) =>
  account.lockedUntil !== undefined && account.lockedUntil > now;

export async function signInLocally(
  store: AccountStore,
  settings: LockoutSettings,
  attempt: { username: string; password: string; code: string },
  now: () => number,
): Promise<SignedInIdentity> {
  const found = (await store.read()).accounts.find((a) => sameUsername(a.username, attempt.username));
  // Verified even without an account (against a decoy hash): an unknown name takes as long as a known one.
  const passwordRight = await passwordMatches(found?.passwordHash, attempt.password);
  if (!found) {
    // The store round trip a known name's failure makes (the unchanged document written back): without
    // it an unknown name answers sooner, and the timing tells which usernames exist.
    await store.update(() => undefined);
    throw signInFailed(settings);
  }
  const signedIn = await store.update((state) => {
    const account = state.accounts.find((a) => a.id === found.id);
    if (!account || account.disabled || isLocked(account, now())) return undefined;
    const step = passwordRight
      ? acceptedStep(account.totpSecret, attempt.code, account.lastTotpStep, now())
      : undefined;
    if (step === undefined) {
      const since = now() - settings.lockoutMs;
      account.failures = [...account.failures.filter((at) => at > since), now()];
      if (account.failures.length >= settings.lockoutAttempts) {
        account.lockedUntil = now() + settings.lockoutMs;
        account.failures = [];
      }
      return undefined;
    }
    account.lastTotpStep = step;
    account.failures = [];
    delete account.lockedUntil;
    return localIdentity(account);
  });
  if (!signedIn) throw signInFailed(settings);
  return signedIn;
}
