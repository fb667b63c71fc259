import { heartbeat } from '@temporalio/activity';
import type { AbmTargetServerCheck } from './abm-assignment';
import { KeyedBatcher } from './keyed-batcher';

interface Undone {
  /** The unassignment that covered the device; absent when ABM did not show it on the target. */
  activityId?: string;
  stillOnTarget: boolean;
}

/**
 * One ABM unassignment for all devices cancelled within a few seconds of each other (a cancelled
 * migration cancels them together), where one each would outrun Apple's ~10 activity requests an hour.
 * Looks before it acts and reads back, with one list of the target server's devices each time.
 */
function unassignBatcher(abm: AbmTargetServerCheck): KeyedBatcher<Undone> {
  return new KeyedBatcher(
    async (serials) => {
      const before = await abm.serialsOnTarget();
      const onTarget = serials.filter((s) => before.has(s));
      if (onTarget.length === 0) return new Map();
      const activity = await abm.runActivity({
        activityType: 'UNASSIGN_DEVICES',
        serials: onTarget,
        progress: () => undefined,
      });
      const after = await abm.serialsOnTarget();
      return new Map(onTarget.map((s) => [s, { activityId: activity.id, stillOnTarget: after.has(s) }]));
    },
    { windowMs: 2_000, maxBatch: 1_000 },
  );
}

/** The device workflow's ABM activity: undoing an assignment Ferry made, when the device is cancelled. */
export function createAbmRollbackActivities(abm?: AbmTargetServerCheck) {
  const batcher = abm && unassignBatcher(abm);
  return {
    /** Unassigns the device from the target's MDM server, so it does not move there at its deadline. */
    async undoAbmAssignment(input: { serialNumber: string }): Promise<{ detail: string }> {
      if (!batcher) {
        return { detail: 'no ABM credentials on the worker: unassign the device in Apple Business Manager' };
      }
      const beat = setInterval(() => heartbeat(), 10_000);
      let undone: Undone | undefined;
      try {
        undone = await batcher.get(input.serialNumber);
      } finally {
        clearInterval(beat);
      }
      if (!undone) return { detail: 'ABM shows the device off the target MDM server: nothing to undo' };
      return undone.stillOnTarget
        ? {
            detail: `ABM still shows the device on the target MDM server after activity ${undone.activityId}: unassign it in Apple Business Manager`,
          }
        : { detail: `unassigned from the target MDM server in ABM (activity ${undone.activityId})` };
    },
  };
}
