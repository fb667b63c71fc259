import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import {
  approveAbmAssignment,
  approveWave,
  cancelMigration,
  fleetWorkflowId,
  pauseMigration,
  resumeMigration,
  startAll,
  type FleetProgress,
} from '../../workflows/fleet/messages';
import { EXIT_FAILED, EXIT_OK, type Command } from './command';
import { loginName, migrationArg, stringFlag } from './flags';
import { withTemporal } from './temporal-session';

/** Admin actions on a whole migration (its fleet workflow): the rollout, not the devices' own steps. */
const ACTIONS = {
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
export type MigrationActionName = keyof typeof ACTIONS;

/** The rollout in one line: what `status` shows and an action answers with. */
export function rolloutText(p: FleetProgress): string {
  const state = p.cancelled
    ? 'cancelled'
    : p.paused
      ? 'paused'
      : p.waitingForWaveApproval
        ? 'waiting for wave approval'
        : 'rolling out';
  const abm = p.abm ? `; ABM assignment ${abmState(p.abm)}` : '';
  return `${p.started}/${p.total} devices started, ${state}${abm}`;
}

/** The bulk ABM assignment in one line (status and the approve-abm answer). */
export function abmState(abm: NonNullable<FleetProgress['abm']>): string {
  if (abm.error) return `stopped: ${abm.error}`;
  if (!abm.approved) return 'waiting for approval (ferry approve-abm)';
  const counts = `${abm.assigned} assigned, ${abm.notAssigned} not moved by Apple`;
  return `approved by ${abm.approvedBy ?? 'an admin'}; ${abm.batches} batches: ${counts}`;
}

export function migrationActionCommand(name: MigrationActionName): Command {
  const action = ACTIONS[name];
  return {
    usage: `Usage: ferry ${name} MIGRATION [--by NAME] [--reason TEXT]\n\n${action.what}`,
    options: { by: { type: 'string' }, reason: { type: 'string' } },
    allowPositionals: true,
    async run({ values, positionals }, io) {
      const migrationId = migrationArg(positionals);
      const request = {
        by: stringFlag(values, 'by') ?? loginName(),
        reason: stringFlag(values, 'reason'),
      };
      return withTemporal(async (client) => {
        const handle = client.workflow.getHandle(fleetWorkflowId(migrationId));
        try {
          const progress = await handle.executeUpdate(action.update, { args: [request] });
          io.out(`${migrationId}: ${name} done: ${rolloutText(progress)}`);
          return EXIT_OK;
        } catch (err) {
          if (err instanceof WorkflowNotFoundError) {
            io.err(`ferry ${name}: no migration "${migrationId}" (no running fleet workflow)`);
          } else if (err instanceof WorkflowUpdateFailedError) {
            io.err(`ferry ${name}: ${migrationId}: ${err.cause?.message ?? err.message}`);
          } else throw err;
          return EXIT_FAILED;
        }
      });
    },
  };
}
