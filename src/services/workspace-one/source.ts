import { FailureType } from '../../workflows/failures';
import { isFerryClientError, SourceDeviceNotMatchedError, SourceRefusedError } from '../shared/errors';
import { mismatchOf, type SourceCommand, type SourceDeviceRef, type SourceUem } from '../shared/source-uem';
import type { WorkspaceOneClient } from './client';
import type { Ws1Device } from './schemas';

const PENDING_OR_GONE = ['enterprisewipepending', 'devicewipepending', 'unenrolled'];

/**
 * Workspace ONE UEM as the source: retire = EnterpriseWipe, erase = DeviceWipe. A command goes only to
 * the device read back by serial just before and matched: serial, and the device list's
 * source_device_id and udid where known. The EnterpriseWipe is addressed by that same serial (the
 * record read back is the one the tenant resolves it to), the DeviceWipe by the record's UUID.
 */
export class WorkspaceOneSource implements SourceUem {
  readonly name = 'workspace-one';
  constructor(private readonly client: WorkspaceOneClient) {}

  async sendCommand(ref: SourceDeviceRef, command: SourceCommand): Promise<{ sent: boolean; state: string }> {
    const device = await this.client.findDevice('Serialnumber', ref.serialNumber);
    if (!device) return { sent: false, state: 'not on source' };
    const mismatch = mismatchOf(ref, asRecord(device));
    if (mismatch) {
      throw new SourceDeviceNotMatchedError(
        `the source's device with this serial number is not the listed one (${mismatch}); nothing ` +
          'was sent. Cancel the device and migrate it again with the right source_device_id and udid',
      );
    }
    if (PENDING_OR_GONE.includes(device.enrollmentStatus.toLowerCase())) {
      return { sent: false, state: device.enrollmentStatus };
    }
    if (command === 'erase' && !device.uuid) {
      throw new SourceRefusedError('the source device has no UUID to wipe by');
    }
    try {
      if (command === 'retire') await this.client.enterpriseWipe(device.serialNumber);
      else await this.client.deviceWipe(device.uuid!);
    } catch (err) {
      // The source answered and said no: an admin must look (wipe protection, a locked device, …).
      if (
        isFerryClientError(err) &&
        (err.type === FailureType.InvalidRequest || err.type === FailureType.NotFound)
      ) {
        throw new SourceRefusedError(err.message);
      }
      throw err;
    }
    return { sent: true, state: command === 'retire' ? 'EnterpriseWipePending' : 'DeviceWipePending' };
  }

  /**
   * Removed when the serial is gone or its record is `Unenrolled`. A record that is not the listed
   * device (another id) says nothing about the listed one, which the search no longer shows: not removed.
   */
  async removalState(ref: SourceDeviceRef): Promise<{ removed: boolean; state: string }> {
    const device = await this.client.findDevice('Serialnumber', ref.serialNumber);
    if (!device) return { removed: true, state: 'not on source' };
    const mismatch = mismatchOf(ref, asRecord(device));
    if (mismatch) return { removed: false, state: `another record holds the serial number (${mismatch})` };
    return {
      removed: device.enrollmentStatus.toLowerCase() === 'unenrolled',
      state: device.enrollmentStatus,
    };
  }
}

const asRecord = (d: Ws1Device) => ({ serialNumber: d.serialNumber, id: String(d.id), udid: d.udid });
