import { createMigrationActivities, type MigrationActivities } from '../activities/device';
import { WorkspaceOneSource } from '../services/workspace-one/source';
import { WorkspaceOneClient } from '../services/workspace-one';
import type { Logger } from '../logger';
import type { Notifier, UserNotification } from '../services/mail/notifier';
import type { DeviceInput, MigrationDurations } from '../workflows/device/messages';
import {
  fleetSeed,
  generateFleet,
  startWorkspaceOneSimulator,
  type GeneratedFleet,
  type FleetDevice,
  type FleetOptions,
  type WorkspaceOneSimulator,
  type WorkspaceOneSimulatorOptions,
} from '../services/workspace-one/simulator';
import { startSimulatedAbm, type SimulatedAbm, type SimulatedAbmOptions } from './simulated-abm';

export const SOURCE_TENANT = 'SOURCE';
export const TARGET_TENANT = 'TARGET';

/** The simulator's default API account (simulated tenants only; real ones come from config). */
const SIMULATOR_AUTH = { kind: 'basic', username: 'ferry-api', password: 'ferry-api-password' } as const;

/** Keeps what users would have been sent, so a rehearsal can show it and tests can assert on it. */
export class CapturingNotifier implements Notifier {
  readonly sent: UserNotification[] = [];
  /** When each message went (epoch ms), to set against the source's ledger: was the user told first? */
  readonly log: { serialNumber: string; at: number }[] = [];
  async notify(message: UserNotification): Promise<void> {
    this.sent.push(message);
    this.log.push({ serialNumber: message.serialNumber, at: Date.now() });
  }
}

export type SimulatedTenantsOptions = Omit<WorkspaceOneSimulatorOptions, 'generate' | 'seed'> & {
  abm?: SimulatedAbmOptions | true;
};

export interface SimulatedTenants {
  sim: WorkspaceOneSimulator;
  target: WorkspaceOneClient;
  source: WorkspaceOneClient;
  targetGroupId: string;
  notifier: CapturingNotifier;
  activities: MigrationActivities;
  /** Activities over the same clients with nothing shared yet, as a worker started now would have. */
  newActivities(): MigrationActivities;
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

/** The simulators alone, seeded with a fleet: what the demo's world and `npm run simulators` share. */
export interface SimulatedServices {
  /** The source and target Workspace ONE tenants. */
  sim: WorkspaceOneSimulator;
  /** Present when started with `abm`: its ADE iPhones start on the source's MDM server. */
  abm?: SimulatedAbm;
  /** The fleet as seeded: its device list rows and the two tenants' organization groups. */
  fleet: GeneratedFleet;
  /** The fleet as Ferry's device list. */
  devices: DeviceInput[];
  close(): Promise<void>;
}

/**
 * A source and a target Workspace ONE tenant on one loopback simulator, seeded with a fleet, and with
 * `abm` an Apple Business Manager that holds the fleet's ADE devices, wired to the tenants.
 */
export async function startSimulatedServices(
  fleet: SimulatedFleet,
  options: SimulatedTenantsOptions = {},
  logger?: Logger,
): Promise<SimulatedServices> {
  const { abm: abmOptions, ...ws1Options } = options;
  const seeded = fleetFor(fleet);
  // The simulated target moves an ADE iPhone off its single-staging user through the API, as VMware's
  // macOS "Single-Staging with API" guide describes; the API reference says 400 (the simulator's
  // default), after which a device ends failed "Device enrolled under the staging user" for an admin.
  const quirks = { stagingUserSwitch: 'single-staging-too' as const, ...ws1Options.quirks };
  const sim = await startWorkspaceOneSimulator({ ...ws1Options, quirks, seed: seeded.seed });
  let abm: SimulatedAbm | undefined;
  if (abmOptions) {
    try {
      const tenants = { source: SOURCE_TENANT, target: TARGET_TENANT };
      abm = await startSimulatedAbm(
        sim,
        tenants,
        seeded.devices,
        abmOptions === true ? {} : abmOptions,
        logger,
      );
    } catch (err) {
      await sim.close();
      throw err;
    }
  }
  return {
    sim,
    abm,
    fleet: seeded,
    devices: seeded.devices.map(toDeviceInput),
    close: async () => {
      await Promise.all([sim.close(), abm?.sim.close()]);
    },
  };
}

/**
 * The simulated services and the real activities over real HTTP clients pointed at them: what the demo,
 * the end-to-end tests and the benchmark migrate.
 */
export async function startSimulatedTenants(
  fleet: SimulatedFleet,
  options: SimulatedTenantsOptions = {},
  logger?: Logger,
): Promise<SimulatedTenants> {
  const services = await startSimulatedServices(fleet, options, logger);
  const { sim, abm } = services;
  const client = (tenantCode: string) =>
    new WorkspaceOneClient({ baseUrl: sim.url, tenantCode, auth: SIMULATOR_AUTH, timeoutMs: 5_000 }, logger);
  const target = client(TARGET_TENANT);
  const source = client(SOURCE_TENANT);
  const notifier = new CapturingNotifier();
  const targetGroupId = services.fleet.targetOrganizationGroup;
  const newActivities = () =>
    createMigrationActivities({
      target,
      targetGroupId,
      source: new WorkspaceOneSource(source),
      abm: abm?.check,
      notifier,
    });
  return {
    sim,
    target,
    source,
    targetGroupId,
    notifier,
    activities: newActivities(),
    newActivities,
    devices: services.devices,
    abm,
    close: services.close,
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
