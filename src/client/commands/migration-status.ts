import type { Client } from '@temporalio/client';
import type { FleetProgress, FleetState } from '../../workflows/fleet/messages';
import { countByStatus } from '../devices-report';
import { inFlight, type InFlight } from '../in-flight';
import {
  bytesText,
  notStartedOf,
  storedListOf,
  type NotStartedRow,
  type StoredList,
} from '../migration-files';
import { readFleet, type FleetFacts } from './fleet-facts';
import { fleetStateOf } from '../rollout-text';
import { listDevices, noSuchMigration, type DeviceRow } from './visibility';

/**
 * Everything `ferry status MIGRATION` says, gathered once per draw: the fleet workflow's facts, the
 * device workflows from visibility, and what the state folder holds for the migration.
 */

/**
 * The migration as a whole: the fleet's own state while a worker answers for it; 'no_worker' when its
 * fleet runs but nobody polls its task queue; 'ended' when its workflow was terminated, failed or timed
 * out; 'no_fleet' for devices started without a fleet workflow.
 */
export type StatusState = FleetState | 'no_worker' | 'ended' | 'no_fleet';

export interface MigrationStatus {
  migrationId: string;
  state: StatusState;
  /** Device workflows visibility lists, open and closed. */
  devices: number;
  open: number;
  closed: number;
  statuses: Record<string, number>;
  failedReasons: Record<string, number>;
  /** The saved list's size, when the fleet told it. */
  total?: number;
  /** Devices the rollout started, those that had already been started included. */
  started?: number;
  alreadyStarted?: number;
  inFlight: InFlight;
  /** Devices Temporal refused to start: the count the fleet or the store knows, and their reasons. */
  notStarted: { count: number; devices: NotStartedRow[] };
  stored: StoredList;
  fleet?: Omit<FleetFacts, 'progress'>;
  /** The fleet's getMigrationProgress answer. */
  rollout?: FleetProgress;
  /** Set when nothing more happens until an admin acts: what they can do. */
  waitingForAdmin?: string[];
}

/** The state of the migration as a whole, from the facts Temporal gave. */
export function migrationStateOf(fleet: FleetFacts | undefined): StatusState {
  if (!fleet) return 'no_fleet';
  if (fleet.execution === 'RUNNING') return fleet.progress ? fleetStateOf(fleet.progress) : 'no_worker';
  if (fleet.execution === 'COMPLETED') return fleet.result?.cancelled ? 'cancelled' : 'finished';
  return 'ended';
}

export async function migrationStatus(
  client: Client,
  namespace: string,
  migrationId: string,
): Promise<MigrationStatus> {
  const [fleet, devices, refused, stored] = await Promise.all([
    readFleet(client, namespace, migrationId),
    listDevices(client, migrationId),
    notStartedOf(migrationId),
    storedListOf(migrationId),
  ]);
  if (!fleet && devices.length === 0 && refused.length === 0) {
    const saved =
      stored.bytes > 0
        ? `; ${bytesText(stored.bytes)} saved for it in ${stored.dir}: its start never reached Temporal?`
        : '';
    throw noSuchMigration(migrationId, `no migration workflow and no devices found${saved}`);
  }
  const { progress, ...facts } = fleet ?? {};
  const counts = progress ?? fleet?.result;
  const status: MigrationStatus = {
    migrationId,
    state: migrationStateOf(fleet),
    ...deviceCounts(devices),
    ...(counts
      ? {
          total: counts.total,
          started: counts.started + counts.alreadyStarted,
          alreadyStarted: counts.alreadyStarted,
        }
      : fleet?.deviceCount !== undefined
        ? { total: fleet.deviceCount }
        : {}),
    inFlight: inFlight(devices, fleet?.concurrency, progress?.abm),
    notStarted: {
      count: Math.max(refused.length, progress?.notStarted ?? 0, fleet?.result?.notStarted ?? 0),
      devices: refused,
    },
    stored,
    ...(fleet ? { fleet: facts as Omit<FleetFacts, 'progress'> } : {}),
    ...(progress ? { rollout: progress } : {}),
  };
  const needs = adminNeeds(status);
  return needs.length > 0 ? { ...status, waitingForAdmin: needs } : status;
}

function deviceCounts(devices: DeviceRow[]) {
  const statuses = Object.fromEntries(
    Object.entries(countByStatus(devices.map((d) => d.status))).filter(([, n]) => n > 0),
  );
  const failedReasons: Record<string, number> = {};
  for (const d of devices.filter((x) => x.status === 'failed')) {
    const reason = d.subStatus ?? '(no reason)';
    failedReasons[reason] = (failedReasons[reason] ?? 0) + 1;
  }
  const open = devices.filter((d) => d.running).length;
  return { devices: devices.length, open, closed: devices.length - open, statuses, failedReasons };
}

/**
 * What only an admin can unblock, when nothing else can move: no open device that goes on by itself
 * (users enroll, Apple and the source answer, steps run), and a rollout that starts no more devices
 * (paused, waiting for a wave, every device started, or a window full of blocked devices).
 */
function adminNeeds(s: MigrationStatus): string[] {
  const id = s.migrationId;
  const f = s.inFlight;
  if (f.holdingSlots > f.waitingForAbmApproval) return [];
  // Visibility trails the starts: a device started a moment ago may not be listed yet.
  if (s.started !== undefined && s.devices < s.started) return [];
  const needs: string[] = [];
  switch (s.state) {
    case 'paused':
      needs.push(`resume the rollout: ferry resume ${id}`);
      break;
    case 'waiting_for_wave':
      needs.push(`approve the next wave: ferry approve-wave ${id}`);
      break;
    case 'rolling_out':
      if (f.concurrency === undefined || f.holdingSlots < f.concurrency) return [];
      break;
    case 'finishing':
    case 'no_fleet':
      break;
    default:
      return [];
  }
  const abm = s.rollout?.abm;
  if (f.waitingForAbmApproval > 0) {
    needs.push(
      abm?.error
        ? `${f.waitingForAbmApproval} devices wait for the bulk ABM assignment, stopped: ${abm.error}; fix it, then ferry approve-abm ${id}`
        : `${f.waitingForAbmApproval} devices wait for the bulk ABM assignment: ferry approve-abm ${id}`,
    );
  }
  if (f.failedWaitingForAdmin > 0) {
    needs.push(
      `${f.failedWaitingForAdmin} failed devices: fix the cause, then ferry retry ${id} --status failed (or ferry cancel ${id} --status failed)`,
    );
  }
  return needs;
}
