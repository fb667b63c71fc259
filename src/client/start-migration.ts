import {
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type Client,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import type { migrateFleet } from '../workflows/fleet/workflow';
import { fleetWorkflowId, type FleetRollout } from '../workflows/fleet/messages';
import { fleetInputProblems } from '../workflows/fleet/rollout';
import type { AdminActor, DeviceInput, MigrationOptions } from '../workflows/device/messages';
import type { MigrationStore } from '../services/device-lists/store';

export interface StartMigrationRequest {
  migrationId: string;
  name: string;
  /** Already validated (src/client/device-list.ts). */
  devices: DeviceInput[];
  options: MigrationOptions;
  rollout: FleetRollout;
  /** Who starts it (a login name or the console's admin), kept in the fleet's input. */
  startedBy?: string;
  /** Who starts it, structured (the console's signed-in person, the CLI's OS login and Temporal identity). */
  startedActor?: AdminActor;
}

/**
 * Saves the device list, then starts the migration's fleet workflow. Running the same command twice
 * returns the running fleet; a finished migration id is refused by the server (REJECT_DUPLICATE), and
 * a different list under a running id by the store.
 */
export async function startFleetMigration(
  client: Client,
  store: MigrationStore,
  taskQueue: string,
  request: StartMigrationRequest,
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof migrateFleet>> {
  const { migrationId, name, devices, options, rollout, startedBy, startedActor } = request;
  const problems = fleetInputProblems({ migrationId, name, deviceCount: devices.length, rollout });
  if (problems.length > 0) throw new Error(`invalid rollout: ${problems.join('; ')}`);
  const { count } = await store.saveDeviceList(migrationId, devices);
  return client.workflow.start<typeof migrateFleet>('migrateFleet', {
    taskQueue,
    workflowId: fleetWorkflowId(migrationId),
    args: [
      {
        migrationId,
        name,
        deviceCount: count,
        options,
        rollout,
        ...(startedBy ? { startedBy } : {}),
        ...(startedActor ? { startedActor } : {}),
        startedAt: new Date().toISOString(),
      },
    ],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
  });
}
