import { WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import { deviceStart, startDeviceMigration } from '../../src/temporal/start-device';
import { REHEARSAL_DURATIONS, SOURCE_TENANT } from '../../src/demo/world';
import { pathFor } from '../../src/workflows/device/paths';
import { migrateDevice } from '../../src/workflows/device/workflow';
import {
  DEFAULT_MIGRATION_OPTIONS,
  abmReassignmentConfirmed,
  retryDevice,
  type DeviceInput,
  type MigrateDeviceInput,
} from '../../src/workflows/device/messages';
import { FerryStatus, FerrySubStatus } from '../../src/workflows/search-attributes';
import { recordHistory, waitForStatus } from '../helpers/devices';
import { e2eTenantsPerFile } from '../helpers/simulated-tenants';
import { devServerEnvPerFile, testWorker } from '../helpers/temporal';

/** Real server, real activities, real HTTP: the device workflow against the Workspace ONE simulator. */
const tenants = e2eTenantsPerFile({ commandDelayMs: 300, enrollDelayMs: 300 });
const env = devServerEnvPerFile();

const OPTIONS = { ...DEFAULT_MIGRATION_OPTIONS, durations: REHEARSAL_DURATIONS };

/** ADE devices start with the admin's ABM confirmation already given (as the demo's admin does). */
async function start(
  taskQueue: string,
  input: MigrateDeviceInput,
): Promise<WorkflowHandle<typeof migrateDevice>> {
  if (input.device.enrollmentKind !== 'ade') return startDeviceMigration(env.client, taskQueue, input);
  return env.client.workflow.signalWithStart(migrateDevice, {
    ...deviceStart(taskQueue, input),
    signal: abmReassignmentConfirmed,
    signalArgs: [{ by: 'e2e admin' }],
  });
}

function ledgerCount(kind: string, serialNumber: string): number {
  return tenants.sim.ledger({ kind, serialNumber }).length;
}

test('when a mixed fleet migrates against the simulated tenants, then every device is reenrolled to its user, once', async () => {
  const migrationId = `e2e-fleet-${Date.now()}`;
  const devices = tenants.devices.slice(0, 10);
  const paths = new Set(devices.map((d) => pathFor(d, OPTIONS)));
  expect(paths).toEqual(new Set(['ios_standard', 'ios_ade_erase', 'android_token', 'android_fully_managed']));
  const { worker, taskQueue } = await testWorker(env, tenants.activities, { prefix: 'e2e' });
  const results = await worker.runUntil(async () => {
    const handles = await Promise.all(
      devices.map((device) => start(taskQueue, { migrationId, device, options: OPTIONS })),
    );
    const states = await Promise.all(handles.map((h) => h.result()));
    const recorded = new Set<string>();
    for (const [i, state] of states.entries()) {
      if (recorded.has(state.path)) continue;
      recorded.add(state.path);
      await recordHistory(handles[i]!, `e2e_${state.path}`);
    }
    return states;
  });

  for (const [i, state] of results.entries()) {
    const device = devices[i]!;
    expect({ serial: device.serialNumber, status: state.status }).toEqual({
      serial: device.serialNumber,
      status: 'reenrolled',
    });
    const onTarget = tenants.sim.device('TARGET', device.serialNumber)!;
    expect(onTarget.enrollmentStatus).toBe('Enrolled');
    expect(onTarget.userId).toBe(state.targetUser!.id);
    const tokenPath = state.path === 'ios_standard' || state.path === 'android_token';
    expect(ledgerCount('token.issued', device.serialNumber)).toBe(tokenPath ? 1 : 0);
    const commands = tenants.sim.ledger({ tenant: 'SOURCE', serialNumber: device.serialNumber });
    expect(commands.map((c) => c.kind)).toEqual([
      tokenPath ? 'command.EnterpriseWipe' : 'command.DeviceWipe',
    ]);
  }

  // Admins filter devices with Temporal's own list queries (visibility is eventually consistent).
  const query = `FerryMigrationId = '${migrationId}' AND FerryStatus = 'reenrolled'`;
  let count = 0;
  for (let i = 0; i < 50 && count < devices.length; i++) {
    count = (await env.client.workflow.count(query)).count;
    if (count < devices.length) await new Promise((r) => setTimeout(r, 200));
  }
  expect(count).toBe(devices.length);
});

test('when the target user is created after the device failed, then an admin retry finishes the device', async () => {
  const device: DeviceInput = {
    ...tenants.devices[10]!,
    enrollmentKind: 'standard',
    platform: 'ios',
    userEmail: 'late.joiner@corp.example',
  };
  const { worker, taskQueue } = await testWorker(env, tenants.activities, { prefix: 'e2e' });
  const state = await worker.runUntil(async () => {
    const handle = await start(taskQueue, {
      migrationId: `e2e-retry-${Date.now()}`,
      device,
      options: OPTIONS,
    });
    await waitForStatus(env, handle, 'failed', { subStatus: /Target user not found/ });
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(FerryStatus)).toBe('failed');
    expect(described.typedSearchAttributes.get(FerrySubStatus)).toBe('Target user not found');
    tenants.sim.addUser('TARGET', { email: 'Late.Joiner@corp.example' });
    await handle.executeUpdate(retryDevice, { args: [{ by: 'e2e admin', reason: 'user created' }] });
    return handle.result();
  });
  expect(state.status).toBe('reenrolled');
  expect(ledgerCount('token.issued', device.serialNumber)).toBe(1);
});

test('when the same device is started twice in one migration, then the running workflow is reused and a closed one refused', async () => {
  const device = tenants.devices[11]!;
  const input = {
    migrationId: `e2e-dup-${Date.now()}`,
    device: { ...device, platform: 'ios' as const, enrollmentKind: 'standard' as const },
    options: OPTIONS,
  };
  // Held in the source until the second start has been compared: the first workflow is still running then.
  const held = tenants.sim.migrationOf(SOURCE_TENANT, device.serialNumber);
  held.neverEnrolls = true;
  const { worker, taskQueue } = await testWorker(env, tenants.activities, { prefix: 'e2e' });
  await worker.runUntil(async () => {
    const first = await startDeviceMigration(env.client, taskQueue, input);
    const second = await startDeviceMigration(env.client, taskQueue, input);
    expect(second.firstExecutionRunId).toBe(first.firstExecutionRunId);
    held.neverEnrolls = false;
    await first.result();
  });
  await expect(startDeviceMigration(env.client, taskQueue, input)).rejects.toThrow(
    WorkflowExecutionAlreadyStartedError,
  );
});
