import crypto from 'node:crypto';
import { createMigrationActivities, type MigrationActivities } from '../activities';
import { AbmTargetServerCheck } from '../activities/abm-assignment';
import { WorkspaceOneSource } from '../activities/source-uem';
import { AppleBusinessManagerClient } from '../clients/apple-business-manager';
import { WorkspaceOneClient } from '../clients/workspace-one';
import type { Logger } from '../logger';
import type { Notifier, UserNotification } from '../notify/notifier';
import type { DeviceInput, MigrationDurations } from '../workflows/messages';
import {
  fleetSeed,
  generateFleet,
  startWorkspaceOneSimulator,
  type GeneratedFleet,
  type FleetDevice,
  type FleetOptions,
  type WorkspaceOneSimulator,
  type WorkspaceOneSimulatorOptions,
} from './workspace-one';
import {
  startAppleBusinessManagerSimulator,
  type AppleBusinessManagerSimulator,
  type SimAbmActivity,
} from './apple-business-manager';

export const SOURCE_TENANT = 'SOURCE';
export const TARGET_TENANT = 'TARGET';

/** The simulated ABM's MDM servers (ids in Apple's 32-hex-digit form), standing for the two tenants. */
export const ABM_SOURCE_SERVER = { id: '50C0E5E7A1B24C3D8E9F00112233A001', name: 'SOURCE-MDM' } as const;
export const ABM_TARGET_SERVER = { id: '7A26E7B4C5D64E7F8091A2B3C4D5B002', name: 'TARGET-MDM' } as const;

/** The simulator's default API account (simulated tenants only; real ones come from config). */
const SIMULATOR_AUTH = { kind: 'basic', username: 'ferry-api', password: 'ferry-api-password' } as const;

/** Keeps what users would have been sent, so a rehearsal can show it and tests can assert on it. */
export class CapturingNotifier implements Notifier {
  readonly sent: UserNotification[] = [];
  async notify(message: UserNotification): Promise<void> {
    this.sent.push(message);
  }
}

/** A simulated Apple Business Manager next to the tenants (`true`: every default). */
export interface SimulatedAbmOptions {
  /** Time an ABM activity stays IN_PROGRESS; default 0. */
  assignDelayMs?: number;
  /** Serials ABM reports COMPLETED for without moving them. */
  leaveUnassigned?: string[];
  rateLimit?: { getPerMinute?: number; postPerHour?: number };
}

export type SimulatedTenantsOptions = Omit<WorkspaceOneSimulatorOptions, 'generate' | 'seed'> & {
  abm?: SimulatedAbmOptions | true;
};

export interface SimulatedAbm {
  sim: AppleBusinessManagerSimulator;
  client: AppleBusinessManagerClient;
  sourceServerId: string;
  targetServerId: string;
  /** What the activities use; follows simulated activities every 100 ms (Apple's take minutes). */
  check: AbmTargetServerCheck;
}

export interface SimulatedTenants {
  sim: WorkspaceOneSimulator;
  target: WorkspaceOneClient;
  source: WorkspaceOneClient;
  targetGroupId: string;
  notifier: CapturingNotifier;
  activities: MigrationActivities;
  /** The generated fleet as Ferry's device list. */
  devices: DeviceInput[];
  /** Present when started with `abm`: its ADE iPhones start on the source's MDM server. */
  abm?: SimulatedAbm;
  close(): Promise<void>;
}

function toFleetDevice(d: DeviceInput): FleetDevice {
  return {
    serial_number: d.serialNumber,
    platform: d.platform,
    enrollment_kind: d.enrollmentKind,
    user_email: d.userEmail,
    udid: d.udid,
    imei: d.imei,
    model: d.model ?? '',
    friendly_name: d.friendlyName ?? d.serialNumber,
  };
}

function toDeviceInput(d: FleetDevice): DeviceInput {
  return {
    serialNumber: d.serial_number,
    platform: d.platform,
    enrollmentKind: d.enrollment_kind,
    userEmail: d.user_email,
    udid: d.udid,
    imei: d.imei,
    model: d.model,
    friendlyName: d.friendly_name,
  };
}

/** A generated fleet, or a real inventory (Ferry's device list) with the target's users. */
export type SimulatedFleet =
  | FleetOptions
  | { devices: DeviceInput[]; targetUsers?: { email: string; username?: string; displayName?: string }[] };

function fleetFor(fleet: SimulatedFleet): GeneratedFleet {
  const where = { source: SOURCE_TENANT, target: TARGET_TENANT };
  if (typeof fleet.devices === 'number') {
    return generateFleet({
      ...(fleet as FleetOptions),
      sourceTenant: SOURCE_TENANT,
      targetTenant: TARGET_TENANT,
    });
  }
  const devices = fleet.devices.map(toFleetDevice);
  const users =
    'targetUsers' in fleet && fleet.targetUsers
      ? fleet.targetUsers
      : devices.map((d) => ({ email: d.user_email }));
  return fleetSeed(devices, users, where);
}

/**
 * A source and a target Workspace ONE tenant on one loopback simulator, seeded with a fleet, and the
 * real activities over real HTTP clients pointed at them: what the demo, the end-to-end tests and the
 * benchmark migrate. With `abm`, also an Apple Business Manager that holds the fleet's ADE devices.
 */
export async function startSimulatedTenants(
  fleet: SimulatedFleet,
  options: SimulatedTenantsOptions = {},
  logger?: Logger,
): Promise<SimulatedTenants> {
  const { abm: abmOptions, ...ws1Options } = options;
  const seeded = fleetFor(fleet);
  const sim = await startWorkspaceOneSimulator({ ...ws1Options, seed: seeded.seed });
  let abm: SimulatedAbm | undefined;
  if (abmOptions) {
    try {
      abm = await startSimulatedAbm(sim, seeded.devices, abmOptions === true ? {} : abmOptions, logger);
    } catch (err) {
      await sim.close();
      throw err;
    }
  }
  const client = (tenantCode: string) =>
    new WorkspaceOneClient({ baseUrl: sim.url, tenantCode, auth: SIMULATOR_AUTH, timeoutMs: 5_000 }, logger);
  const target = client(TARGET_TENANT);
  const source = client(SOURCE_TENANT);
  const notifier = new CapturingNotifier();
  const targetGroupId = seeded.targetOrganizationGroup;
  return {
    sim,
    target,
    source,
    targetGroupId,
    notifier,
    activities: createMigrationActivities({
      target,
      targetGroupId,
      source: new WorkspaceOneSource(source),
      abm: abm?.check,
      notifier,
    }),
    devices: seeded.devices.map(toDeviceInput),
    abm,
    close: async () => {
      await Promise.all([sim.close(), abm?.sim.close()]);
    },
  };
}

/**
 * ABM with the fleet's ADE iPhones on the source's MDM server, wired to the Workspace ONE simulator the
 * way Apple reaches the devices and the target's ADE token: a device joins the target's ADE device list
 * once an assignment to the target's server completes (and leaves it when moved away); a completed
 * assignment with a migration deadline to the target's server starts each moved device's migration; a
 * completed cancel of the migration (or unassignment, or move to another server) stops it if the device
 * has not left.
 */
async function startSimulatedAbm(
  ws1: WorkspaceOneSimulator,
  devices: FleetDevice[],
  options: SimulatedAbmOptions,
  logger?: Logger,
): Promise<SimulatedAbm> {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const clientId = `BUSINESSAPI.${crypto.randomUUID()}`;
  const ade = devices.filter((d) => d.platform === 'ios' && d.enrollment_kind === 'ade');
  const models = new Map(ade.map((d) => [d.serial_number, d.model || undefined]));
  // On the source's server in ABM, so the target has not synced them yet.
  for (const d of ade) ws1.syncAdeAssignment(TARGET_TENANT, { serialNumber: d.serial_number }, false);
  const onActivityCompleted = (activity: SimAbmActivity, moved: string[]) => {
    const type = activity.activityType;
    const reassigns = type !== 'CANCEL_MDM_MIGRATION';
    const toTarget = type !== 'UNASSIGN_DEVICES' && activity.mdmServerId === ABM_TARGET_SERVER.id;
    const migrates = toTarget && type === 'ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE';
    for (const serial of moved) {
      if (reassigns) {
        ws1.syncAdeAssignment(TARGET_TENANT, { serialNumber: serial, model: models.get(serial) }, toTarget);
      }
      if (migrates) ws1.startAbmMigration(SOURCE_TENANT, serial);
      else if (!toTarget) ws1.cancelAbmMigration(SOURCE_TENANT, serial);
    }
  };
  const sim = await startAppleBusinessManagerSimulator({
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    clientId,
    devices: ade.map((d) => ({
      serial: d.serial_number,
      assignedServerId: ABM_SOURCE_SERVER.id,
      productFamily: /ipad/i.test(d.model) ? 'iPad' : 'iPhone',
      deviceModel: d.model || undefined,
    })),
    servers: [ABM_SOURCE_SERVER, ABM_TARGET_SERVER],
    assignDelayMs: options.assignDelayMs,
    leaveUnassigned: options.leaveUnassigned,
    rateLimit: options.rateLimit,
    onActivityCompleted,
  });
  const client = new AppleBusinessManagerClient(
    {
      apiBaseUrl: sim.url,
      tokenUrl: sim.tokenUrl,
      clientId,
      keyId: crypto.randomUUID(),
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      timeoutMs: 5_000,
    },
    logger,
  );
  return {
    sim,
    client,
    sourceServerId: ABM_SOURCE_SERVER.id,
    targetServerId: ABM_TARGET_SERVER.id,
    check: new AbmTargetServerCheck(client, {
      targetServerId: ABM_TARGET_SERVER.id,
      sourceServerId: ABM_SOURCE_SERVER.id,
      activityPollMs: 100,
    }),
  };
}

/**
 * Waits measured in seconds, for rehearsals against the simulator (whose devices move in seconds too);
 * real migrations keep the defaults of hours and days.
 */
export const REHEARSAL_DURATIONS: MigrationDurations = {
  abmWait: '5 minutes',
  abmCheckInterval: '1 second',
  adeSyncTimeout: '2 minutes',
  adeSyncCheckInterval: '1 second',
  sourceRemovalTimeout: '2 minutes',
  sourceRemovalCheckInterval: '1 second',
  enrollmentTimeout: '5 minutes',
  enrollmentCheckInterval: '1 second',
  failedRetention: '30 minutes',
};
