import { activityInfo, heartbeat } from '@temporalio/activity';
import type { AbmTargetServerCheck } from './abm-assignment';

/** The device workflow's ABM activity: undoing an assignment Ferry made, when the device is cancelled. */
export function createAbmRollbackActivities(abm?: AbmTargetServerCheck) {
  return {
    /**
     * Unassigns the device from the target's MDM server, so it does not move there at its deadline. Looks
     * before it acts (a device not on the target is left alone) and reads the result back; the answer is
     * what the device's status shows.
     */
    async undoAbmAssignment(input: { serialNumber: string }): Promise<{ detail: string }> {
      if (!abm) {
        return { detail: 'no ABM credentials on the worker: unassign the device in Apple Business Manager' };
      }
      const resume = (activityInfo().heartbeatDetails as { activityId?: string } | undefined)?.activityId;
      if (!resume && !(await abm.isAssignedToTarget(input.serialNumber))) {
        return { detail: 'ABM shows the device off the target MDM server: nothing to undo' };
      }
      const activity = await abm.runActivity({
        activityType: 'UNASSIGN_DEVICES',
        serials: [input.serialNumber],
        resume,
        progress: (activityId) => heartbeat({ activityId }),
      });
      return (await abm.isAssignedToTarget(input.serialNumber))
        ? {
            detail: `ABM still shows the device on the target MDM server after activity ${activity.id}: unassign it in Apple Business Manager`,
          }
        : { detail: `unassigned from the target MDM server in ABM (activity ${activity.id})` };
    },
  };
}
