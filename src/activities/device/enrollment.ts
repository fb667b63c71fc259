import { NOT_YET } from '../../workflows/failures';
import type { TargetUserRef } from '../../workflows/device/messages';
import { Context } from '@temporalio/activity';
import { msToNumber } from '@temporalio/common/lib/time';
import { normalizeSerial } from '../../services/shared/keyed-batcher';
import { EnrollmentWatch } from './enrollment-watch';
import { StagingUserSwitchRefusedError } from '../../services/workspace-one';
import { notYet } from '../typed-failures';
import type { TargetTenant } from '../../services/workspace-one/target-tenant';

export interface EnrolledDevice {
  deviceId: number;
  userId?: number;
  userName?: string;
}

/** Who the target shows the device enrolled to after the switch; `refused`: why it stayed put. */
export interface UserAssignment {
  userId?: number;
  userName?: string;
  refused?: string;
}

/** The activity's polling interval (its retry interval, workflows/device/activities.ts `polling`). */
function pollingIntervalMs(): number {
  const interval = Context.current().info.retryPolicy?.initialInterval;
  return interval === undefined ? 60_000 : msToNumber(interval);
}

export function createEnrollmentActivities(target: TargetTenant) {
  const watch = new EnrollmentWatch(
    async (serials) =>
      new Map(
        (await target.client.findDevicesBySerials(serials)).map((d) => [normalizeSerial(d.serialNumber), d]),
      ),
  );

  return {
    /** Retried at the polling interval until the target shows the device enrolled; reports to whom. */
    async awaitTargetEnrollment(input: { serialNumber: string }): Promise<EnrolledDevice> {
      const device = await watch.get(input.serialNumber, pollingIntervalMs());
      if (device?.enrollmentStatus.toLowerCase() !== 'enrolled') {
        throw notYet(
          NOT_YET.enrollment,
          `device is ${device ? device.enrollmentStatus : 'not in the target yet'}`,
        );
      }
      watch.forget(input.serialNumber);
      return { deviceId: device.id, userId: device.userId, userName: device.userName };
    },

    /**
     * Moves an ADE-enrolled device from the staging user to its user, then reads the assignment back. A
     * device already on its user (an admin assigned it, or an earlier attempt did) is left alone. When the
     * target refuses the move (documented for single-staging devices), the device stays on the staging
     * user and `refused` says why, for the workflow to name the admin's action; never a silent success.
     */
    async assignDeviceToUser(input: {
      serialNumber: string;
      deviceId: number;
      user: TargetUserRef;
    }): Promise<UserAssignment> {
      const before = await target.client.findDevice('Serialnumber', input.serialNumber);
      let refused: string | undefined;
      if (before?.userId !== input.user.id) {
        try {
          await target.client.assignEnrollmentUser(input.deviceId, input.user.id);
        } catch (err) {
          if (!(err instanceof StagingUserSwitchRefusedError)) throw err;
          refused = StagingUserSwitchRefusedError.REASON;
        }
      }
      const after = await target.client.findDevice('Serialnumber', input.serialNumber);
      // Read back: a refusal of a device that is on its user after all (assigned meanwhile) is moot.
      const assigned = after?.userId === input.user.id;
      return { userId: after?.userId, userName: after?.userName, ...(refused && !assigned && { refused }) };
    },
  };
}
