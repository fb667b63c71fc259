import {
  WorkflowUpdateFailedError,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startFleetMigration } from '../../src/client/start-migration';
import type { MigrationStore } from '../../src/services/device-lists/store';
import type { migrateFleet } from '../../src/workflows/fleet/workflow';
import {
  getMigrationProgress,
  type FleetProgress,
  type FleetRollout,
} from '../../src/workflows/fleet/messages';
import {
  DEFAULT_DURATIONS,
  DEFAULT_MIGRATION_OPTIONS,
  type DeviceInput,
  type MigrationOptions,
} from '../../src/workflows/device/messages';
import { FerryStatus, FerrySubStatus } from '../../src/workflows/search-attributes';
import { device } from '../helpers/devices';
import { FakeWorld } from '../helpers/fake-world';
import { testWorker } from '../helpers/temporal';
import { eventually } from '../helpers/eventually';

/** The fleet workflow on the dev server (visibility, updates), over in-memory devices that finish fast. */

// Devices check the target every 200 ms, so a released device finishes within a fraction of a second.
export const OPTIONS: MigrationOptions = {
  ...DEFAULT_MIGRATION_OPTIONS,
  durations: {
    ...DEFAULT_DURATIONS,
    sourceRemovalCheckInterval: '200 ms',
    enrollmentCheckInterval: '200 ms',
  },
};

export interface Fleet {
  migrationId: string;
  devices: DeviceInput[];
  handle: WorkflowHandleWithFirstExecutionRunId<typeof migrateFleet>;
  world: FakeWorld;
}

export interface FleetSetUp {
  /** Holds every device in enrollment (holding its slot) until the test releases it. */
  gated?: boolean;
  /** Changes the generated list (e.g. a user the target lacks, a serial Temporal refuses). */
  devices?: (devices: DeviceInput[]) => DeviceInput[];
  options?: MigrationOptions;
}

export interface DeviceRun {
  workflowId: string;
  status: string;
  ferryStatus?: string;
  subStatus?: string;
}

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const progressOf = (h: WorkflowHandle) => h.query(getMigrationProgress);

export async function rejection(p: Promise<FleetProgress>): Promise<string | undefined> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return (err as WorkflowUpdateFailedError).cause?.message;
}

/** Runs fleets of in-memory devices on `env` with a worker that has the device and fleet activities. */
export function fleetHarness(env: TestWorkflowEnvironment, store: MigrationStore) {
  /** Runs a worker with the device and fleet activities while `fn` drives a fleet of `count` devices. */
  async function withFleet<T>(
    count: number,
    rollout: Partial<FleetRollout>,
    fn: (fleet: Fleet) => Promise<T>,
    setUp: FleetSetUp | boolean = {},
  ): Promise<T> {
    const {
      gated = false,
      devices: edit = (d: DeviceInput[]) => d,
      options = OPTIONS,
    } = typeof setUp === 'boolean' ? { gated: setUp } : setUp;
    const world = new FakeWorld();
    world.addUser('jane.doe@corp.example', 'jdoe');
    world.enrollDelayMs = 0;
    const migrationId = `fleet-${Math.random().toString(36).slice(2, 8)}`;
    const devices = edit(
      Array.from({ length: count }, (_, i) => device({ serialNumber: `${migrationId}-${i}` })),
    );
    if (gated) devices.forEach((d) => world.neverEnrolls.add(d.serialNumber));
    const { worker, taskQueue } = await testWorker(env, world.activities(), {
      prefix: 'fleet',
      fleet: { store },
    });
    return worker.runUntil(async () => {
      const handle = await startFleetMigration(env.client, store, taskQueue, {
        migrationId,
        name: 'test fleet',
        devices,
        options,
        rollout: { concurrency: 10, batchSize: 5, approveWaves: false, pollInterval: '100 ms', ...rollout },
      });
      return fn({ migrationId, devices, handle, world });
    });
  }

  async function deviceRuns(migrationId: string): Promise<DeviceRun[]> {
    const runs: DeviceRun[] = [];
    for await (const wf of env.client.workflow.list({ query: `FerryMigrationId = '${migrationId}'` })) {
      runs.push({
        workflowId: wf.workflowId,
        status: wf.status.name,
        ferryStatus: wf.typedSearchAttributes.get(FerryStatus),
        subStatus: wf.typedSearchAttributes.get(FerrySubStatus),
      });
    }
    return runs;
  }

  /** The device runs once visibility lists at least `count` (it can lag behind the fleet's end). */
  const deviceRunsListed = (migrationId: string, count: number) =>
    eventually(
      () => deviceRuns(migrationId),
      (d) => d.length >= count,
      `${count} devices listed`,
    );

  return { withFleet, deviceRuns, deviceRunsListed };
}
