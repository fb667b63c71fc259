/**
 * Workspace ONE UEM simulator: a loopback HTTP server serving the endpoints Ferry's client calls, with
 * several tenants (keyed by `aw-tenant-code`), simulated devices that move from a source tenant to a
 * target tenant, faults, rate limits and a ledger of every mutating request.
 *
 *   const sim = await startWorkspaceOneSimulator({ seed, behaviour: { commandDelayMs: 50, enrollDelayMs: 50 } });
 *   new WorkspaceOneClient({ baseUrl: sim.url, tenantCode: 'TARGET', auth: { kind: 'basic', ... } });
 *   sim.ledger({ tenant: 'TARGET', kind: 'token.issued' });
 *   await sim.close();
 */
import {
  cancelAbmMigration,
  deviceStatus,
  markEnrolledByHand,
  settle,
  startAbmMigration,
  startUnenroll,
  type DeviceStatus,
} from './behaviour';
import { syncAdeAssignment } from './ade-sync';
import type { FaultConfig } from './faults';
import { generateFleet, type FleetOptions, type GeneratedFleet } from './generate';
import { filterLedger, snapshotTenant, type LedgerFilter } from './routes/admin';
import { addSeedUser, applySeed, seedUsersCsv, type SimSeed, type UserSeed } from './seed';
import { startServer, type ServerOptions } from './server';
import type { SimStore } from './store';
import type { DeviceMigration, LedgerEntry, SimDevice, SimTenant, SimUser, TenantSettings } from './types';

export interface WorkspaceOneSimulatorOptions extends ServerOptions {
  /** Tenants, OGs, users, devices, ADE profiles and devices. */
  seed?: SimSeed;
  /** Target users CSV per tenant code (`email`, optional `username`, `display_name`). */
  usersCsv?: Record<string, string>;
  /** A generated fleet (applied after `seed`); read it back with `sim.fleet`. */
  generate?: FleetOptions;
}

export interface WorkspaceOneSimulator {
  url: string;
  port: number;
  /** The live state: tenants, ledger, OAuth tokens. Mutate with care; prefer the methods below. */
  state: SimStore;
  /** The generated fleet, when `generate` was given. */
  fleet?: GeneratedFleet;
  tenant(code: string): SimTenant;
  addTenant(code: string, settings?: Partial<TenantSettings>): SimTenant;
  seed(seed: SimSeed): void;
  seedUsersCsv(tenantCode: string, csv: string): SimUser[];
  addUser(tenantCode: string, user: UserSeed): SimUser;
  /** Current device record in a tenant (after settling cross-tenant behaviour). */
  device(
    tenantCode: string,
    serialNumber: string,
  ): (SimDevice & { enrollmentStatus: DeviceStatus }) | undefined;
  /**
   * A device's live migration settings (`neverEnrolls`, `enrollDelayMs`, `commandDelayMs`): change them
   * at run time to hold a device where it is or to slow it down.
   */
  migrationOf(tenantCode: string, serialNumber: string): DeviceMigration;
  ledger(filter?: LedgerFilter): LedgerEntry[];
  snapshot(tenantCode: string): ReturnType<typeof snapshotTenant>;
  /** The "manual" source: the device was un-enrolled by hand / by its user. */
  markUnenrolled(tenantCode: string, serialNumber: string): void;
  /**
   * The device received this command from another MDM that manages it (e.g. the Intune simulator's
   * retire or wipe): it leaves as if the command had come through this simulator's API.
   */
  receiveCommand(tenantCode: string, serialNumber: string, kind: 'EnterpriseWipe' | 'DeviceWipe'): void;
  markEnrolled(
    tenantCode: string,
    serialNumber: string,
    opts?: { userEmail?: string; platform?: 'ios' | 'android' },
  ): SimDevice;
  /**
   * Apple Business Manager has recorded a migration deadline for this iPhone: after `commandDelayMs` it
   * leaves the source without an erase, then enrolls in its target through ADE (as an erased ADE iPhone).
   */
  startAbmMigration(sourceTenantCode: string, serialNumber: string): void;
  /** Undoes `startAbmMigration` if the device has not left yet; returns whether it did. */
  cancelAbmMigration(sourceTenantCode: string, serialNumber: string): boolean;
  /**
   * Apple Business Manager assigned this device to the tenant's ADE server (it joins the ADE device
   * list with the auto-assigned profile), or away from it (it leaves the list).
   */
  syncAdeAssignment(
    tenantCode: string,
    device: { serialNumber: string; model?: string },
    assignedHere: boolean,
  ): void;
  setFaults(patch: Partial<FaultConfig>): FaultConfig;
  setRateLimit(tenantCode: string, limit: { perMinute: number; windowMs?: number } | undefined): void;
  /** Forgets every OAuth access token (the next API call gets a 401). */
  revokeOAuthTokens(): void;
  /** OAuth tokens issued so far. */
  oauthTokensIssued(): number;
  close(): Promise<void>;
}

export async function startWorkspaceOneSimulator(
  options: WorkspaceOneSimulatorOptions = {},
): Promise<WorkspaceOneSimulator> {
  const server = await startServer(options);
  const store = server.store;
  if (options.seed) applySeed(store, options.seed);
  const fleet = options.generate ? generateFleet(options.generate) : undefined;
  if (fleet) applySeed(store, fleet.seed);
  for (const [code, csv] of Object.entries(options.usersCsv ?? {})) seedUsersCsv(store, code, csv);
  const requireDevice = (code: string, serialNumber: string): SimDevice => {
    const device = store.findDevice(store.requireTenant(code), serialNumber);
    if (!device) throw new Error(`tenant ${code} has no device ${serialNumber}`);
    return device;
  };

  return {
    url: server.url,
    port: server.port,
    state: store,
    fleet,
    tenant: (code) => store.requireTenant(code),
    addTenant: (code, settings) => store.addTenant(code, settings),
    seed: (seed) => applySeed(store, seed),
    seedUsersCsv: (code, csv) => seedUsersCsv(store, code, csv),
    addUser: (code, user) => addSeedUser(store, store.requireTenant(code), user),
    device: (code, serialNumber) => {
      const now = store.now();
      settle(store, now);
      const device = store.findDevice(store.requireTenant(code), serialNumber);
      return device && { ...device, enrollmentStatus: deviceStatus(store, device, now) };
    },
    migrationOf: (code, serialNumber) => requireDevice(code, serialNumber).migration,
    ledger: (filter) => {
      settle(store, store.now());
      return filterLedger(store.ledger, filter);
    },
    snapshot: (code) => {
      settle(store, store.now());
      return snapshotTenant(store, store.requireTenant(code));
    },
    markUnenrolled: (code, serialNumber) => {
      startUnenroll(requireDevice(code, serialNumber), 'Manual', store.now());
      store.record({ tenant: code, kind: 'admin.device.unenrolled', source: 'admin', serialNumber });
    },
    receiveCommand: (code, serialNumber, kind) => {
      startUnenroll(requireDevice(code, serialNumber), kind, store.now());
      const detail = { command: kind };
      store.record({ tenant: code, kind: 'admin.device.unenrolled', source: 'admin', serialNumber, detail });
    },
    markEnrolled: (code, serialNumber, opts = {}) =>
      markEnrolledByHand(store, store.requireTenant(code), { serialNumber, ...opts }),
    startAbmMigration: (code, serialNumber) =>
      startAbmMigration(store, store.requireTenant(code), requireDevice(code, serialNumber)),
    cancelAbmMigration: (code, serialNumber) =>
      cancelAbmMigration(store, store.requireTenant(code), requireDevice(code, serialNumber)),
    syncAdeAssignment: (code, device, assignedHere) =>
      syncAdeAssignment(store, store.requireTenant(code), device, assignedHere),
    setFaults: (patch) => server.faults.update(patch),
    setRateLimit: (code, limit) => {
      store.requireTenant(code).rateLimit = limit;
      server.limiter.reset(code);
    },
    revokeOAuthTokens: () => store.oauthTokens.clear(),
    oauthTokensIssued: () => store.oauthTokensIssued,
    close: () => server.close(),
  };
}

export {
  fleetSeed,
  generateFleet,
  type FleetOptions,
  type FleetDevice,
  type GeneratedFleet,
} from './generate';
export type { SimSeed, UserSeed } from './seed';
export type { FaultConfig } from './faults';
export type { DeviceStatus } from './behaviour';
export type {
  Behaviour,
  LedgerEntry,
  LedgerKind,
  Quirks,
  SimDevice,
  SimTenant,
  SimToken,
  SimUser,
} from './types';
export { TOKEN_STATUS, TOKEN_ENROLLMENT_STATUS } from './routes/tokens';
export { V3_ENROLLMENT_STATUS } from './routes/devices';
