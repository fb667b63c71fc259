/**
 * Seeding the simulator from a JSON object (validated here) or from a target-users CSV
 * (`email`, optional `username`, `display_name`). Seeding is additive: users are matched by email.
 */
import { z } from 'zod';
import { parseCsvRecords } from './csv';
import type { SimStore } from './store';
import type { SimTenant, SimUser } from './types';

const userSeed = z.object({
  email: z.string().min(3),
  username: z.string().optional(),
  userName: z.string().optional(),
  display_name: z.string().optional(),
  displayName: z.string().optional(),
  /** Group ID or UUID of the user's OG; default: the tenant's first OG. */
  group: z.string().optional(),
});

const deviceSeed = z.object({
  serialNumber: z.string().min(1),
  platform: z.enum(['ios', 'android']),
  udid: z.string().optional(),
  imei: z.string().optional(),
  model: z.string().optional(),
  friendlyName: z.string().optional(),
  /** The enrollment user in this tenant (created if missing); also the email an Android wipe re-enrolls to. */
  userEmail: z.string().optional(),
  enrollmentStatus: z.enum(['Enrolled', 'Unenrolled']).default('Enrolled'),
  enrolledViaDep: z.boolean().optional(),
  group: z.string().optional(),
  targetTenant: z.string().optional(),
  neverEnrolls: z.boolean().optional(),
  enrollDelayMs: z.number().int().nonnegative().optional(),
  commandDelayMs: z.number().int().nonnegative().optional(),
});

const stagingModes = { Disabled: 0, SingleUserDevice: 1, MultiUserDevice: 2 } as const;

const adeProfileSeed = z.object({
  name: z.string().min(1),
  uuid: z.string().optional(),
  group: z.string().optional(),
  authenticationRequired: z.boolean().default(false),
  stagingMode: z
    .union([z.enum(['Disabled', 'SingleUserDevice', 'MultiUserDevice']), z.number().int()])
    .default(1),
  /** Email or user name of the default staging user (created if missing, unless `stagingUserDeleted`). */
  defaultStagingUser: z.string().optional(),
  /** The profile still names its staging user, but the target has no such user (deleted since). */
  stagingUserDeleted: z.boolean().default(false),
  autoAssignDefaultProfile: z.boolean().default(true),
});

const adeDeviceSeed = z.object({
  serialNumber: z.string().min(1),
  /** Profile name or UUID; absent = synced but no profile assigned. */
  profile: z.string().optional(),
  model: z.string().optional(),
  group: z.string().optional(),
});

const tenantSeed = z.object({
  code: z.string().min(1),
  basicUsers: z.array(z.object({ username: z.string(), password: z.string() })).optional(),
  oauthClients: z.array(z.object({ clientId: z.string(), clientSecret: z.string() })).optional(),
  tokenLifetimeMs: z.number().int().positive().optional(),
  tokenLength: z.number().int().min(6).max(20).optional(),
  rateLimit: z
    .object({ perMinute: z.number().int().positive(), windowMs: z.number().int().positive().optional() })
    .optional(),
  organizationGroups: z
    .array(
      z.object({
        groupId: z.string().min(1),
        name: z.string().optional(),
        id: z.number().int().optional(),
        uuid: z.string().optional(),
        androidWork: z.object({ enterpriseId: z.string().min(1) }).optional(),
      }),
    )
    .default([]),
  users: z.array(userSeed).default([]),
  devices: z.array(deviceSeed).default([]),
  adeProfiles: z.array(adeProfileSeed).default([]),
  adeDevices: z.array(adeDeviceSeed).default([]),
});

export const simSeedSchema = z.object({ tenants: z.array(tenantSeed) });

export type SimSeed = z.input<typeof simSeedSchema>;
export type UserSeed = z.input<typeof userSeed>;

export function applySeed(store: SimStore, seed: SimSeed): void {
  const parsed = simSeedSchema.parse(seed);
  for (const t of parsed.tenants) {
    const { code, organizationGroups, users, devices, adeProfiles, adeDevices, ...settings } = t;
    const tenant = store.addTenant(code, withoutUndefined(settings));
    for (const g of organizationGroups) store.addGroup(tenant, g);
    for (const u of users) addSeedUser(store, tenant, u);
    for (const d of devices) {
      const user = d.userEmail ? store.addUser(tenant, { email: d.userEmail }) : undefined;
      store.addDevice(tenant, {
        ...d,
        ogUuid: store.group(tenant, d.group).uuid,
        userId: user?.id,
        enrolled: d.enrollmentStatus === 'Enrolled',
        migration: {
          targetTenant: d.targetTenant,
          userEmail: d.userEmail,
          neverEnrolls: d.neverEnrolls,
          enrollDelayMs: d.enrollDelayMs,
          commandDelayMs: d.commandDelayMs,
        },
      });
    }
    for (const p of adeProfiles) {
      tenant.adeProfiles.push({
        id: store.newId(),
        uuid: p.uuid ?? store.random.uuid(),
        name: p.name,
        ogUuid: store.group(tenant, p.group).uuid,
        authenticationRequired: p.authenticationRequired,
        stagingMode: typeof p.stagingMode === 'number' ? p.stagingMode : stagingModes[p.stagingMode],
        ...stagingUserOf(store, tenant, p),
        autoAssignDefaultProfile: p.autoAssignDefaultProfile,
      });
    }
    for (const a of adeDevices) {
      const profile = tenant.adeProfiles.find((p) => p.uuid === a.profile || p.name === a.profile);
      if (a.profile !== undefined && !profile) throw new Error(`tenant ${code}: no ADE profile ${a.profile}`);
      tenant.adeDevices.push({
        id: store.newId(),
        uuid: store.random.uuid(),
        serialNumber: a.serialNumber,
        ogUuid: store.group(tenant, a.group).uuid,
        profileUuid: profile?.uuid,
        model: a.model,
      });
    }
  }
}

export function addSeedUser(store: SimStore, tenant: SimTenant, input: UserSeed): SimUser {
  const u = userSeed.parse(input);
  return store.addUser(tenant, {
    email: u.email,
    userName: u.userName ?? u.username,
    displayName: u.displayName ?? u.display_name,
    ogUuid: u.group !== undefined ? store.group(tenant, u.group).uuid : undefined,
  });
}

/** Target users CSV: header `email`, optional `username`, `display_name`. */
export function seedUsersCsv(store: SimStore, tenantCode: string, csv: string): SimUser[] {
  const tenant = store.addTenant(tenantCode);
  return parseCsvRecords(csv)
    .filter((row) => row.email)
    .map((row) =>
      addSeedUser(store, tenant, {
        email: row.email ?? '',
        username: row.username || undefined,
        display_name: row.display_name || undefined,
      }),
    );
}

function stagingUserOf(
  store: SimStore,
  tenant: SimTenant,
  p: z.output<typeof adeProfileSeed>,
): { defaultStagingUserId?: number; defaultStagingUserName?: string } {
  if (p.defaultStagingUser === undefined) return {};
  // A deleted user keeps its id and name in the profile; no user of the tenant has them any more.
  if (p.stagingUserDeleted)
    return { defaultStagingUserId: store.newId(), defaultStagingUserName: p.defaultStagingUser };
  const user = stagingUser(store, tenant, p.defaultStagingUser);
  return { defaultStagingUserId: user.id, defaultStagingUserName: user.userName };
}

function stagingUser(store: SimStore, tenant: SimTenant, ref: string): SimUser {
  const byName = tenant.users.find((u) => u.userName.toLowerCase() === ref.toLowerCase());
  if (byName) return byName;
  const email = ref.includes('@') ? ref : `${ref}@staging.sim.invalid`;
  return store.addUser(tenant, { email, userName: ref.includes('@') ? undefined : ref });
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
