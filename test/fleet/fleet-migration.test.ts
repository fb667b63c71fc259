import { runningDevicesQuery } from '../../src/temporal/visibility-queries';
import {
  approveWave,
  cancelMigration,
  fleetWorkflowId,
  pauseMigration,
  resumeMigration,
  startAll,
} from '../../src/workflows/fleet/messages';
import { FailureReason, getDeviceState } from '../../src/workflows/device/messages';
import { recordHistory } from '../helpers/devices';
import { fleetSuitePerFile } from '../helpers/temporal';
import { eventually } from '../helpers/eventually';
import { fleetHarness, pause, progressOf, rejection } from './harness';

const { env, store } = fleetSuitePerFile('ferry-fleet-');
const { withFleet, deviceRuns, deviceRunsListed } = fleetHarness(env, store);

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
