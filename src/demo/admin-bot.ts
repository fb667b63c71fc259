import type { Client, WorkflowHandle } from '@temporalio/client';
import type { DeviceRow } from '../client/commands/visibility';
import { confirmAbmReassignment, retryDevice } from '../workflows/device/messages';
import { approveAbmAssignment } from '../workflows/fleet/messages';
import type { AbmMode } from './args';
import { TARGET_TENANT, type SimulatedTenants } from './world';

/** What the demo's admin did, for the summary. */
export interface AdminTally {
  abmConfirmed: number;
  abmApproved: boolean;
  usersCreated: number;
}

/**
 * Plays the admin a real migration needs: approves (or confirms device by device) the ABM reassignment
 * and creates a target user that is missing, then retries its device. Acts once per device and status.
 */
export class DemoAdmin {
  readonly tally: AdminTally = { abmConfirmed: 0, abmApproved: false, usersCreated: 0 };
  private readonly acted = new Set<string>();
  private readonly emailOf: Map<string, string>;

  constructor(
    private readonly client: Client,
    private readonly fleet: WorkflowHandle,
    private readonly tenants: SimulatedTenants,
    private readonly abm: AbmMode,
    private readonly say: (message: string) => void,
  ) {
    this.emailOf = new Map(tenants.devices.map((d) => [d.serialNumber, d.userEmail]));
  }

  /** Acts on every running device that waits for an admin. */
  async actOn(devices: DeviceRow[]): Promise<void> {
    const { tally, abm } = this;
    for (const d of devices.filter((x) => x.running && !this.acted.has(`${x.workflowId}:${x.status}`))) {
      const handle = this.client.workflow.getHandle(d.workflowId);
      if (d.status === 'abm_reassignment_pending' && abm !== 'confirm') {
        if (tally.abmApproved) continue;
        // One approval for the whole migration: Ferry assigns the waiting devices in bulk, batch by batch.
        await this.fleet.executeUpdate(approveAbmAssignment, { args: [{ by: 'demo admin' }] });
        tally.abmApproved = true;
        this.say(
          `  admin: approved the bulk ABM assignment${abm === 'deadline' ? ' with a migration deadline' : ''}`,
        );
      } else if (d.status === 'abm_reassignment_pending') {
        // The admin reassigned the device in Apple Business Manager and says so.
        await handle.executeUpdate(confirmAbmReassignment, { args: [{ by: 'demo admin' }] });
        tally.abmConfirmed++;
        this.say(`  admin: confirmed ABM reassignment of ${d.serialNumber}`);
      } else if (d.status === 'failed' && d.subStatus === 'Target user not found') {
        this.tenants.sim.addUser(TARGET_TENANT, { email: this.emailOf.get(d.serialNumber)! });
        await handle.executeUpdate(retryDevice, { args: [{ by: 'demo admin', reason: 'user created' }] });
        tally.usersCreated++;
        this.say(`  admin: created the missing target user of ${d.serialNumber} and retried it`);
      } else continue;
      this.acted.add(`${d.workflowId}:${d.status}`);
    }
  }
}
