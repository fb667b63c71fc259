import { startFleetMigration } from '../../src/client/start-migration';
import { REHEARSAL_DURATIONS, TARGET_TENANT } from '../../src/demo/world';
import {
  DEFAULT_MIGRATION_OPTIONS,
  FailureReason,
  deviceWorkflowId,
  getDeviceState,
  type DeviceInput,
  type MigrationOptions,
} from '../../src/workflows/device/messages';
import { DEFAULT_BREAKER_FAILURES, type FleetProgress } from '../../src/workflows/fleet/messages';
import { TENANT_LEVEL_REASONS, tripsAt } from '../../src/workflows/fleet/breaker';
import { pathFor, usesToken } from '../../src/workflows/device/paths';
import { recordHistory } from '../helpers/devices';
import { eventually } from '../helpers/eventually';
import { e2eTenantsPerFile } from '../helpers/simulated-tenants';
import { fleetSuitePerFile, testWorker } from '../helpers/temporal';
import { pause, progressOf } from './harness';

/**
 * Token settings declared, then verified: the first token the target issues that differs from the
 * migration's declaration fails its device before the user is told or the source touched, and that one
 * device pauses the migration with the setting named (the simulator issues 8-character tokens).
 */
const tenants = e2eTenantsPerFile({ commandDelayMs: 200, enrollDelayMs: 200 });
const { env, store } = fleetSuitePerFile('ferry-token-settings-');

const tripped = (p: FleetProgress) => p.state === 'paused' && p.pause?.by === 'circuit breaker';

test('the reasons one device settles trip the breaker at one failure; the others keep the threshold', () => {
  expect(tripsAt(FailureReason.TokenSettingsDiffer, DEFAULT_BREAKER_FAILURES)).toBe(1);
  expect(tripsAt(FailureReason.AndroidStagingNotDeclared, DEFAULT_BREAKER_FAILURES)).toBe(1);
  expect(tripsAt(FailureReason.ServiceRejectedCredentials, DEFAULT_BREAKER_FAILURES)).toBe(
    DEFAULT_BREAKER_FAILURES,
  );
  expect(TENANT_LEVEL_REASONS).toEqual(
    expect.arrayContaining([FailureReason.TokenSettingsDiffer, FailureReason.AndroidStagingNotDeclared]),
  );
});

test('when the first token differs from the declared length, then its device fails naming the setting and the migration pauses', async () => {
  const options: MigrationOptions = {
    ...DEFAULT_MIGRATION_OPTIONS,
    durations: REHEARSAL_DURATIONS,
    tokenSettings: { registrationTokenLength: 6, tokenExpirationHours: 24 },
  };
  // An iPhone first: its recorded history has no step of the Android paths.
  const devices: DeviceInput[] = tenants.devices
    .filter((d) => d.enrollmentKind !== 'ade' && usesToken(pathFor(d, options)))
    .sort((a, b) => (a.platform === b.platform ? 0 : a.platform === 'ios' ? -1 : 1));
  expect(devices).toHaveLength(3);
  const migrationId = `token-settings-${Date.now()}`;
  const { worker, taskQueue } = await testWorker(env, tenants.activities, {
    prefix: 'token-settings',
    fleet: { store },
  });
  await worker.runUntil(async () => {
    const handle = await startFleetMigration(env.client, store, taskQueue, {
      migrationId,
      name: 'token settings',
      devices,
      options,
      // The default threshold (5): this reason trips on one device all the same.
      rollout: { concurrency: 1, batchSize: 1, approveWaves: false, pollInterval: '100 ms' },
    });
    const progress = await eventually(() => progressOf(handle), tripped, 'the breaker to trip');
    expect(progress.pause?.breaker).toMatchObject({ reason: FailureReason.TokenSettingsDiffer, devices: 1 });
    expect(progress.pause?.breaker?.fix).toMatch(/Enrollment > Authentication/);
    expect(progress.nextOffset).toBe(1);

    const first = env.client.workflow.getHandle(deviceWorkflowId(migrationId, devices[0]!.serialNumber));
    const state = await first.query(getDeviceState);
    expect(state).toMatchObject({
      status: 'failed',
      failedStep: 'issueToken',
      subStatus: `${FailureReason.TokenSettingsDiffer}: Registration Token Length: the token has 8 characters, declared 6`,
    });
    await pause(1000); // ten poll intervals: a breaker that did not hold would start the next device
    expect(await progressOf(handle)).toMatchObject({ state: 'paused', nextOffset: 1 });
    // Nothing left the target for the user, and the source was not touched.
    const serial = devices[0]!.serialNumber;
    expect(tenants.sim.ledger({ tenant: 'SOURCE', serialNumber: serial })).toEqual([]);
    expect(
      tenants.sim.tenant(TARGET_TENANT).tokens.filter((t) => t.serialNumber === serial && !t.deletedAt),
    ).toEqual([]);
    await recordHistory(first, 'token_settings_differ');
    await first.cancel();
    await handle.cancel();
  });
});
