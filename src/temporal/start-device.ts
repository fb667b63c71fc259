import {
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type Client,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import type { migrateDevice } from '../workflows/device/workflow';
import { deviceWorkflowId, type MigrateDeviceInput } from '../workflows/device/messages';
import type { SearchAttributePair } from '@temporalio/common';
import { FerryMigrationId, FerryPlatform, FerrySerial, FerryStatus } from '../workflows/search-attributes';

/**
 * Starts one device's workflow. The id is migration id + serial, so a device is never migrated twice at
 * once: starting it again returns the running workflow, and a device whose workflow already closed in
 * this migration is refused by the server (WorkflowExecutionAlreadyStartedError).
 */
export function startDeviceMigration(
  client: Client,
  taskQueue: string,
  input: MigrateDeviceInput,
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof migrateDevice>> {
  return client.workflow.start<typeof migrateDevice>('migrateDevice', {
    taskQueue,
    workflowId: deviceWorkflowId(input.migrationId, input.device.serialNumber),
    args: [input],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    typedSearchAttributes: deviceStartSearchAttributes(input),
  });
}

/** What a device workflow is listed by from its start, before it runs (whoever starts it). */
export function deviceStartSearchAttributes(input: MigrateDeviceInput): SearchAttributePair[] {
  return [
    { key: FerryMigrationId, value: input.migrationId },
    { key: FerrySerial, value: input.device.serialNumber },
    { key: FerryPlatform, value: input.device.platform },
    { key: FerryStatus, value: 'getting_ready' },
  ];
}
