import { startFleetMigration } from '../../src/client/start-migration';
import { REHEARSAL_DURATIONS, TARGET_TENANT } from '../../src/demo/world';
import {
  DEFAULT_MIGRATION_OPTIONS,
  FailureReason,
  deviceWorkflowId,
  retryDevice,
  type DeviceInput,
} from '../../src/workflows/device/messages';
import { resumeMigration, type FleetProgress, type FleetRollout } from '../../src/workflows/fleet/messages';
import { PATH_STEPS, pathFor } from '../../src/workflows/device/paths';
import { recordHistory } from '../helpers/devices';
import { eventually } from '../helpers/eventually';
import { e2eTenantsPerFile } from '../helpers/simulated-tenants';
import { fleetSuitePerFile, testWorker } from '../helpers/temporal';
import { pause, progressOf } from './harness';

/**
 * The circuit breaker against the Workspace ONE simulator: a tenant-level fault (revoked credentials,
 * Android Enterprise unregistered) pauses the migration before it starts more devices.
 */
const tenants = e2eTenantsPerFile({ commandDelayMs: 200, enrollDelayMs: 200 });
const { env, store } = fleetSuitePerFile('ferry-breaker-');

const OPTIONS = { ...DEFAULT_MIGRATION_OPTIONS, durations: REHEARSAL_DURATIONS };
const ROLLOUT: FleetRollout = {
  concurrency: 1,
  batchSize: 1,
  approveWaves: false,
  pollInterval: '100 ms',
  breakerFailures: 2,
};

/** Devices that need no admin on the way (ADE devices wait for an ABM confirmation). */
const unattended = (): DeviceInput[] => tenants.devices.filter((d) => d.enrollmentKind !== 'ade');

function sourceCommandsTo(serials: string[]): number {
  return serials.reduce((n, s) => n + tenants.sim.ledger({ tenant: 'SOURCE', serialNumber: s }).length, 0);
}

async function startFleet(migrationId: string, devices: DeviceInput[], activities = tenants.activities) {
  const { worker, taskQueue } = await testWorker(env, activities, {
    prefix: 'breaker',
    fleet: { store },
  });
  const start = () =>
    startFleetMigration(env.client, store, taskQueue, {
      migrationId,
      name: 'breaker',
      devices,
      options: OPTIONS,
      rollout: ROLLOUT,
    });
  return { worker, start };
}

const tripped = (p: FleetProgress) => p.state === 'paused' && p.pause?.by === 'circuit breaker';

test('when the target revokes Ferry credentials mid-run, then the migration pauses itself and resumes after the fix', async () => {
  const devices = unattended().slice(0, 6);
  const migrationId = `breaker-creds-${Date.now()}`;
  const target = tenants.sim.tenant(TARGET_TENANT);
  const saved = { basicUsers: target.basicUsers, oauthClients: target.oauthClients };
  const { worker, start } = await startFleet(migrationId, devices);
  await worker.runUntil(async () => {
    const handle = await start();
    await eventually(
      () => progressOf(handle),
      (p) => p.started >= 1,
      'a device started',
    );
    const first = env.client.workflow.getHandle(deviceWorkflowId(migrationId, devices[0]!.serialNumber));
    await first.result();

    // The API account is disabled on the target.
    target.basicUsers = [];
    target.oauthClients = [];
    tenants.sim.revokeOAuthTokens();
    const progress = await eventually(() => progressOf(handle), tripped, 'the breaker to trip');
    expect(progress.pause?.breaker).toMatchObject({
      reason: FailureReason.ServiceRejectedCredentials,
      devices: 2,
    });
    expect(progress.pause?.breaker?.fix).toMatch(/WS1_/);
    const startedWhenTripped = progress.nextOffset;
    expect(startedWhenTripped).toBe(3);
    await pause(1000); // ten poll intervals: a breaker that did not hold would start the rest meanwhile
    expect(await progressOf(handle)).toMatchObject({ state: 'paused', nextOffset: startedWhenTripped });
    expect(sourceCommandsTo(devices.slice(startedWhenTripped).map((d) => d.serialNumber))).toBe(0);

    // The admin restores the credentials, retries the two failed devices and resumes.
    Object.assign(target, saved);
    for (const d of devices.slice(1, 3)) {
      await env.client.workflow
        .getHandle(deviceWorkflowId(migrationId, d.serialNumber))
        .executeUpdate(retryDevice, { args: [{ by: 'ops' }] });
    }
    expect(await handle.executeUpdate(resumeMigration, { args: [{ by: 'ops' }] })).toMatchObject({
      state: 'rolling_out',
    });
    expect(await handle.result()).toMatchObject({ started: 6, notStarted: 0, cancelled: false });
    await recordHistory(handle, 'fleet_circuit_breaker');
    for (const d of devices) {
      const state = await env.client.workflow
        .getHandle(deviceWorkflowId(migrationId, d.serialNumber))
        .result();
      expect({ serial: d.serialNumber, status: state.status }).toEqual({
        serial: d.serialNumber,
        status: 'reenrolled',
      });
    }
  });
});

test('when Android Enterprise is not registered on the target, then the breaker names it and the fix', async () => {
  const target = tenants.sim.tenant(TARGET_TENANT);
  const registrations = target.groups.map((g) => g.androidWork);
  target.groups.forEach((g) => delete g.androidWork);
  try {
    const devices = unattended()
      .filter((d) => PATH_STEPS[pathFor(d, OPTIONS)].includes('androidEnterprise'))
      .slice(0, 3);
    expect(devices).toHaveLength(3);
    const migrationId = `breaker-ae-${Date.now()}`;
    // A worker shares a "registered" answer for a minute (TargetTenant): this one starts after the change.
    const { worker, start } = await startFleet(migrationId, devices, tenants.newActivities());
    await worker.runUntil(async () => {
      const handle = await start();
      const progress = await eventually(() => progressOf(handle), tripped, 'the breaker to trip');
      expect(progress.pause?.breaker).toMatchObject({
        reason: FailureReason.AndroidEnterpriseNotRegistered,
        devices: 2,
      });
      expect(progress.pause?.breaker?.fix).toMatch(/register Android Enterprise/);
      expect(progress.nextOffset).toBe(2);
      await handle.executeUpdate(resumeMigration, { args: [{ by: 'ops' }] });
      // Counted from the resume: the third device alone does not trip it again, so the rollout ends.
      const after = await eventually(
        () => progressOf(handle),
        (p) => p.nextOffset === 3,
        'the last device started',
      );
      expect(after).toMatchObject({ state: 'finishing', started: 3 });
      expect(after.pause).toBeUndefined();
      await handle.cancel();
    });
  } finally {
    target.groups.forEach((g, i) => {
      if (registrations[i]) g.androidWork = registrations[i];
    });
  }
});
