import {
  WorkflowUpdateFailedError,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import { runningDevicesQuery } from '../../src/temporal/visibility-queries';
import { startFleetMigration } from '../../src/client/start-migration';
import type { migrateFleet } from '../../src/workflows/fleet/workflow';
import {
  approveWave,
  cancelMigration,
  fleetWorkflowId,
  getMigrationProgress,
  pauseMigration,
  resumeMigration,
  startAll,
  type FleetProgress,
  type FleetRollout,
} from '../../src/workflows/fleet/messages';
import {
  DEFAULT_DURATIONS,
  DEFAULT_MIGRATION_OPTIONS,
  FailureReason,
  getDeviceState,
  type DeviceInput,
  type MigrationOptions,
} from '../../src/workflows/device/messages';
import { FerryStatus } from '../../src/workflows/search-attributes';
import { device, recordHistory } from '../helpers/devices';
import { FakeWorld } from '../helpers/fake-world';
import { fleetSuitePerFile, testWorker } from '../helpers/temporal';
import { eventually } from '../helpers/eventually';

/** The fleet workflow on the dev server (visibility, updates), over in-memory devices that finish fast. */
const { env, store } = fleetSuitePerFile('ferry-fleet-');

// Devices check the target every 200 ms, so a released device finishes within a fraction of a second.
const OPTIONS: MigrationOptions = {
  ...DEFAULT_MIGRATION_OPTIONS,
  durations: {
    ...DEFAULT_DURATIONS,
    sourceRemovalCheckInterval: '200 ms',
    enrollmentCheckInterval: '200 ms',
  },
};

interface Fleet {
  migrationId: string;
  devices: DeviceInput[];
  handle: WorkflowHandleWithFirstExecutionRunId<typeof migrateFleet>;
  world: FakeWorld;
}

/** Runs a worker with the device and fleet activities while `fn` drives a fleet of `count` devices. */
async function withFleet<T>(
  count: number,
  rollout: Partial<FleetRollout>,
  fn: (fleet: Fleet) => Promise<T>,
  gated = false,
): Promise<T> {
  const world = new FakeWorld();
  world.addUser('jane.doe@corp.example', 'jdoe');
  world.enrollDelayMs = 0;
  const migrationId = `fleet-${Math.random().toString(36).slice(2, 8)}`;
  const devices = Array.from({ length: count }, (_, i) => device({ serialNumber: `${migrationId}-${i}` }));
  // A gated device waits for enrollment (holding its slot) until the test releases it.
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
      options: OPTIONS,
      rollout: { concurrency: 10, batchSize: 5, approveWaves: false, pollInterval: '100 ms', ...rollout },
    });
    return fn({ migrationId, devices, handle, world });
  });
}

interface DeviceRun {
  workflowId: string;
  status: string;
  ferryStatus?: string;
}

async function deviceRuns(migrationId: string): Promise<DeviceRun[]> {
  const runs: DeviceRun[] = [];
  for await (const wf of env.client.workflow.list({ query: `FerryMigrationId = '${migrationId}'` })) {
    runs.push({
      workflowId: wf.workflowId,
      status: wf.status.name,
      ferryStatus: wf.typedSearchAttributes.get(FerryStatus),
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

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const progressOf = (h: WorkflowHandle) => h.query(getMigrationProgress);

async function rejection(p: Promise<FleetProgress>): Promise<string | undefined> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return (err as WorkflowUpdateFailedError).cause?.message;
}

test('when 60 devices roll out 10 at a time, then the fleet crosses continue-as-new and starts each device once', async () => {
  const { summary, migrationId, maxRunning, elapsed } = await withFleet(
    60,
    { batchesPerRun: 3 },
    async (f) => {
      // Timed from here, once the worker is up: bundling the workflows is no part of the rollout's time.
      const startedAt = Date.now();
      let maxRunning = 0;
      let done = false;
      const sampling = (async () => {
        while (!done) {
          const { count } = await env.client.workflow.count(runningDevicesQuery(f.migrationId));
          maxRunning = Math.max(maxRunning, count);
          await pause(25);
        }
      })();
      const summary = await f.handle.result();
      const elapsed = Date.now() - startedAt;
      done = true;
      await sampling;
      await recordHistory(
        env.client.workflow.getHandle(f.handle.workflowId, f.handle.firstExecutionRunId),
        'fleet_rollout_first_run',
      );
      return { summary, migrationId: f.migrationId, maxRunning, elapsed };
    },
  );

  expect(summary).toMatchObject({ total: 60, started: 60, alreadyStarted: 0, cancelled: false });
  expect(summary.batches).toBeGreaterThanOrEqual(12);
  expect(maxRunning).toBeLessThanOrEqual(10);
  expect(maxRunning).toBeGreaterThan(1);

  const runs: { runId: string; status: string }[] = [];
  for await (const wf of env.client.workflow.list({
    query: `WorkflowId = '${fleetWorkflowId(migrationId)}'`,
  })) {
    runs.push({ runId: wf.runId, status: wf.status.name });
  }
  expect(runs.length).toBe(summary.runs);
  expect(runs.length).toBe(Math.ceil(summary.batches / 3));
  expect(runs.filter((r) => r.status === 'CONTINUED_AS_NEW')).toHaveLength(runs.length - 1);

  const events = await Promise.all(
    runs.map(
      async (r) =>
        (await env.client.workflow.getHandle(fleetWorkflowId(migrationId), r.runId).fetchHistory()).events!
          .length,
    ),
  );
  // Three batches per run: a run's history stays small whatever the fleet size.
  expect(Math.max(...events)).toBeLessThan(120);

  const devices = await eventually(
    () => deviceRuns(migrationId),
    (d) => d.every((r) => r.status === 'COMPLETED') && d.length === 60,
    'devices',
  );
  expect(new Set(devices.map((d) => d.workflowId)).size).toBe(60);
  expect(devices.every((d) => d.ferryStatus === 'reenrolled')).toBe(true);
  expect(elapsed).toBeLessThan(30_000);
});

test('when the migration is paused, then no device starts while the running ones finish, until it resumes', async () => {
  await withFleet(
    9,
    { concurrency: 3, batchSize: 3 },
    async ({ migrationId, devices, handle, world }) => {
      await eventually(
        () => progressOf(handle),
        (p) => p.started === 3,
        '3 started',
      );
      expect(await handle.executeUpdate(pauseMigration, { args: [{ by: 'ops' }] })).toMatchObject({
        paused: true,
        started: 3,
      });
      expect(await rejection(handle.executeUpdate(pauseMigration, { args: [{}] }))).toBe(
        'rejected: migration is already paused',
      );

      // The last device (not yet started) stays held until the second resume has been refused: otherwise
      // the fleet could finish first, and the update would find no running workflow.
      const held = devices[devices.length - 1]!.serialNumber;
      devices.slice(0, -1).forEach((d) => world.neverEnrolls.delete(d.serialNumber));
      await eventually(
        () => deviceRuns(migrationId),
        (d) => d.filter((r) => r.status === 'COMPLETED').length === 3,
        'running devices to finish',
      );
      await pause(600); // several poll intervals: a paused fleet would have started devices by now
      expect(await deviceRuns(migrationId)).toHaveLength(3);
      expect(await progressOf(handle)).toMatchObject({ paused: true, started: 3, nextOffset: 3 });

      expect(await handle.executeUpdate(resumeMigration, { args: [{ by: 'ops' }] })).toMatchObject({
        paused: false,
      });
      expect(await rejection(handle.executeUpdate(resumeMigration, { args: [{}] }))).toBe(
        'rejected: migration is not paused',
      );
      world.neverEnrolls.delete(held);
      expect(await handle.result()).toMatchObject({ started: 9, cancelled: false });
      await recordHistory(handle, 'fleet_pause_resume');
    },
    true,
  );
});

test('when waves need approval, then the second wave starts only after approveWave', async () => {
  await withFleet(8, { waveSize: 4, approveWaves: true, batchSize: 10 }, async ({ migrationId, handle }) => {
    await eventually(
      () => progressOf(handle),
      (p) => p.waitingForWaveApproval,
      'wave 2 to wait',
    );
    expect(await progressOf(handle)).toMatchObject({ wave: 2, waves: 2, started: 4 });
    await pause(600);
    expect(await deviceRuns(migrationId)).toHaveLength(4);

    const approved = await handle.executeUpdate(approveWave, { args: [{ by: 'change board' }] });
    expect(approved).toMatchObject({ waitingForWaveApproval: false });
    expect(await handle.result()).toMatchObject({ started: 8 });
    expect(await deviceRunsListed(migrationId, 8)).toHaveLength(8);
    await recordHistory(handle, 'fleet_waves');
  });
});

test('when devicesPerHour holds devices back, then startAll starts the rest at once', async () => {
  // 720 an hour is one per 5 s: after the first burst of 2, the next 2 would wait 10 s.
  await withFleet(8, { devicesPerHour: 720, batchSize: 2 }, async ({ migrationId, handle }) => {
    await eventually(
      () => progressOf(handle),
      (p) => p.started === 2,
      'first burst',
    );
    await pause(1500);
    expect(await progressOf(handle)).toMatchObject({ started: 2 });
    await handle.executeUpdate(startAll, { args: [{ by: 'ops' }] });
    expect(await handle.result()).toMatchObject({ started: 8 });
    expect(await deviceRunsListed(migrationId, 8)).toHaveLength(8);
    await recordHistory(handle, 'fleet_rate_start_all');
  });
});

test('when the migration is cancelled, then running devices end cancelled by admin and no new ones start', async () => {
  await withFleet(
    12,
    { concurrency: 4, batchSize: 2 },
    async ({ migrationId, handle }) => {
      await eventually(
        () => env.client.workflow.count(runningDevicesQuery(migrationId)),
        (c) => c.count === 4,
        '4 running',
      );
      expect(await handle.executeUpdate(cancelMigration, { args: [{ by: 'ops' }] })).toMatchObject({
        cancelled: true,
      });

      expect(await handle.result()).toMatchObject({
        cancelled: true,
        started: 4,
        devicesCancelled: 4,
        devicesSkipped: 0,
      });
      const devices = await deviceRuns(migrationId);
      expect(devices).toHaveLength(4);
      for (const d of devices) {
        const state = await env.client.workflow.getHandle(d.workflowId).query(getDeviceState);
        expect(state).toMatchObject({
          status: 'failed',
          subStatus: FailureReason.CancelledByAdmin,
          closed: true,
        });
        expect(state.adminActions).toContainEqual(
          expect.objectContaining({ action: 'cancel requested', by: 'ops' }),
        );
      }
      await recordHistory(handle, 'fleet_cancel');
    },
    true,
  );
});
