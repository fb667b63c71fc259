import type { DeviceRow } from '../client/commands/visibility';
import { bulkAbmBlocked, slotGroupOf } from '../client/in-flight';
import {
  ABM_BULK_WAITING,
  FailureReason,
  type DeviceInput,
  type DeviceState,
} from '../workflows/device/messages';
import type { FleetProgress } from '../workflows/fleet/messages';
import type { AbmMode, AdminMode } from './args';

/**
 * The rehearsal with nobody acting (`--admin none`): when it is over (no device can move without an
 * admin), what each device waits for, and what the scenario expects of each device.
 */

/** The admin action a device waits for, named as the demo's admin actions (and Ferry's commands). */
export type DeviceWait = 'retry' | 'confirmAbm' | 'approveAbm';

/** Why devices of the list have not started: the rollout itself waits for an admin. */
export type RolloutHold = 'resume' | 'approveWave' | 'slots';

/** Only what visibility and the device query both tell. */
type DeviceSnapshot = Pick<DeviceRow, 'status' | 'subStatus' | 'running'>;

/** What a running device waits for when only an admin can move it on; undefined when it moves by itself. */
export function deviceWait(d: DeviceSnapshot, fleet: Pick<FleetProgress, 'abm'>): DeviceWait | undefined {
  if (!d.running) return undefined;
  // A failed device stays open for failedRetention, for an admin to retry or cancel it.
  if (d.status === 'failed') return 'retry';
  if (d.status !== 'abm_reassignment_pending') return undefined;
  // Once approved, the fleet's bulk assignment moves the waiting devices without anyone, unless it
  // stopped on an error (no ABM credentials): approving again resumes it.
  if (d.subStatus === ABM_BULK_WAITING) {
    return !fleet.abm || bulkAbmBlocked(fleet.abm) ? 'approveAbm' : undefined;
  }
  // The demo gives the worker no ABM reads in --abm confirm: only the admin's confirmation moves it.
  return 'confirmAbm';
}

export function snapshotOf(state: DeviceState): DeviceSnapshot {
  return { status: state.status, subStatus: state.subStatus, running: !state.closed };
}

/** Whether a device counts against --concurrency: by the rule `ferry status` shows (a failed one does not). */
function holdsSlot(d: DeviceRow): boolean {
  return d.running && slotGroupOf(d) !== 'failed';
}

export interface Standstill {
  /** Devices the rollout has not started (besides those Temporal refused), held back by `hold`. */
  notYetStarted: number;
  hold?: RolloutHold;
}

/**
 * The rehearsal is over when every started device has closed or waits for an admin, and every device
 * of the list was started, refused by Temporal, or is held back by a rollout that waits for an admin
 * (paused, a wave to approve, or all its slots held by devices that wait for one). Undefined while
 * something can still move. Visibility may lag behind the fleet: a device it does not show yet keeps the
 * rehearsal going, since the slots are only full when the fleet could start no device beyond those shown.
 */
export function standstill(
  devices: DeviceRow[],
  fleet: Pick<FleetProgress, 'abm' | 'paused' | 'waitingForWaveApproval'>,
  refused: number,
  rollout: { total: number; concurrency: number },
): Standstill | undefined {
  if (devices.some((d) => d.running && deviceWait(d, fleet) === undefined)) return undefined;
  const notYetStarted = rollout.total - devices.length - refused;
  if (notYetStarted <= 0) return { notYetStarted: 0 };
  const hold: RolloutHold | undefined = fleet.paused
    ? 'resume'
    : fleet.waitingForWaveApproval
      ? 'approveWave'
      : devices.filter(holdsSlot).length >= rollout.concurrency
        ? 'slots'
        : undefined;
  return hold ? { notYetStarted, hold } : undefined;
}

/**
 * What the scenario expects of a device, in the words `outcomeOf` uses. With an admin every device
 * re-enrolls; with nobody, a device whose user the target lacks fails "Target user not found" (the first
 * step), an ADE iPhone waits in Apple Business Manager for the admin's approval or confirmation, and
 * every other device re-enrolls.
 */
export function expectedOutcome(
  device: DeviceInput,
  scenario: { admin: AdminMode; abm: AbmMode; targetHasUser: (email: string) => boolean },
): string {
  if (scenario.admin === 'auto') return 'reenrolled';
  if (!scenario.targetHasUser(device.userEmail)) return `failed: ${FailureReason.TargetUserNotFound}`;
  if (device.platform === 'ios' && device.enrollmentKind === 'ade') {
    return `waiting for ${scenario.abm === 'confirm' ? 'confirmAbm' : 'approveAbm'}`;
  }
  return 'reenrolled';
}

/** Where a device ended: 'reenrolled', 'failed: <reason>', 'waiting for <action>', or its status. */
export function outcomeOf(state: DeviceState, fleet: Pick<FleetProgress, 'abm'>): string {
  const wait = deviceWait(snapshotOf(state), fleet);
  if (state.status === 'failed') return `failed: ${state.subStatus ?? ''}`;
  if (wait) return `waiting for ${wait}`;
  return state.status;
}
