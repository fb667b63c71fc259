import { NOT_YET } from '../../workflows/failures';
import type { TargetUserRef } from '../../workflows/device/messages';
import { KeyedBatcher, normalizeSerial } from '../../services/shared/keyed-batcher';
import { notYet } from '../typed-failures';
import type { TargetTenant } from '../../services/workspace-one/target-tenant';

export interface EnrolledDevice {
  deviceId: number;
  userId?: number;
  userName?: string;
}

export function createEnrollmentActivities(target: TargetTenant) {
  const batcher = new KeyedBatcher(
    async (serials) =>
      new Map(
        (await target.client.findDevicesBySerials(serials)).map((d) => [normalizeSerial(d.serialNumber), d]),
      ),
    { windowMs: 200, maxBatch: 500, normalize: normalizeSerial },
  );

  return {
    /** Retried at the polling interval until the target shows the device enrolled; reports to whom. */
    async awaitTargetEnrollment(input: { serialNumber: string }): Promise<EnrolledDevice> {
      const device = await batcher.get(input.serialNumber);
      if (device?.enrollmentStatus.toLowerCase() !== 'enrolled') {
        throw notYet(
          NOT_YET.enrollment,
          `device is ${device ? device.enrollmentStatus : 'not in the target yet'}`,
        );
      }
      return { deviceId: device.id, userId: device.userId, userName: device.userName };
    },

    /** Moves an ADE-enrolled device from the staging user to its user, then reads the assignment back. */
    async assignDeviceToUser(input: { serialNumber: string; deviceId: number; user: TargetUserRef }) {
      const before = await target.client.findDevice('Serialnumber', input.serialNumber);
      if (before?.userId !== input.user.id)
        await target.client.assignEnrollmentUser(input.deviceId, input.user.id);
      const after = await target.client.findDevice('Serialnumber', input.serialNumber);
      return { userId: after?.userId, userName: after?.userName };
    },
  };
}
