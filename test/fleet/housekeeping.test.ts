import { existsSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Client } from '@temporalio/client';
import { startFleetMigration } from '../../src/client/start-migration';
import { createLogger } from '../../src/logger';
import {
  removeEndedDeviceLists,
  scheduleHousekeeping,
  temporalFleetLookup,
} from '../../src/services/device-lists/housekeeping';
import { DEFAULT_MIGRATION_OPTIONS } from '../../src/workflows/device/messages';
import { device } from '../helpers/devices';
import { eventually } from '../helpers/eventually';
import { fleetSuitePerFile, uniqueTaskQueue } from '../helpers/temporal';

/**
 * Stored device lists go once their migration ended more than the retention ago (or never reached
 * Temporal and are older than it); a running migration's list stays whatever its age. Real fleet
 * workflows on the suite's dev server: one runs on a queue no worker polls, one is closed.
 */

const { env, store } = fleetSuitePerFile('ferry-housekeeping-');
const HOUR = 3_600_000;

const list = (id: string) => [device({ serialNumber: `${id.slice(-8).toUpperCase()}01` })];
const folderOf = (id: string) => path.join(store.dir, 'migrations', id);

/** Starts a fleet on a queue without a worker: it stays running until terminated. */
async function startFleet(migrationId: string) {
  return startFleetMigration(env.client, store, uniqueTaskQueue('housekeeping'), {
    migrationId,
    name: migrationId,
    devices: list(migrationId),
    options: DEFAULT_MIGRATION_OPTIONS,
    rollout: { concurrency: 1, approveWaves: false },
  });
}

/** Dates the saved list back, as if `ferry start` had saved it that long ago. */
function savedAgo(migrationId: string, ms: number): void {
  const at = new Date(Date.now() - ms);
  utimesSync(path.join(folderOf(migrationId), 'devices.jsonl'), at, at);
}

test('when migrations ended, run or never started, then only the lists past the retention go, a running one never', async () => {
  const suffix = Math.random().toString(36).slice(2, 8);
  const id = (what: string) => `hk-${what}-${suffix}`;
  const running = id('running');
  const closed = id('closed');
  const orphan = id('orphan');
  const fresh = id('fresh');
  const runningFleet = await startFleet(running);
  const closedFleet = await startFleet(closed);
  await closedFleet.terminate('ended');
  await store.saveDeviceList(orphan, list(orphan)); // a `ferry start` that never reached Temporal
  await store.saveDeviceList(fresh, list(fresh));
  await store.recordNotStarted(closed, [{ offset: 0, serialNumber: 'X', reason: 'refused' }]);
  for (const id of [running, closed, orphan]) savedAgo(id, 2 * HOUR);
  const sizes = Object.fromEntries(
    (await store.storedMigrations()).map((m) => [m.migrationId, m.bytes] as const),
  );
  const fleets = temporalFleetLookup(env.client);
  const ours = (ids: string[]) => ids.filter((id) => [running, closed, orphan, fresh].includes(id));
  try {
    // Retention 1 hour, now: the closed fleet closed a moment ago; the orphan is 2 hours old.
    const first = await removeEndedDeviceLists({ store, fleets, retentionMs: HOUR });
    expect(ours(first.removed.map((r) => r.migrationId))).toEqual([orphan]);
    expect(first.removed.find((r) => r.migrationId === orphan)).toEqual({
      migrationId: orphan,
      bytes: sizes[orphan],
      why: 'no migration workflow',
    });
    expect(first.errors).toEqual([]);
    expect(existsSync(folderOf(orphan))).toBe(false);

    // Two hours later: the closed fleet's list (and its not-started records) goes, and the fresh list
    // (now two hours old, no workflow); the running one stays.
    const later = () => Date.now() + 2 * HOUR;
    const second = await removeEndedDeviceLists({ store, fleets, retentionMs: HOUR, now: later });
    expect(ours(second.removed.map((r) => r.migrationId))).toEqual([closed, fresh]);
    expect(second.removed.find((r) => r.migrationId === closed)).toMatchObject({ why: 'ended' });
    expect(second.bytesFreed).toBe(second.removed.reduce((sum, r) => sum + r.bytes, 0));
    expect(sizes[closed]).toBeGreaterThan(sizes[fresh]!); // the not-started records counted too
    expect(existsSync(folderOf(closed))).toBe(false);

    // No retention at all, far in the future: a running migration's list still stays.
    const third = await removeEndedDeviceLists({
      store,
      fleets,
      retentionMs: 0,
      now: () => Date.now() + 1000 * HOUR,
    });
    expect(ours(third.removed.map((r) => r.migrationId))).toEqual([]);
    expect(existsSync(folderOf(running))).toBe(true);
    expect(await store.readDevicePage(running, 0, 10)).toEqual(list(running));
  } finally {
    await runningFleet.terminate('test over');
  }
});

test('when the worker schedules housekeeping, then a pass runs at once and logs counts and bytes; a failing lookup is logged, not thrown', async () => {
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger(
    { level: 'info', name: 'housekeeping-test' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    }),
  );
  const orphan = `hk-sched-${Math.random().toString(36).slice(2, 8)}`;
  await store.saveDeviceList(orphan, list(orphan));
  savedAgo(orphan, 2 * HOUR);
  const bytes = (await store.storedMigrations()).find((m) => m.migrationId === orphan)!.bytes;

  const scheduled = scheduleHousekeeping({
    store,
    fleets: temporalFleetLookup(env.client),
    retentionMs: HOUR,
    intervalMs: HOUR,
    logger,
  });
  await eventually(
    async () => logs.find((l) => l.msg === 'device list housekeeping done'),
    (done) => done !== undefined,
    'the first pass',
  );
  await scheduled.stop();
  expect(logs).toContainEqual(
    expect.objectContaining({ msg: 'removed a stored device list', migrationId: orphan, bytes }),
  );
  const done = logs.find((l) => l.msg === 'device list housekeeping done')!;
  expect(done).toMatchObject({ errors: 0, retentionMs: HOUR });
  expect(done.removed).toBeGreaterThanOrEqual(1);
  expect(done.bytesFreed).toBeGreaterThanOrEqual(bytes);

  // A namespace Temporal does not know: every lookup fails, every list stays, the pass still ends.
  const lost = `hk-lost-${Math.random().toString(36).slice(2, 8)}`;
  await store.saveDeviceList(lost, list(lost));
  savedAgo(lost, 2 * HOUR);
  logs.length = 0;
  const stranger = new Client({ connection: env.client.connection, namespace: 'no-such-namespace' });
  const failing = scheduleHousekeeping({
    store,
    fleets: temporalFleetLookup(stranger),
    retentionMs: HOUR,
    intervalMs: HOUR,
    logger,
  });
  await eventually(
    async () => logs.find((l) => l.msg === 'device list housekeeping done'),
    (d) => d !== undefined,
    'the failing pass',
  );
  await failing.stop();
  expect(logs).toContainEqual(
    expect.objectContaining({
      msg: 'device list housekeeping skipped a migration',
      migrationId: lost,
      level: 40,
    }),
  );
  expect(existsSync(folderOf(lost))).toBe(true);
});
