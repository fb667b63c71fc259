import { runningDevicesQuery } from '../../src/temporal/visibility-queries';
import { cancelMigration } from '../../src/workflows/fleet/messages';
import { FailureReason } from '../../src/workflows/device/messages';
import { fleetSuitePerFile } from '../helpers/temporal';
import { recordHistory } from '../helpers/devices';
import { eventually } from '../helpers/eventually';
import { fleetHarness, OPTIONS, pause, progressOf } from './harness';

/** Issue #12: what fills the rollout window, and what must never hold it. */
const { env, store } = fleetSuitePerFile('ferry-stalls-');
const { withFleet, deviceRuns } = fleetHarness(env, store);

/** The most devices running at once over `ms`, sampled from visibility. */
async function maxRunningOver(migrationId: string, ms: number): Promise<number> {
  let max = 0;
  for (const until = Date.now() + ms; Date.now() < until; await pause(50)) {
    max = Math.max(max, (await env.client.workflow.count(runningDevicesQuery(migrationId))).count);
  }
  return max;
}

test('when devices that hold their slots fill the window, then one finishing makes room for exactly one', async () => {
  await withFleet(
    8,
    { concurrency: 3, batchSize: 5 },
    async ({ migrationId, devices, handle, world }) => {
      await eventually(
        () => env.client.workflow.count(runningDevicesQuery(migrationId)),
        (c) => c.count === 3,
        '3 running',
      );
      // Fifteen poll intervals with the window full: nothing more starts.
      expect(await maxRunningOver(migrationId, 1500)).toBe(3);
      expect(await progressOf(handle)).toMatchObject({ started: 3, nextOffset: 3, state: 'rolling_out' });

      // One device finishes: the rollout refills its slot, and only its slot (a window that forgot the
      // two devices still running would start three).
      world.neverEnrolls.delete(devices[0]!.serialNumber);
      await eventually(
        () => progressOf(handle),
        (p) => p.started >= 4,
        'a fourth device started',
      );
      expect(await maxRunningOver(migrationId, 1500)).toBe(3);
      expect(await progressOf(handle)).toMatchObject({ started: 4, nextOffset: 4 });

      world.neverEnrolls.clear();
      expect(await handle.result()).toMatchObject({ started: 8, notStarted: 0 });
    },
    true,
  );
});

test('when devices fail waiting for an admin, then they free their slots and the rollout starts every device', async () => {
  const missing = new Set([1, 2, 5, 6]);
  await withFleet(
    10,
    // Four failed devices would trip a breaker of 2 if a missing user counted as a tenant failure.
    { concurrency: 2, batchSize: 2, breakerFailures: 2 },
    async ({ migrationId, handle }) => {
      const progress = await eventually(
        () => progressOf(handle),
        (p) => p.nextOffset === 10,
        'every device started',
      );
      expect(progress).toMatchObject({ started: 10, state: 'finishing' });
      const runs = await eventually(
        () => deviceRuns(migrationId),
        (d) => d.filter((r) => r.status === 'COMPLETED').length === 6 && d.length === 10,
        '6 re-enrolled',
      );
      const failed = runs.filter((r) => r.ferryStatus === 'failed');
      expect(failed).toHaveLength(4);
      expect(
        failed.every((r) => r.status === 'RUNNING' && r.subStatus === FailureReason.TargetUserNotFound),
      ).toBe(true);
      // The failed devices still wait for an admin's retry: the fleet stays open for them.
      await pause(500);
      expect(await progressOf(handle)).toMatchObject({ state: 'finishing' });
      await handle.executeUpdate(cancelMigration, { args: [{ by: 'test' }] });
      expect(await handle.result()).toMatchObject({ started: 10, cancelled: true, devicesCancelled: 4 });
      await recordHistory(handle, 'fleet_failed_devices_free_slots');
    },
    {
      devices: (list) =>
        list.map((d, i) => (missing.has(i) ? { ...d, userEmail: `left.company${i}@corp.example` } : d)),
      options: { ...OPTIONS, durations: { ...OPTIONS.durations, failedRetention: '1 hour' } },
    },
  );
});

test('when Temporal refuses to start one device, then it is recorded as not started and the rest migrate', async () => {
  await withFleet(
    3,
    { concurrency: 2, batchSize: 3 },
    async ({ migrationId, handle }) => {
      expect(await handle.result()).toMatchObject({ started: 2, notStarted: 1, cancelled: false });
      expect(await progressOf(handle)).toMatchObject({ state: 'finished', started: 2, notStarted: 1 });
      const [refused, ...more] = await store.readNotStarted(migrationId);
      expect(more).toEqual([]);
      expect(refused).toMatchObject({ offset: 1, serialNumber: `${'X'.repeat(63)}…` });
      expect(refused!.reason).toMatch(/^Temporal refused to start the device: .*length/i);
      await recordHistory(handle, 'fleet_not_started');
    },
    { devices: (list) => list.map((d, i) => (i === 1 ? { ...d, serialNumber: 'X'.repeat(100_000) } : d)) },
  );
});
