import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listDevices } from '../../src/client/commands/visibility';
import { startDeviceMigration } from '../../src/temporal/start-device';
import { FileMigrationStore } from '../../src/services/device-lists/store';
import { SOURCE_TENANT, startSimulatedTenants } from '../../src/demo/world';
import { getDeviceState } from '../../src/workflows/device/messages';
import { device, input } from '../helpers/devices';
import { worldWithUser } from '../helpers/device-workflow-env';
import { devServerEnvPerFile, testWorker } from '../helpers/temporal';
import { until } from '../helpers/eventually';
import { ferry, lines } from './fleet-fixture';

const env = devServerEnvPerFile();

const FAST_CHECKS = [
  '--enrollment-check-interval',
  '1s',
  '--ade-sync-check-interval',
  '1s',
  '--source-removal-check-interval',
  '1s',
];

test('when an admin starts an ABM-deadline migration and approves it with ferry approve-abm, then status shows the bulk assignment and every device moves', async () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-cli-abm-'));
  const tenants = await startSimulatedTenants(
    { devices: 20, seed: 11, missingTargetUserShare: 0 },
    { behaviour: { commandDelayMs: 200, enrollDelayMs: 200 }, abm: { assignDelayMs: 200 } },
  );
  const ade = tenants.devices.filter((d) => d.platform === 'ios' && d.enrollmentKind === 'ade');
  const file = path.join(stateDir, 'devices.csv');
  writeFileSync(
    file,
    [
      'serial_number,platform,enrollment_kind,user_email',
      ...ade.map((d) => `${d.serialNumber},ios,ade,${d.userEmail}`),
    ].join('\n'),
  );
  // One device held in the source keeps the fleet running until the second approval has been checked.
  const held = tenants.sim.migrationOf(SOURCE_TENANT, ade[0]!.serialNumber);
  held.neverEnrolls = true;
  const { worker, taskQueue } = await testWorker(env, tenants.activities, {
    prefix: 'cli-abm',
    fleet: { store: new FileMigrationStore(stateDir), abm: tenants.abm!.check },
  });
  const cliEnv = { FERRY_STATE_DIR: stateDir, FERRY_TASK_QUEUE: taskQueue };
  try {
    await worker.runUntil(async () => {
      const start = await ferry(
        [
          'start',
          '--name',
          'Deadline pilot',
          '--devices',
          file,
          '--ios-ade-method',
          'abm_deadline',
          '--abm-deadline-days',
          '21',
          '--poll-interval',
          '1s',
          '--abm-assign-interval',
          '1s',
          ...FAST_CHECKS,
        ],
        { env: cliEnv },
      );
      expect(start).toMatchObject({ code: 0 });
      const migrationId = lines(start.stdout).at(-1)!;
      await until(async () => {
        const devices = await listDevices(env.client, migrationId);
        return devices.length === ade.length && devices.every((d) => d.status === 'abm_reassignment_pending');
      });
      const waiting = await ferry(['status', migrationId], { env: cliEnv });
      expect(waiting.stdout).toMatch(
        /^Rollout: .*ABM assignment waiting for approval \(ferry approve-abm\)$/m,
      );

      const approved = await ferry(['approve-abm', migrationId, '--by', 'lead'], { env: cliEnv });
      expect(approved).toMatchObject({ code: 0 });
      expect(approved.stdout).toMatch(
        new RegExp(`^${migrationId}: approve-abm done: .*ABM assignment approved by lead; 0 batches`, 'm'),
      );
      const again = await ferry(['approve-abm', migrationId], { env: cliEnv });
      expect(again.code).toBe(1);
      expect(again.stderr.trim()).toBe(
        `ferry approve-abm: ${migrationId}: rejected: ABM assignment is already approved`,
      );
      held.neverEnrolls = false;
      await until(async () =>
        (await listDevices(env.client, migrationId)).every((d) => !d.running && d.status === 'reenrolled'),
      );
      const done = await ferry(['status', migrationId], { env: cliEnv });
      expect(done.stdout).toMatch(
        new RegExp(
          `^Rollout: .*approved by lead; 1 batches: ${ade.length} assigned, 0 not moved by Apple$`,
          'm',
        ),
      );
      expect(tenants.abm!.sim.activities().map((a) => a.activityType)).toEqual([
        'ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE',
      ]);
    });
  } finally {
    await tenants.close();
  }
});

test('when an admin confirms a manual-source device was removed, then it shows unenrolled by that admin and waits to re-enroll', async () => {
  const world = worldWithUser();
  const serial = `MAN${Date.now().toString(36).toUpperCase()}`;
  world.neverEnrolls.add(serial);
  const { worker, taskQueue } = await testWorker(env, world.activities(), { prefix: 'cli-manual' });
  await worker.runUntil(async () => {
    const i = input(device({ serialNumber: serial }), { source: 'manual' });
    const handle = await startDeviceMigration(env.client, taskQueue, i);
    await until(async () =>
      (await listDevices(env.client, i.migrationId)).some((d) => d.status === 'unenrolling'),
    );
    const run = await ferry(['confirm-removed', i.migrationId, serial, '--by', 'helpdesk']);
    expect(run).toMatchObject({ code: 0 });
    expect(run.stdout).toContain(`${serial} removal from the source confirmed: now reenrolling`);
    const state = await handle.query(getDeviceState);
    expect(state.status).toBe('reenrolling');
    expect(state.history.map((h) => h.status)).toContain('unenrolled');
    expect(state.adminActions).toEqual([
      expect.objectContaining({ action: 'source removal confirmed', by: 'helpdesk' }),
    ]);
    await handle.terminate('test over');
  });
});
