import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import {
  approveAbmAssignment,
  approveWave,
  cancelMigration,
  fleetWorkflowId,
  pauseMigration,
  resumeMigration,
  startAll,
  type FleetProgress,
} from '../workflows/fleet/messages';
import type { AdminRequest } from '../workflows/device/messages';
import { rolloutText } from './rollout-text';

/**
 * Admin actions on a whole migration (its fleet workflow's updates): the rollout, not the devices' own
 * steps. `ferry pause|resume|…` and the console both act through runMigrationAction.
 */

export const MIGRATION_ACTIONS = {
  pause: { update: pauseMigration, what: 'Stops starting devices; running ones go on.' },
  resume: { update: resumeMigration, what: 'Starts devices again after a pause.' },
  'approve-wave': { update: approveWave, what: 'Lets the next wave of devices start.' },
  'approve-abm': {
    update: approveAbmAssignment,
    what:
      'Lets Ferry assign the waiting ADE devices to the target in Apple Business Manager, in bulk\n' +
      '(abmAutoAssign, or the abm_deadline method with its migration deadline). Each device is read\n' +
      'back; one Apple did not move fails with "ABM assignment not done".',
  },
  'start-all': { update: startAll, what: 'Drops waves and the start rate: every remaining device starts.' },
  'cancel-migration': {
    update: cancelMigration,
    what: 'Stops starting devices and cancels every running one ("Cancelled by admin").',
  },
};
export type MigrationActionName = keyof typeof MIGRATION_ACTIONS;
export const MIGRATION_ACTION_NAMES = Object.keys(MIGRATION_ACTIONS) as MigrationActionName[];

/** Done: the fleet's progress after the update. Refused: the workflow's (or Temporal's) reason, in words. */
export type MigrationActionOutcome =
  { ok: true; progress: FleetProgress; message: string } | { ok: false; message: string };

/** An update found no running fleet: the migration ended, or there never was one. */
async function whyNotRunning(handle: WorkflowHandle, migrationId: string): Promise<string> {
  try {
    const { status, closeTime } = await handle.describe();
    const when = closeTime ? ` at ${closeTime.toISOString()}` : '';
    return `migration "${migrationId}" has ended (${status.name.toLowerCase()}${when}): its rollout takes no more actions; act on its devices instead`;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return `no such migration "${migrationId}"`;
    throw err;
  }
}

/** Sends the action's update to the migration's fleet; other errors (Temporal unreachable) throw. */
export async function runMigrationAction(
  client: Client,
  migrationId: string,
  name: MigrationActionName,
  request: AdminRequest,
): Promise<MigrationActionOutcome> {
  const handle = client.workflow.getHandle(fleetWorkflowId(migrationId));
  try {
    const progress = await handle.executeUpdate(MIGRATION_ACTIONS[name].update, { args: [request] });
    return { ok: true, progress, message: `${migrationId}: ${name} done: ${rolloutText(progress)}` };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) {
      return { ok: false, message: await whyNotRunning(handle, migrationId) };
    }
    if (err instanceof WorkflowUpdateFailedError) {
      return { ok: false, message: `${migrationId}: ${err.cause?.message ?? err.message}` };
    }
    throw err;
  }
}
