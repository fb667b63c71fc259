import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../../config';
import { DEFAULT_CONSOLE_AUTH, type ConsoleAuthSettings } from '../../../config/console-auth';
import { ApiError } from '../errors';
import { openAccountStore, type AccountStore } from './account-store';
import { roleForGroups } from './group-roles';
import type { SignedInIdentity } from './identity';
import { guardRoutes } from './route-roles';
import { Sessions } from './sessions';

/**
 * The console's sign-in, put together for the app: the account store, the sessions (a local account's
 * role and state read again on every request), the route guard and the sign-in rate limit.
 */

export interface ConsoleAuthOptions {
  /** Default: the store `ferry console-owner` writes (FERRY_STORE_URL or FERRY_STATE_DIR). */
  store?: AccountStore;
  /** Default: FERRY_CONSOLE_* (config/console-auth.ts). */
  settings?: Partial<ConsoleAuthSettings>;
  /** The clock of sessions, lock-out and TOTP (tests move it). */
  now?: () => number;
}

export interface ConsoleAuth {
  store: AccountStore;
  sessions: Sessions;
  settings: ConsoleAuthSettings;
  now: () => number;
}

/**
 * The identity as of now, or undefined to end the session: a local account's name and role from the
 * store (gone or disabled: no session); an OIDC person's role from their sign-in groups through the
 * mapping as an Owner has it now (no role left: no session), not the one it gave at sign-in.
 */
async function refreshIdentity(store: AccountStore, identity: SignedInIdentity, groups: readonly string[]) {
  const state = await store.read();
  if (identity.via === 'oidc') {
    const role = roleForGroups(state.groupRoles, groups);
    return role ? { ...identity, role } : undefined;
  }
  const id = identity.subject.slice('local:'.length);
  const account = state.accounts.find((a) => a.id === id);
  // A lock-out stops new sign-ins only: someone guessing at an account does not sign its owner out.
  if (!account || account.disabled) return undefined;
  return { ...identity, name: account.name, role: account.role };
}

/** The settings: FERRY_CONSOLE_* unless the options give them all (and a store: no environment read). */
export function authSettings(options: ConsoleAuthOptions = {}): ConsoleAuthSettings {
  const fromEnv = options.store ? DEFAULT_CONSOLE_AUTH : loadConfig().consoleAuth;
  return { ...fromEnv, ...options.settings };
}

/** Registers the rate limit and the guard (before any route) and answers what the routes need. */
export async function registerConsoleAuth(
  app: FastifyInstance,
  options: ConsoleAuthOptions = {},
): Promise<ConsoleAuth> {
  const settings = authSettings(options);
  const store = options.store ?? (await openAccountStore(loadConfig()));
  if (!options.store) app.addHook('onClose', () => store.close());
  const now = options.now ?? Date.now;
  const sessions = new Sessions({
    idleMs: settings.sessionIdleMs,
    maxMs: settings.sessionMaxMs,
    secure: !settings.publicUrl?.startsWith('http:'),
    now,
    refresh: (identity, groups) => refreshIdentity(store, identity, groups),
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new ApiError(
        429,
        'rate_limited',
        `too many sign-in attempts from this address: try again in ${Math.ceil(context.ttl / 1000)} s`,
      ),
  });
  guardRoutes(app, sessions);
  return { store, sessions, settings, now };
}

/** A sign-in route's rate limit: `signInPerMinute` requests per client address. */
export const signInRateLimit = (auth: ConsoleAuth) => ({
  config: { rateLimit: { max: auth.settings.signInPerMinute, timeWindow: 60_000 } },
});
