import { randomUUID } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { bytesText } from '../../src/client/migration-files';
import { startFleetMigration } from '../../src/client/start-migration';
import { startDeviceMigration } from '../../src/temporal/start-device';
import { migrationDevicesQuery } from '../../src/temporal/visibility-queries';
import {
  DEFAULT_MIGRATION_OPTIONS,
  type DeviceInput,
  type MigrationOptions,
} from '../../src/workflows/device/messages';
import { fleetWorkflowId, type FleetRollout } from '../../src/workflows/fleet/messages';
import { device } from '../helpers/devices';
import { until } from '../helpers/eventually';
import { FakeWorld } from '../helpers/fake-world';
import { fleetSuitePerFile, testWorker, uniqueTaskQueue } from '../helpers/temporal';
import { ferry, lines, type Run } from './fleet-fixture';

/**
 * `ferry status MIGRATION` tells the truth about the migration as a whole: no such migration, no worker,
 * finished, what holds the slots, the devices not started, what is stored, and when a watch is over.
 * Each migration runs through the real fleet workflow on the suite's dev server.
 */

const { env, store } = fleetSuitePerFile('ferry-status-');
const cli = () => ({ env: { FERRY_STATE_DIR: store.dir } });

const OPTIONS: MigrationOptions = {
  ...DEFAULT_MIGRATION_OPTIONS,
  durations: { ...DEFAULT_MIGRATION_OPTIONS.durations, enrollmentCheckInterval: '500 ms' },
};
const ROLLOUT: FleetRollout = { concurrency: 10, approveWaves: false, pollInterval: '200 ms' };

const newId = (what: string) => `${what}-${randomUUID().slice(0, 8)}`;
const json = (run: Run) => JSON.parse(run.stdout) as Record<string, unknown>;

function storedBytes(migrationId: string): number {
  const folder = path.join(store.dir, 'migrations', migrationId);
  return readdirSync(folder).reduce((sum, f) => sum + statSync(path.join(folder, f)).size, 0);
}

/** Terminates what a test left running (failed devices wait 30 days for an admin). */
async function terminateAll(client: Client, migrationId: string): Promise<void> {
  const query = `${migrationDevicesQuery(migrationId)} AND ExecutionStatus = 'Running'`;
  for await (const wf of client.workflow.list({ query })) {
    await client.workflow
      .getHandle(wf.workflowId)
      .terminate('test over')
      .catch(() => undefined);
  }
  await client.workflow
    .getHandle(fleetWorkflowId(migrationId))
    .terminate('test over')
    .catch(() => undefined);
}

/** Resolves with the run, or with undefined if it is still going after `ms`. */
function within(ms: number, run: Promise<Run>): Promise<Run | undefined> {
  return Promise.race([run, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms).unref())]);
}

test('when no migration has the id, then status says so and exits 1; a saved list that never started is named', async () => {
  const unknown = newId('nothing');
  const orphan = newId('orphan');
  await store.saveDeviceList(orphan, [device({ serialNumber: 'ORPHAN0001' })]);
  const [none, saved] = await Promise.all([
    ferry(['status', unknown], cli()),
    ferry(['status', orphan], cli()),
  ]);
  expect(none).toEqual({
    code: 1,
    stdout: '',
    stderr: `ferry status: no such migration "${unknown}" (no migration workflow and no devices found)\n`,
  });
  expect(saved.code).toBe(1);
  expect(saved.stderr).toBe(
    `ferry status: no such migration "${orphan}" (no migration workflow and no devices found; ` +
      `${bytesText(storedBytes(orphan))} saved for it in ${store.dir}: its start never reached Temporal?)\n`,
  );
});

test('when no worker polls the task queue, then status says so at once, with the devices not started and what is stored', async () => {
  const migrationId = newId('noworker');
  const taskQueue = uniqueTaskQueue('nobody');
  const long = `LONG${'X'.repeat(60)}`;
  const devices = [
    device({ serialNumber: 'NOWORK0001' }),
    device({ serialNumber: long, platform: 'android' }),
  ];
  await startFleetMigration(env.client, store, taskQueue, {
    migrationId,
    name: 'no worker',
    devices,
    options: OPTIONS,
    rollout: ROLLOUT,
  });
  // What a worker records when Temporal refuses to start a device (here: written as the worker would).
  const reason = 'Temporal refused to start it: workflow id too long';
  await store.recordNotStarted(migrationId, [{ offset: 1, serialNumber: long, reason }]);
  try {
    const began = Date.now();
    const human = await ferry(['status', migrationId], cli());
    const took = Date.now() - began;
    const [asJson, watch, listed, refusedOnly, report] = await Promise.all([
      ferry(['status', migrationId, '--json'], cli()),
      within(30_000, ferry(['status', migrationId, '--watch', '--interval', '0.3'], cli())),
      ferry(['devices', migrationId, '--json'], cli()),
      ferry(['devices', migrationId, '--status', 'not_started'], cli()),
      ferry(['report', migrationId, '--format', 'json'], cli()),
    ]);
    expect(human.code).toBe(1);
    // Without a worker the progress query would wait for its 10 s timeout: the pollers answer at once.
    expect(took).toBeLessThan(10_000);
    const bytes = storedBytes(migrationId);
    expect(lines(human.stdout)).toEqual([
      `Migration ${migrationId}: 0 devices, 0 open`,
      `[${'.'.repeat(30)}] 0/1 closed`,
      `Temporal is reachable but no worker polls task queue ${taskQueue}: start one with \`npm run worker\` (see docs/operations.md).`,
      'In flight: 0 in flight of 10',
      `Not started: 1 device Temporal refused to start (ferry devices ${migrationId} --status not_started):`,
      `  ${long}  ${reason}`,
      expect.stringMatching(
        new RegExp(
          `^Stored: ${bytesText(bytes)} in ${store.dir} \\(device list saved \\d{4}-\\d\\d-\\d\\dT.*\\)$`,
        ),
      ),
    ]);
    expect(json(asJson)).toMatchObject({
      migrationId,
      state: 'no_worker',
      devices: 0,
      fleet: { taskQueue, execution: 'RUNNING', workerPolling: false, concurrency: 10 },
      notStarted: { count: 1, devices: [{ offset: 1, serialNumber: long, reason, platform: 'android' }] },
      stored: { dir: store.dir, bytes },
    });
    expect(asJson.code).toBe(1);
    expect(watch).toMatchObject({ code: 1 });
    expect(watch!.stdout).toContain(`no worker polls task queue ${taskQueue}`);
    expect(JSON.parse(listed.stdout)).toEqual([
      {
        serialNumber: long,
        platform: 'android',
        status: 'not_started',
        subStatus: reason,
        open: false,
        workflowId: null,
      },
    ]);
    expect(lines(refusedOnly.stdout)).toEqual([
      expect.stringMatching(/^SERIAL +PLATFORM +STATUS +SUB-STATUS$/),
      expect.stringMatching(new RegExp(`^${long} +android +not_started +${reason}$`)),
      '1 of 1 device',
    ]);
    expect(JSON.parse(report.stdout)).toEqual([
      expect.objectContaining({
        migration_id: migrationId,
        serial_number: long,
        status: 'not_started',
        sub_status: reason,
        reenrolled_at: '',
      }),
    ]);
  } finally {
    await terminateAll(env.client, migrationId);
  }
});

test('when a migration finished, then status says when, with its final counts, also with no worker left', async () => {
  const migrationId = newId('finished');
  const world = new FakeWorld();
  world.enrollDelayMs = 0;
  world.addUser('jane.doe@corp.example');
  const devices = [device({ serialNumber: 'DONE000001' }), device({ serialNumber: 'DONE000002' })];
  const { worker, taskQueue } = await testWorker(env, world.activities(), {
    prefix: 'done',
    fleet: { store },
  });
  let closedAt = '';
  await worker.runUntil(async () => {
    // One device was migrated by hand before: the rollout finds it already started.
    const first = await startDeviceMigration(env.client, taskQueue, {
      migrationId,
      device: devices[0]!,
      options: OPTIONS,
    });
    await first.result();
    const fleet = await startFleetMigration(env.client, store, taskQueue, {
      migrationId,
      name: 'finished',
      devices,
      options: OPTIONS,
      rollout: ROLLOUT,
    });
    await fleet.result();
    closedAt = (await fleet.describe()).closeTime!.toISOString();
    await until(async () => (await ferry(['devices', migrationId], cli())).stdout.includes('2 devices'));
  });
  const [human, asJson] = await Promise.all([
    ferry(['status', migrationId], cli()),
    ferry(['status', migrationId, '--json'], cli()),
  ]);
  expect(human.code).toBe(0);
  expect(lines(human.stdout)).toEqual([
    `Migration ${migrationId} finished at ${closedAt}: 2 devices, 0 open`,
    expect.stringMatching(/^ {2}reenrolled +2$/),
    `[${'#'.repeat(30)}] 2/2 closed`,
    'Rollout: 2/2 devices started (1 already started), finished; 1 batch in 1 run',
    expect.stringMatching(/^Stored: .* \(device list saved .*\)$/),
  ]);
  expect(json(asJson)).toMatchObject({
    state: 'finished',
    total: 2,
    started: 2,
    alreadyStarted: 1,
    fleet: {
      execution: 'COMPLETED',
      closedAt,
      result: { total: 2, started: 1, alreadyStarted: 1, cancelled: false },
    },
  });
  // A rollout action on it says it ended, not that there is no such migration.
  const pause = await ferry(['pause', migrationId], cli());
  expect(pause.code).toBe(1);
  expect(pause.stderr).toBe(
    `ferry pause: migration "${migrationId}" has ended (completed at ${closedAt}): its rollout takes no more actions; act on its devices instead\n`,
  );
});

test('when failed devices wait for an admin, then they hold no slot, status says what holds them, and a watch ends once only an admin can move anything', async () => {
  const migrationId = newId('slots');
  const world = new FakeWorld();
  world.enrollDelayMs = 0;
  // In list order: two whose users are missing, two that wait for their users, one more missing.
  const serials = ['SLOT0MISS1', 'SLOT0MISS2', 'SLOT0WAIT1', 'SLOT0WAIT2', 'SLOT0MISS3'];
  const devices: DeviceInput[] = serials.map((s) =>
    device({ serialNumber: s, userEmail: `${s}@corp.example` }),
  );
  for (const s of serials.filter((x) => x.includes('WAIT'))) {
    world.addUser(`${s}@corp.example`);
    world.neverEnrolls.add(s);
  }
  const { worker, taskQueue } = await testWorker(env, world.activities(), {
    prefix: 'slots',
    fleet: { store },
  });
  try {
    await worker.runUntil(async () => {
      await startFleetMigration(env.client, store, taskQueue, {
        migrationId,
        name: 'slots',
        devices,
        options: OPTIONS,
        rollout: { ...ROLLOUT, concurrency: 2 },
      });
      let watchEnded = false;
      const watching = ferry(['status', migrationId, '--watch', '--interval', '0.3'], cli()).finally(
        () => (watchEnded = true),
      );
      const listed = () => ferry(['devices', migrationId, '--json'], cli()).then((r) => JSON.parse(r.stdout));
      await until(async () => {
        const rows = (await listed()) as { serialNumber: string; status: string }[];
        const by = new Map(rows.map((r) => [r.serialNumber, r.status]));
        return (
          by.get('SLOT0MISS2') === 'failed' &&
          by.get('SLOT0WAIT1') === 'reenrolling' &&
          by.get('SLOT0WAIT2') === 'reenrolling'
        );
      });
      const [human, asJson] = await Promise.all([
        ferry(['status', migrationId], cli()),
        ferry(['status', migrationId, '--json'], cli()),
      ]);
      expect(human.stdout).toMatch(/^Rollout: 4\/5 devices started, rolling out$/m);
      expect(human.stdout).toMatch(
        /^In flight: 2 in flight of 2: 2 waiting for users; 2 failed waiting for an admin \(not holding slots\)$/m,
      );
      expect(human.stdout).not.toContain('without an admin');
      expect(json(asJson)).toMatchObject({
        state: 'rolling_out',
        started: 4,
        inFlight: {
          holdingSlots: 2,
          concurrency: 2,
          groups: { 'waiting for users': 2 },
          failedWaitingForAdmin: 2,
        },
      });
      expect(watchEnded).toBe(false);

      // The users enroll: the last device starts and fails too, and only an admin can move the rest.
      world.neverEnrolls.clear();
      const watch = await within(60_000, watching);
      expect(watch).toMatchObject({ code: 0 });
      const last = watch!.stdout.slice(watch!.stdout.lastIndexOf(`Migration ${migrationId}`));
      expect(lines(last)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^Rollout: 5\/5 devices started, finishing/),
          'In flight: 0 in flight of 2; 3 failed waiting for an admin (not holding slots)',
          'Nothing more happens without an admin:',
          `  - 3 failed devices: fix the cause, then ferry retry ${migrationId} --status failed (or ferry cancel ${migrationId} --status failed)`,
        ]),
      );
    });
  } finally {
    await terminateAll(env.client, migrationId);
  }
});

test('when an admin pauses a migration, then status says who and how to resume; a watch ends once the open devices are done', async () => {
  const migrationId = newId('paused');
  const world = new FakeWorld();
  world.enrollDelayMs = 0;
  world.addUser('jane.doe@corp.example');
  const devices = ['PAUSE00001', 'PAUSE00002', 'PAUSE00003'].map((s) => device({ serialNumber: s }));
  devices.forEach((d) => world.neverEnrolls.add(d.serialNumber));
  const { worker, taskQueue } = await testWorker(env, world.activities(), {
    prefix: 'pause',
    fleet: { store },
  });
  try {
    await worker.runUntil(async () => {
      await startFleetMigration(env.client, store, taskQueue, {
        migrationId,
        name: 'paused',
        devices,
        options: OPTIONS,
        rollout: { ...ROLLOUT, concurrency: 1 },
      });
      await until(async () => (await ferry(['devices', migrationId], cli())).stdout.includes('reenrolling'));
      expect(await ferry(['pause', migrationId, '--by', 'alice'], cli())).toMatchObject({ code: 0 });
      const paused = await ferry(['status', migrationId], cli());
      expect(paused.stdout).toMatch(/^Rollout: 1\/3 devices started, paused by alice$/m);
      expect(paused.stdout).toMatch(
        new RegExp(`^ {2}Paused by alice at \\d{4}-.*Z\\. Continue with: ferry resume ${migrationId}$`, 'm'),
      );
      // The started device still moves by itself: nothing to wait for an admin yet.
      expect(paused.stdout).not.toContain('without an admin');

      world.neverEnrolls.clear();
      const watch = await within(
        60_000,
        ferry(['status', migrationId, '--watch', '--interval', '0.3'], cli()),
      );
      expect(watch).toMatchObject({ code: 0 });
      expect(lines(watch!.stdout).slice(-2)).toEqual([
        'Nothing more happens without an admin:',
        `  - resume the rollout: ferry resume ${migrationId}`,
      ]);
    });
  } finally {
    await terminateAll(env.client, migrationId);
  }
});

test('when the circuit breaker pauses a migration, then status gives its reason, device count and fix, then ferry resume', async () => {
  const migrationId = newId('breaker');
  const world = new FakeWorld();
  world.enrollDelayMs = 0;
  world.addUser('jane.doe@corp.example');
  world.androidEnterpriseRegistered = false;
  const devices = ['AE00000001', 'AE00000002', 'AE00000003', 'AE00000004'].map((s) =>
    device({ serialNumber: s, platform: 'android', enrollmentKind: 'fully_managed' }),
  );
  const { worker, taskQueue } = await testWorker(env, world.activities(), {
    prefix: 'trip',
    fleet: { store },
  });
  try {
    await worker.runUntil(async () => {
      await startFleetMigration(env.client, store, taskQueue, {
        migrationId,
        name: 'breaker',
        devices,
        options: OPTIONS,
        rollout: { ...ROLLOUT, concurrency: 1, batchSize: 1, breakerFailures: 2 },
      });
      const watch = await within(
        60_000,
        ferry(['status', migrationId, '--watch', '--interval', '0.3'], cli()),
      );
      expect(watch).toMatchObject({ code: 0 });
      const last = lines(watch!.stdout.slice(watch!.stdout.lastIndexOf(`Migration ${migrationId}`)));
      const at = last.findIndex((l) => l.startsWith('  Paused by the circuit breaker'));
      expect(last.slice(at, at + 3)).toEqual([
        expect.stringMatching(
          /^ {2}Paused by the circuit breaker at \d{4}-.*Z: \d+ devices failed with "Android Enterprise not registered on the target"\.$/,
        ),
        expect.stringMatching(/^ {2}Fix: register Android Enterprise .+/),
        `  Then: ferry resume ${migrationId}`,
      ]);
      expect(last).toContain(`  - resume the rollout: ferry resume ${migrationId}`);
      expect(last.find((l) => l.startsWith('Rollout:'))).toMatch(/, paused by circuit breaker$/);
    });
  } finally {
    await terminateAll(env.client, migrationId);
  }
});
