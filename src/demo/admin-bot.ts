import type { Client, WorkflowHandle } from '@temporalio/client';
import type { DeviceRow } from '../client/commands/visibility';
import { FailureReason, confirmAbmReassignment, retryDevice } from '../workflows/device/messages';
import { approveAbmAssignment } from '../workflows/fleet/messages';
import type { AbmMode } from './args';
import { TARGET_TENANT, type SimulatedTenants } from './world';

/**
 * One thing the demo's admin did, in the order it did them (the JSON summary's `adminActions`). The
 * names follow the Ferry actions (`ferry confirm-abm`, `approve-abm`, `retry`); creating a user happens
 * on the target tenant, outside Ferry.
 */
export type AdminAction =
  | { action: 'approveAbm' }
  | { action: 'confirmAbm'; serial: string }
  | { action: 'createTargetUser'; serial: string }
  | { action: 'retry'; serial: string };

/** The summary's one line about them: "1 bulk ABM approval, 6 users created and retried". */
export function describeAdminActions(actions: AdminAction[]): string {
  const count = (name: AdminAction['action']) => actions.filter((a) => a.action === name).length;
  const approval =
    count('approveAbm') > 0
      ? `${count('approveAbm')} bulk ABM approval`
      : `${count('confirmAbm')} ABM confirmations`;
  return `${approval}, ${count('createTargetUser')} users created and retried`;
}

/**
 * Plays the admin a real migration needs: approves (or confirms device by device) the ABM reassignment
 * and creates a target user that is missing, then retries its device. Acts once per device and status.
 */
export class DemoAdmin {
  readonly actions: AdminAction[] = [];
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
    const { actions, abm } = this;
    for (const d of devices.filter((x) => x.running && !this.acted.has(`${x.workflowId}:${x.status}`))) {
      const handle = this.client.workflow.getHandle(d.workflowId);
      const serial = d.serialNumber;
      if (d.status === 'abm_reassignment_pending' && abm !== 'confirm') {
        if (actions.some((a) => a.action === 'approveAbm')) continue;
        // One approval for the whole migration: Ferry assigns the waiting devices in bulk, batch by batch.
        await this.fleet.executeUpdate(approveAbmAssignment, { args: [{ by: 'demo admin' }] });
        actions.push({ action: 'approveAbm' });
        this.say(
          `  admin: approved the bulk ABM assignment${abm === 'deadline' ? ' with a migration deadline' : ''}`,
        );
      } else if (d.status === 'abm_reassignment_pending') {
        // The admin reassigned the device in Apple Business Manager and says so.
        await handle.executeUpdate(confirmAbmReassignment, { args: [{ by: 'demo admin' }] });
        actions.push({ action: 'confirmAbm', serial });
        this.say(`  admin: confirmed ABM reassignment of ${serial}`);
      } else if (d.status === 'failed' && d.subStatus === FailureReason.TargetUserNotFound) {
        this.tenants.sim.addUser(TARGET_TENANT, { email: this.emailOf.get(serial)! });
        actions.push({ action: 'createTargetUser', serial });
        await handle.executeUpdate(retryDevice, { args: [{ by: 'demo admin', reason: 'user created' }] });
        actions.push({ action: 'retry', serial });
        this.say(`  admin: created the missing target user of ${serial} and retried it`);
      } else continue;
      this.acted.add(`${d.workflowId}:${d.status}`);
    }
  }
}
