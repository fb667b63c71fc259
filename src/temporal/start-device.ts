import {
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type Client,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import type { migrateDevice } from '../workflows/device/workflow';
import {
  DEVICE_WORKFLOW_VERSION,
  FIRST_STATUS,
  deviceWorkflowId,
  type MigrateDeviceInput,
} from '../workflows/device/messages';
import type { SearchAttributePair } from '@temporalio/common';
import {
  FerryMigrationId,
  FerryPlatform,
  FerrySerial,
  FerryStatus,
  FerrySubStatus,
} from '../workflows/search-attributes';

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
    ...deviceStart(taskQueue, input),
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  });
}

/**
 * What every start of a device workflow sets (start, or signalWithStart with an admin's request): its id,
 * its input at the current workflow version, and its search attributes.
 */
export function deviceStart(taskQueue: string, input: MigrateDeviceInput) {
  return {
    taskQueue,
    workflowId: deviceWorkflowId(input.migrationId, input.device.serialNumber),
    args: [{ ...input, version: DEVICE_WORKFLOW_VERSION }] as [MigrateDeviceInput],
    typedSearchAttributes: deviceStartSearchAttributes(input),
  };
}

/** What a device workflow is listed by from its start, before it runs (whoever starts it). */
export function deviceStartSearchAttributes(input: MigrateDeviceInput): SearchAttributePair[] {
  return [
    { key: FerryMigrationId, value: input.migrationId },
    { key: FerrySerial, value: input.device.serialNumber },
    { key: FerryPlatform, value: input.device.platform },
    { key: FerryStatus, value: FIRST_STATUS.status },
    { key: FerrySubStatus, value: FIRST_STATUS.subStatus },
  ];
}
