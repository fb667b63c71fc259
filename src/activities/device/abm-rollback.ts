import { heartbeat } from '@temporalio/activity';
import type { AbmTargetServerCheck } from '../../services/abm/gateway';
import { KeyedBatcher } from '../../services/shared/keyed-batcher';

/** The ABM activities of one rollback, kept in heartbeats so that a retried attempt follows them. */
export interface AbmRollbackProgress {
  cancelActivityId?: string;
  returnActivityId?: string;
}

/**
 * Takes devices Ferry assigned back off the target's MDM server. First Apple's documented cancel of
 * their pending migration (a device with none, e.g. one assigned for an erase, fails only its own
 * line of Apple's log), then back to the source's server when the worker knows it, else unassigned:
 * an unassignment is not documented to cancel a migration, and an unassigned device would not
 * re-enroll anywhere after an erase. Two activity requests for the whole batch (Apple allows about
 * ten an hour).
 */
export async function rollBackAbmAssignment(
  abm: AbmTargetServerCheck,
  serials: string[],
  resume: AbmRollbackProgress,
  progress: (p: AbmRollbackProgress) => void,
): Promise<{ activityIds: string[]; returnedTo?: string }> {
  const done: AbmRollbackProgress = { ...resume };
  const cancel = await abm.runActivity({
    activityType: 'CANCEL_MDM_MIGRATION',
    serials,
    resume: done.cancelActivityId,
    progress: (id) => progress({ ...done, cancelActivityId: id }),
  });
  done.cancelActivityId = cancel.id;
  const returnedTo = abm.sourceServerId;
  const back = await abm.runActivity({
    activityType: returnedTo ? 'ASSIGN_DEVICES' : 'UNASSIGN_DEVICES',
    mdmServerId: returnedTo ?? abm.targetServerId,
    serials,
    resume: done.returnActivityId,
    progress: (id) => progress({ ...done, returnActivityId: id }),
  });
  return { activityIds: [cancel.id, back.id], returnedTo };
}

interface Undone {
  /** The rollback's ABM activities; absent when ABM did not show the device on the target. */
  activityIds?: string[];
  returnedTo?: string;
  stillOnTarget: boolean;
}

/**
 * One ABM rollback for all devices cancelled within a few seconds of each other (a cancelled
 * migration cancels them together), where one each would outrun Apple's ~10 activity requests an hour.
 * Looks before it acts and reads back, with one list of the target server's devices each time.
 */
function rollbackBatcher(abm: AbmTargetServerCheck): KeyedBatcher<Undone> {
  return new KeyedBatcher(
    async (serials) => {
      const before = await abm.serialsOnTarget();
      const onTarget = serials.filter((s) => before.has(s));
      if (onTarget.length === 0) return new Map();
      const rollback = await rollBackAbmAssignment(abm, onTarget, {}, () => undefined);
      const after = await abm.serialsOnTarget();
      return new Map(onTarget.map((s) => [s, { ...rollback, stillOnTarget: after.has(s) }]));
    },
    { windowMs: 2_000, maxBatch: 1_000 },
  );
}

function undoneDetail(undone: Undone | undefined): string {
  if (!undone?.activityIds) return 'ABM shows the device off the target MDM server: nothing to undo';
  const activities = `activities ${undone.activityIds.join(', ')}`;
  if (undone.stillOnTarget) {
    return `ABM still shows the device on the target MDM server after ${activities}: move it in Apple Business Manager`;
  }
  return undone.returnedTo
    ? `ABM migration cancelled and the device assigned back to MDM server ${undone.returnedTo} (${activities})`
    : `ABM migration cancelled and the device unassigned from the target MDM server (${activities})`;
}

/** The device workflow's ABM activity: undoing an assignment Ferry made, when the device is cancelled. */
export function createAbmRollbackActivities(abm?: AbmTargetServerCheck) {
  const batcher = abm && rollbackBatcher(abm);
  return {
    /** Takes the device back off the target's MDM server, so it does not move there at its deadline. */
    async undoAbmAssignment(input: { serialNumber: string }): Promise<{ detail: string }> {
      if (!batcher) {
        return { detail: 'no ABM credentials on the worker: unassign the device in Apple Business Manager' };
      }
      const beat = setInterval(() => heartbeat(), 10_000);
      try {
        return { detail: undoneDetail(await batcher.get(input.serialNumber)) };
      } finally {
        clearInterval(beat);
      }
    },
  };
}
