import { ApplicationFailure } from '@temporalio/common';
import { isFerryClientError } from '../clients/errors';
import type { WorkspaceOneClient } from '../clients/workspace-one';

export type SourceCommand = 'retire' | 'erase';

/** The tenant devices leave. One adapter per source product; absent for a manual migration. */
export interface SourceUem {
  readonly name: string;
  /** Sends the command unless the source already shows it pending or done (look before you act). */
  sendCommand(serialNumber: string, command: SourceCommand): Promise<{ sent: boolean; state: string }>;
  removalState(serialNumber: string): Promise<{ removed: boolean; state: string }>;
}

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
      throw ApplicationFailure.nonRetryable('the source device has no UUID to wipe by', 'SourceRefused');
    }
    try {
      if (command === 'retire') await this.client.enterpriseWipe(serialNumber);
      else await this.client.deviceWipe(device.uuid!);
    } catch (err) {
      // The source answered and said no: an admin must look (wipe protection, a locked device, …).
      if (isFerryClientError(err) && (err.type === 'InvalidRequest' || err.type === 'NotFound')) {
        throw ApplicationFailure.nonRetryable(err.message, 'SourceRefused');
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
