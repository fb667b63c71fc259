import type { Client } from '@temporalio/client';
import { FerrySerial, FerryStatus, FerrySubStatus } from '../workflows/search-attributes';

export interface DeviceListing {
  workflowId: string;
  serialNumber: string;
  status: string;
  subStatus?: string;
  running: boolean;
}

/**
 * The devices of a migration as Temporal's visibility sees them, from one paged list call: the parent
 * never needs a signal per status change, and neither does this view.
 */
export async function listMigrationDevices(
  client: Client,
  migrationId: string,
  filter = '',
): Promise<DeviceListing[]> {
  const id = migrationId.replace(/'/g, "\\'");
  const query = `FerryMigrationId = '${id}' AND WorkflowType = 'migrateDevice'${filter ? ` AND ${filter}` : ''}`;
  const devices: DeviceListing[] = [];
  for await (const wf of client.workflow.list({ query })) {
    devices.push({
      workflowId: wf.workflowId,
      serialNumber: wf.typedSearchAttributes.get(FerrySerial) ?? wf.workflowId,
      status: wf.typedSearchAttributes.get(FerryStatus) ?? 'getting_ready',
      subStatus: wf.typedSearchAttributes.get(FerrySubStatus),
      running: wf.status.name === 'RUNNING',
    });
  }
  return devices;
}
