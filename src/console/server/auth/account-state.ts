import { z } from 'zod';
import { groupRoleMapping } from './group-roles';
import { ROLES } from './identity';

/**
 * What the console's account store keeps, in one document: the local accounts, the one-time set-up
 * and invitation links (their hashes), and the group → role mapping. A console has a handful of
 * accounts, so the whole document is read and rewritten under one lock; zod checks it on every read.
 */

const role = z.enum(ROLES);

export const storedAccount = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string(),
  role,
  /** argon2id, PHC string. */
  passwordHash: z.string(),
  /** Base32; a secret like the password (never shown again after enrolment). */
  totpSecret: z.string(),
  /** The last TOTP time step accepted: a code is accepted once. */
  lastTotpStep: z.number(),
  /** When recent wrong passwords or codes came (ms), within the lock-out window. */
  failures: z.array(z.number()),
  lockedUntil: z.number().optional(),
  disabled: z.boolean(),
  createdAt: z.string(),
});
export type StoredAccount = z.infer<typeof storedAccount>;

export const storedSetUpLink = z.object({
  id: z.string(),
  /** sha256 of the token, hex: the token itself is only ever in the link. */
  tokenHash: z.string(),
  username: z.string(),
  name: z.string(),
  role,
  /** `owner`: printed by `ferry console-owner`; `invitation`: made by an Owner in the accounts page. */
  kind: z.enum(['owner', 'invitation']),
  /** Set when the link replaces an existing account's password and TOTP (`console-owner --force`). */
  accountId: z.string().optional(),
  /** The TOTP secret shown at the link's first opening, confirmed by a code at its end. */
  pendingTotpSecret: z.string().optional(),
  createdBy: z.string(),
  /** Who made it, as a subject (`local:<id>`): their unused Owner links go when they stop being one. */
  createdBySubject: z.string().optional(),
  expiresAt: z.number(),
  used: z.boolean(),
});
export type StoredSetUpLink = z.infer<typeof storedSetUpLink>;

export const accountState = z.object({
  version: z.literal(1),
  accounts: z.array(storedAccount),
  setUpLinks: z.array(storedSetUpLink),
  groupRoles: groupRoleMapping,
  /** Once the env's mapping seeded the store, the Owner's edits win over it. */
  groupRolesSeeded: z.boolean(),
});
export type AccountState = z.infer<typeof accountState>;

export const emptyAccountState = (): AccountState => ({
  version: 1,
  accounts: [],
  setUpLinks: [],
  groupRoles: [],
  groupRolesSeeded: false,
});

/** Where the console's accounts live (account-store.ts: the state folder's file; account-store-postgres.ts). */
export interface AccountStore {
  /** Where, for messages: a path or a database URL without its password. */
  readonly location: string;
  read(): Promise<AccountState>;
  /**
   * Reads the document, lets `change` edit it and writes it back, one change at a time; a change that
   * throws writes nothing. Answers what `change` answered.
   */
  update<T>(change: (state: AccountState) => T): Promise<T>;
  close(): Promise<void>;
}

export function parseAccountState(text: string | undefined, where: string): AccountState {
  if (text === undefined) return emptyAccountState();
  const parsed = accountState.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`the console's account store at ${where} is not readable: ${issue.path.join('.')}`);
  }
  return parsed.data;
}
