import { FailureType } from '../../workflows/failures';
import { isFerryClientError, SourceRefusedError } from '../shared/errors';
import type { SourceCommand, SourceUem } from '../shared/source-uem';
import type { WorkspaceOneClient } from './client';

const PENDING_OR_GONE = ['enterprisewipepending', 'devicewipepending', 'unenrolled'];

/** Workspace ONE UEM as the source: retire = EnterpriseWipe, erase = DeviceWipe. */
export class WorkspaceOneSource implements SourceUem {
  readonly name = 'workspace-one';
  constructor(private readonly client: WorkspaceOneClient) {}

  async sendCommand(serialNumber: string, command: SourceCommand): Promise<{ sent: boolean; state: string }> {
    const device = await this.client.findDevice('Serialnumber', serialNumber);
    if (!device) return { sent: false, state: 'not on source' };
    if (PENDING_OR_GONE.includes(device.enrollmentStatus.toLowerCase())) {
      return { sent: false, state: device.enrollmentStatus };
    }
    if (command === 'erase' && !device.uuid) {
      throw new SourceRefusedError('the source device has no UUID to wipe by');
    }
    try {
      if (command === 'retire') await this.client.enterpriseWipe(serialNumber);
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

  async removalState(serialNumber: string): Promise<{ removed: boolean; state: string }> {
    const device = await this.client.findDevice('Serialnumber', serialNumber);
    if (!device) return { removed: true, state: 'not on source' };
    return {
      removed: device.enrollmentStatus.toLowerCase() === 'unenrolled',
      state: device.enrollmentStatus,
    };
  }
}
