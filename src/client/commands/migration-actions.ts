import { WorkflowNotFoundError, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import {
  approveAbmAssignment,
  approveWave,
  cancelMigration,
  fleetWorkflowId,
  pauseMigration,
  resumeMigration,
  startAll,
  type FleetProgress,
  type FleetState,
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

/** The fleet's own state; runs that predate `state` (a worker on older code) are read from its flags. */
export function fleetStateOf(p: FleetProgress): FleetState {
  const state = (p as Partial<FleetProgress>).state;
  if (state) return state;
  if (p.cancelled) return 'cancelled';
  if (p.nextOffset >= p.total) return 'finishing';
  if (p.paused) return 'paused';
  return p.waitingForWaveApproval ? 'waiting_for_wave' : 'rolling_out';
}

/** "18/20 devices started (2 already started), 1 not started": every device the rollout got to. */
export function startedText(c: {
  started: number;
  alreadyStarted: number;
  total: number;
  notStarted?: number;
}): string {
  const already = c.alreadyStarted > 0 ? ` (${c.alreadyStarted} already started)` : '';
  const refused = c.notStarted ? `, ${c.notStarted} not started` : '';
  return `${c.started + c.alreadyStarted}/${c.total} devices started${already}${refused}`;
}

/** The state in words: who paused it, which wave waits. */
export function stateText(p: FleetProgress): string {
  switch (fleetStateOf(p)) {
    case 'rolling_out':
      return 'rolling out';
    case 'paused':
      return p.pause ? `paused by ${p.pause.by}` : 'paused';
    case 'waiting_for_wave':
      return `waiting for approval of wave ${p.wave} of ${p.waves}`;
    case 'finishing':
      return 'finishing (every device started; waiting for the open ones to close)';
    case 'finished':
      return 'finished';
    case 'cancelled':
      return 'cancelled';
  }
}

/** The rollout in one line: what `status` shows and an action answers with. */
export function rolloutText(p: FleetProgress): string {
  const abm = p.abm ? `; ABM assignment ${abmState(p.abm)}` : '';
  return `${startedText(p)}, ${stateText(p)}${abm}`;
}

/** The bulk ABM assignment in one line (status and the approve-abm answer). */
export function abmState(abm: NonNullable<FleetProgress['abm']>): string {
  if (abm.error) return `stopped: ${abm.error}`;
  if (!abm.approved) return 'waiting for approval (ferry approve-abm)';
  const counts = `${abm.assigned} assigned, ${abm.notAssigned} not moved by Apple`;
  return `approved by ${abm.approvedBy ?? 'an admin'}; ${abm.batches} batches: ${counts}`;
}

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
            io.err(`ferry ${name}: ${await whyNotRunning(handle, migrationId)}`);
          } else if (err instanceof WorkflowUpdateFailedError) {
            io.err(`ferry ${name}: ${migrationId}: ${err.cause?.message ?? err.message}`);
          } else throw err;
          return EXIT_FAILED;
        }
      });
    },
  };
}
