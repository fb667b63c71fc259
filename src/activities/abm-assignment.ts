import type { AppleBusinessManagerClient } from '../clients/apple-business-manager';
import type { AbmAssignmentChecker } from './ade';

/**
 * Apple Business Manager's own answer to "was this device reassigned to the target?": its assigned MDM
 * server, read back per device (Apple reports assignment activities COMPLETED even for serials it did
 * not move, so only the device's relationship counts). One GET per device per check: at Apple's
 * observed ~20 GETs a minute, keep the ABM check interval at an hour or more for large fleets; a 429
 * becomes the next retry delay.
 */
export class AbmTargetServerCheck implements AbmAssignmentChecker {
  constructor(
    private readonly client: AppleBusinessManagerClient,
    private readonly targetServerId: string,
  ) {}

  async isAssignedToTarget(serialNumber: string): Promise<boolean> {
    return (await this.client.getAssignedServerId(serialNumber)) === this.targetServerId;
  }
}
