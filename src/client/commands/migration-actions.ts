import os from 'node:os';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import {
  approveWave,
  cancelMigration,
  fleetWorkflowId,
  pauseMigration,
  resumeMigration,
  startAll,
  type FleetProgress,
} from '../../workflows/fleet-messages';
import { EXIT_FAILED, EXIT_OK, type Command } from '../cli';
import { migrationArg, stringFlag } from './flags';
import { withTemporal } from './temporal-session';

/** Admin actions on a whole migration (its fleet workflow): the rollout, not the devices' own steps. */
const ACTIONS = {
  pause: { update: pauseMigration, what: 'Stops starting devices; running ones go on.' },
  resume: { update: resumeMigration, what: 'Starts devices again after a pause.' },
  'approve-wave': { update: approveWave, what: 'Lets the next wave of devices start.' },
  'start-all': { update: startAll, what: 'Drops waves and the start rate: every remaining device starts.' },
  'cancel-migration': {
    update: cancelMigration,
    what: 'Stops starting devices and cancels every running one ("Cancelled by admin").',
  },
};
export type MigrationActionName = keyof typeof ACTIONS;

function describe(p: FleetProgress): string {
  const state = p.cancelled
    ? 'cancelled'
    : p.paused
      ? 'paused'
      : p.waitingForWaveApproval
        ? 'waiting for wave approval'
        : 'rolling out';
  return `${p.started}/${p.total} devices started, ${state}`;
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
        by: stringFlag(values, 'by') ?? os.userInfo().username,
        reason: stringFlag(values, 'reason'),
      };
      return withTemporal(async (client) => {
        const handle = client.workflow.getHandle(fleetWorkflowId(migrationId));
        try {
          const progress = await handle.executeUpdate(action.update, { args: [request] });
          io.out(`${migrationId}: ${name} done: ${describe(progress)}`);
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
