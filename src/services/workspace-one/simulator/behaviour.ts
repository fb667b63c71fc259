/**
 * How simulated devices move between tenants. State is computed from timestamps when it is read
 * (no timers): `settle` runs before every request and materialises the enrollments that have happened.
 *
 * A device that received EnterpriseWipe/DeviceWipe shows `<Command>Pending` for `commandDelayMs`, then
 * `Unenrolled`. From then on (plus `enrollDelayMs`) it tries to enroll into its target tenant:
 * - iOS erased, listed in the target's ADE devices with a profile: enrolls via ADE to the profile's
 *   default staging user;
 * - Android erased: enrolls fully managed to the target user with the seed's email, if an OG of the target
 *   is registered with Android Enterprise;
 * - otherwise (retired, or erased without ADE): only with a valid registration token for its serial. An
 *   expired or deleted token is refused; a token issued later lets it enroll at issue time + enrollDelayMs.
 *
 * An iPhone whose Apple Business Manager migration with a deadline has started (`startAbmMigration`) is
 * not erased and receives no command: it stays `Enrolled` for `commandDelayMs` (the user accepting, or
 * the OS enforcing the deadline), during which `cancelAbmMigration` can still stop it, then shows
 * `Unenrolled` and enrolls through the target's ADE profile as an erased ADE iPhone does, or not at all.
 */
import { same, type SimStore } from './store';
import type { SimDevice, SimTenant, SimToken, UnenrollKind } from './types';

export type EnrollmentPath = 'token' | 'ade' | 'android-fully-managed';

export type DeviceStatus = 'Enrolled' | 'EnterpriseWipePending' | 'DeviceWipePending' | 'Unenrolled';

interface EnrollmentPlan {
  target: SimTenant;
  at: number;
  userId: number;
  viaDep: boolean;
  ogUuid?: string;
  path: EnrollmentPath;
  token?: SimToken;
  /** ADE: the staging mode of the profile it enrolls with. */
  stagingMode?: number;
}

export function unenrolledAt(store: SimStore, device: SimDevice): number | undefined {
  if (!device.unenroll) return undefined;
  if (device.unenroll.kind === 'Manual') return device.unenroll.at;
  return device.unenroll.at + (device.migration.commandDelayMs ?? store.behaviour.commandDelayMs);
}

/** The `EnrollmentStatus` a device shows in its own tenant at `now`. */
export function deviceStatus(store: SimStore, device: SimDevice, now: number): DeviceStatus {
  const leftAt = unenrolledAt(store, device);
  if (device.unenroll && leftAt !== undefined) {
    if (now >= leftAt) return 'Unenrolled';
    if (device.unenroll.kind === 'DeviceWipe') return 'DeviceWipePending';
    // A migrating device has no command pending at the source: it stays managed until it moves.
    if (device.unenroll.kind !== 'AbmMigration') return 'EnterpriseWipePending';
  }
  return device.enrolledAt !== undefined && device.enrolledAt <= now ? 'Enrolled' : 'Unenrolled';
}

/** Records a wipe (or a manual un-enrollment). A device already leaving keeps its first request. */
export function startUnenroll(device: SimDevice, kind: UnenrollKind, now: number): void {
  device.unenroll ??= { kind, at: now };
}

/** ABM has recorded a migration deadline for this iPhone: it will leave `tenant` without an erase. */
export function startAbmMigration(store: SimStore, tenant: SimTenant, device: SimDevice): void {
  if (device.platform !== 'ios') {
    throw new Error(`device ${device.serialNumber} is not an iPhone or iPad: no ABM migration`);
  }
  startUnenroll(device, 'AbmMigration', store.now());
  store.record({
    tenant: tenant.code,
    kind: 'admin.device.abm_migration',
    source: 'admin',
    serialNumber: device.serialNumber,
  });
}

/** Stops an ABM migration the device has not acted on yet; false when there is none or it already left. */
export function cancelAbmMigration(store: SimStore, tenant: SimTenant, device: SimDevice): boolean {
  const leftAt = unenrolledAt(store, device);
  if (device.unenroll?.kind !== 'AbmMigration' || leftAt === undefined || store.now() >= leftAt) {
    return false;
  }
  device.unenroll = undefined;
  store.record({
    tenant: tenant.code,
    kind: 'admin.device.abm_migration_cancelled',
    source: 'admin',
    serialNumber: device.serialNumber,
  });
  return true;
}

/** Materialises every cross-tenant enrollment that has happened by `now`. */
export function settle(store: SimStore, now: number): void {
  for (const tenant of store.tenants.values()) {
    for (const device of tenant.devices) {
      if (!device.unenroll || device.migration.enrolledInTarget || device.migration.neverEnrolls) continue;
      const plan = planEnrollment(store, tenant, device);
      if (plan && plan.at <= now) enrollInTarget(store, tenant, device, plan);
    }
  }
}

/** Marks a device enrolled by hand in `tenant` (the "manual" path), creating it if needed. */
export function markEnrolledByHand(
  store: SimStore,
  tenant: SimTenant,
  input: { serialNumber: string; platform?: 'ios' | 'android'; userEmail?: string },
): SimDevice {
  const now = store.now();
  const user = input.userEmail ? store.findUserByEmail(tenant, input.userEmail) : undefined;
  const device =
    store.findDevice(tenant, input.serialNumber) ??
    store.addDevice(tenant, {
      serialNumber: input.serialNumber,
      platform: input.platform ?? 'ios',
      enrolled: false,
    });
  device.unenroll = undefined;
  device.enrolledAt = now;
  if (user) device.userId = user.id;
  store.record({
    tenant: tenant.code,
    kind: 'admin.device.enrolled',
    source: 'admin',
    serialNumber: device.serialNumber,
  });
  return device;
}

function planEnrollment(store: SimStore, source: SimTenant, device: SimDevice): EnrollmentPlan | undefined {
  const leftAt = unenrolledAt(store, device);
  const target = targetOf(store, source, device);
  if (leftAt === undefined || !target || !device.unenroll) return undefined;
  const delay = device.migration.enrollDelayMs ?? store.behaviour.enrollDelayMs;
  const earliest = leftAt + delay;

  const abmMigration = device.unenroll.kind === 'AbmMigration';
  if ((device.unenroll.kind === 'DeviceWipe' || abmMigration) && device.platform === 'ios') {
    const ade = target.adeDevices.find((a) => same(a.serialNumber, device.serialNumber) && a.profileUuid);
    const profile = ade && target.adeProfiles.find((p) => p.uuid === ade.profileUuid);
    if (ade && profile) {
      // Without a staging user the target has, the enrollment has no user to go to.
      const staging = store.userById(target, profile.defaultStagingUserId);
      if (!staging) return undefined;
      const { stagingMode } = profile;
      return {
        target,
        at: earliest,
        userId: staging.id,
        viaDep: true,
        ogUuid: ade.ogUuid,
        path: 'ade',
        stagingMode,
      };
    }
    // A migrating device enrolls through the target's ADE profile or not at all: no token applies.
    if (abmMigration) return undefined;
  }
  if (device.unenroll.kind === 'DeviceWipe' && device.platform === 'android') {
    const email = device.migration.userEmail;
    const user = email ? store.findUserByEmail(target, email) : undefined;
    const registered = target.groups.some((g) => g.androidWork);
    if (!user || !registered) return undefined;
    return {
      target,
      at: earliest,
      userId: user.id,
      viaDep: false,
      ogUuid: user.ogUuid,
      path: 'android-fully-managed',
    };
  }
  return tokenPlan(target, device, earliest, delay);
}

function tokenPlan(
  target: SimTenant,
  device: SimDevice,
  earliest: number,
  delay: number,
): EnrollmentPlan | undefined {
  let best: { at: number; token: SimToken } | undefined;
  for (const token of target.tokens) {
    if (!same(token.serialNumber, device.serialNumber)) continue;
    const at = Math.max(earliest, token.issuedAt + delay);
    if (at >= token.expiresAt) continue;
    if (token.deletedAt !== undefined && token.deletedAt <= at) continue;
    if (!best || at < best.at) best = { at, token };
  }
  if (!best) return undefined;
  const { at, token } = best;
  return { target, at, userId: token.userId, viaDep: false, ogUuid: token.ogUuid, path: 'token', token };
}

function targetOf(store: SimStore, source: SimTenant, device: SimDevice): SimTenant | undefined {
  const code = device.migration.targetTenant ?? store.behaviour.defaultTargetTenant;
  if (code !== undefined) return code === source.code ? undefined : store.tenant(code);
  const others = [...store.tenants.values()].filter((t) => t !== source);
  return others.length === 1 ? others[0] : undefined;
}

function enrollInTarget(store: SimStore, source: SimTenant, device: SimDevice, plan: EnrollmentPlan): void {
  const { target } = plan;
  const record =
    store.findDevice(target, device.serialNumber) ??
    store.addDevice(target, {
      serialNumber: device.serialNumber,
      platform: device.platform,
      udid: device.udid,
      imei: device.imei,
      model: device.model,
      friendlyName: device.friendlyName,
      ogUuid: plan.ogUuid,
      enrolled: false,
    });
  record.unenroll = undefined;
  record.enrolledAt = plan.at;
  record.enrolledViaDep = plan.viaDep;
  record.stagingMode = plan.stagingMode;
  record.userId = plan.userId;
  if (plan.token) plan.token.usedAt = plan.at;
  device.migration.enrolledInTarget = { tenant: target.code, at: plan.at, deviceId: record.id };
  store.record({
    tenant: target.code,
    kind: 'device.enrolled',
    source: 'device',
    serialNumber: device.serialNumber,
    detail: { path: plan.path, fromTenant: source.code, enrolledAt: new Date(plan.at).toISOString() },
  });
}
