/** The simulator's in-memory state: tenants keyed by `aw-tenant-code`, the ledger, OAuth tokens. */
import { Random } from '../../shared/simulator/random';
import type {
  Behaviour,
  LedgerEntry,
  Platform,
  Quirks,
  SimDevice,
  SimGroup,
  SimTenant,
  SimUser,
  TenantSettings,
  DeviceMigration,
} from './types';

export const DEFAULT_BEHAVIOUR: Behaviour = { commandDelayMs: 2_000, enrollDelayMs: 5_000 };

/** Each one's source, or UNCONFIRMED, is in README.md (Quirks). */
export const DEFAULT_QUIRKS: Quirks = {
  wrongVersionStatus: 406,
  emptySearchStatus: 204,
  androidWorkUnregistered: 'not-found',
  commandStatus: 202,
  tokenCreateStatus: 201,
  retryAfterFormat: 'seconds',
  stagingModeFormat: 'int',
  duplicateTokens: 'allow',
  bulkMaxItems: 500,
  dateFormat: 'no-zone',
  stagingUserSwitch: 'multi-staging-only',
  tokenDetailsOmit: [],
};

export const DEFAULT_TENANT_SETTINGS: TenantSettings = {
  basicUsers: [{ username: 'ferry-api', password: 'ferry-api-password' }],
  oauthClients: [],
  tokenLifetimeMs: 24 * 3_600_000,
  tokenLength: 8,
};

export interface StoreOptions {
  behaviour: Behaviour;
  quirks: Quirks;
  randomSeed: number;
  clock: () => number;
  oauthTokenTtlSeconds: number;
}

export interface NewDevice {
  serialNumber: string;
  platform: Platform;
  udid?: string;
  imei?: string;
  model?: string;
  friendlyName?: string;
  ogUuid?: string;
  userId?: number;
  enrolled?: boolean;
  enrolledViaDep?: boolean;
  migration?: DeviceMigration;
}

/** Serials, emails and user names compare case-insensitively and trimmed, as the tenant does. */
export const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

export class SimStore {
  readonly tenants = new Map<string, SimTenant>();
  readonly ledger: LedgerEntry[] = [];
  readonly oauthTokens = new Map<string, { tenant: string; expiresAt: number }>();
  oauthTokensIssued = 0;
  /**
   * Every request to a route, whatever its answer, by `TENANT METHOD /route/:pattern` (`-` for no tenant
   * header): `GET /_sim/requests` serves it, the benchmark divides it by the devices migrated.
   */
  readonly requestCounts: Record<string, number> = {};
  readonly random: Random;
  private nextId = 1000;

  constructor(readonly options: StoreOptions) {
    this.random = new Random(options.randomSeed);
  }

  get behaviour(): Behaviour {
    return this.options.behaviour;
  }

  get quirks(): Quirks {
    return this.options.quirks;
  }

  now(): number {
    return this.options.clock();
  }

  newId(): number {
    return ++this.nextId;
  }

  tenant(code: string): SimTenant | undefined {
    return this.tenants.get(code);
  }

  requireTenant(code: string): SimTenant {
    const tenant = this.tenants.get(code);
    if (!tenant) throw new Error(`unknown tenant ${code}`);
    return tenant;
  }

  addTenant(code: string, settings: Partial<TenantSettings> = {}): SimTenant {
    const existing = this.tenants.get(code);
    if (existing) return Object.assign(existing, settings);
    const tenant: SimTenant = {
      ...DEFAULT_TENANT_SETTINGS,
      ...settings,
      code,
      users: [],
      groups: [],
      devices: [],
      adeProfiles: [],
      adeDevices: [],
      tokens: [],
      commands: [],
    };
    this.tenants.set(code, tenant);
    return tenant;
  }

  addGroup(tenant: SimTenant, input: Partial<SimGroup> & { groupId: string }): SimGroup {
    const group: SimGroup = {
      id: input.id ?? this.newId(),
      uuid: input.uuid ?? this.random.uuid(),
      name: input.name ?? input.groupId,
      groupId: input.groupId,
      androidWork: input.androidWork,
    };
    tenant.groups.push(group);
    return group;
  }

  /** The OG used when a seed names none: the first one, created on demand. */
  defaultGroup(tenant: SimTenant): SimGroup {
    return (
      tenant.groups[0] ?? this.addGroup(tenant, { groupId: tenant.code.toLowerCase(), name: tenant.code })
    );
  }

  group(tenant: SimTenant, ref: string | undefined): SimGroup {
    if (ref === undefined) return this.defaultGroup(tenant);
    const group = tenant.groups.find((g) => g.uuid === ref || same(g.groupId, ref));
    if (!group) throw new Error(`tenant ${tenant.code} has no organization group ${ref}`);
    return group;
  }

  /** Adds a user, or returns the existing one with the same email. */
  addUser(
    tenant: SimTenant,
    input: { email: string; userName?: string; displayName?: string; ogUuid?: string; id?: number },
  ): SimUser {
    const existing = this.findUserByEmail(tenant, input.email);
    if (existing) return existing;
    const user: SimUser = {
      id: input.id ?? this.newId(),
      uuid: this.random.uuid(),
      userName: input.userName ?? input.email.trim().split('@')[0] ?? input.email,
      email: input.email.trim(),
      displayName: input.displayName,
      ogUuid: input.ogUuid ?? this.defaultGroup(tenant).uuid,
    };
    tenant.users.push(user);
    return user;
  }

  findUserByEmail(tenant: SimTenant, email: string): SimUser | undefined {
    return tenant.users.find((u) => same(u.email, email));
  }

  userById(tenant: SimTenant, id: number | undefined): SimUser | undefined {
    return id === undefined ? undefined : tenant.users.find((u) => u.id === id);
  }

  addDevice(tenant: SimTenant, input: NewDevice): SimDevice {
    const device: SimDevice = {
      id: this.newId(),
      uuid: this.random.uuid(),
      serialNumber: input.serialNumber,
      udid: input.udid,
      imei: input.imei,
      platform: input.platform,
      model: input.model,
      friendlyName: input.friendlyName,
      ogUuid: input.ogUuid ?? this.defaultGroup(tenant).uuid,
      userId: input.userId,
      enrolledAt: input.enrolled === false ? undefined : this.now(),
      enrolledViaDep: input.enrolledViaDep ?? false,
      migration: input.migration ?? {},
    };
    tenant.devices.push(device);
    return device;
  }

  findDevice(tenant: SimTenant, serialNumber: string): SimDevice | undefined {
    return tenant.devices.find((d) => same(d.serialNumber, serialNumber));
  }

  newTokenValue(tenant: SimTenant): string {
    for (;;) {
      const value = this.random.string(tenant.tokenLength);
      if (!tenant.tokens.some((t) => t.value === value)) return value;
    }
  }

  countRequest(tenant: string | undefined, method: string, route: string): void {
    const key = `${tenant ?? '-'} ${method} ${route}`;
    this.requestCounts[key] = (this.requestCounts[key] ?? 0) + 1;
  }

  record(entry: Omit<LedgerEntry, 'seq' | 'at'>): LedgerEntry {
    const full: LedgerEntry = {
      seq: this.ledger.length + 1,
      at: new Date(this.now()).toISOString(),
      ...entry,
    };
    this.ledger.push(full);
    return full;
  }

  /** A date as the simulated API writes it (see `Quirks.dateFormat`). */
  formatDate(ms: number): string {
    const iso = new Date(ms).toISOString();
    return this.quirks.dateFormat === 'iso' ? iso : iso.replace(/Z$/, '');
  }
}
