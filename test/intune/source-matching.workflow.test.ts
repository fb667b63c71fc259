/**
 * The device workflow on the real dev server, its activities over HTTP, Intune as the source with Graph
 * ignoring the serial `$filter` (the simulator's quirk): a retire reaches only the listed device, and a
 * serial Intune holds twice fails the device before anything is sent, saying what the admin can do.
 */
import { createMigrationActivities } from '../../src/activities/device';
import { REHEARSAL_DURATIONS } from '../../src/demo/world';
import { IntuneClient, IntuneSource } from '../../src/services/intune';
import { startIntuneSimulator, type SimIntuneDeviceSeed } from '../../src/services/intune/simulator';
import { startDeviceMigration } from '../../src/temporal/start-device';
import {
  DEFAULT_MIGRATION_OPTIONS,
  FailureReason,
  getDeviceState,
  type DeviceInput,
} from '../../src/workflows/device/messages';
import { JANE, TARGET_OG, startWorld, type World } from '../activities/fixture';
import { recordHistory, waitForStatus } from '../helpers/devices';
import { perTest, standIn } from '../helpers/set-up';
import { devServerEnvPerFile, testWorker } from '../helpers/temporal';
import { CLIENT_ID, CLIENT_SECRET, TENANT_ID, iphone } from './fixture';

const env = devServerEnvPerFile();
const world = standIn(perTest('the target tenant', startWorld, (w: World) => w.sim.close()));
const OPTIONS = { ...DEFAULT_MIGRATION_OPTIONS, source: 'intune' as const, durations: REHEARSAL_DURATIONS };

/** Runs one device against an Intune tenant holding `devices`, until `until` returns. */
async function migrate<T>(
  devices: SimIntuneDeviceSeed[],
  device: DeviceInput,
  until: (handle: Awaited<ReturnType<typeof startDeviceMigration>>) => Promise<T>,
) {
  const sim = await startIntuneSimulator({
    tenantId: TENANT_ID,
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
    devices,
    actionDelayMs: 60 * 60_000,
    quirks: { ignoredFilterFields: ['serialNumber'] },
  });
  try {
    const client = new IntuneClient({
      tenantId: TENANT_ID,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      graphBaseUrl: sim.url,
      tokenUrl: sim.tokenUrl,
    });
    const activities = createMigrationActivities({
      target: world.target,
      targetGroupId: TARGET_OG,
      source: new IntuneSource(client),
      notifier: world.notifier,
    });
    const { worker, taskQueue } = await testWorker(env, activities, { prefix: 'intune-match' });
    const result = await worker.runUntil(async () => {
      const migrationId = `intune-match-${Date.now()}`;
      const handle = await startDeviceMigration(env.client, taskQueue, {
        migrationId,
        device,
        options: OPTIONS,
      });
      try {
        return await until(handle);
      } finally {
        await handle.terminate('test over').catch(() => undefined);
      }
    });
    return { result, actions: sim.actions() };
  } finally {
    await sim.close();
  }
}

const listed = (serialNumber: string, sourceDeviceId?: string): DeviceInput => ({
  serialNumber,
  platform: 'ios',
  enrollmentKind: 'standard',
  userEmail: JANE,
  ...(sourceDeviceId ? { sourceDeviceId } : {}),
});
// Serials of the target's world with a user: IOSSTD0001..3 (JANE).
const tenant = (serial: string) =>
  [0, 1, 2, 3].map((i) => iphone(i, i === 2 ? { serialNumber: serial } : {}));

test('when Graph ignores the serial filter, then the retire reaches only the listed device', async () => {
  const { actions } = await migrate(tenant('IOSSTD0001'), listed('iosstd0001'), async (handle) =>
    waitForStatus(env, handle, 'unenrolling', { subStatus: /^retire sent$/ }),
  );
  expect(actions.map((a) => [a.deviceId, a.action])).toEqual([['dev-0002', 'retire']]);
});

test('when Intune holds the serial twice and the list names no id, then nothing is sent and the device says what to do', async () => {
  const stale = iphone(7, { id: 'dev-stale', serialNumber: 'IOSSTD0003' });
  const { result: state, actions } = await migrate(
    [...tenant('IOSSTD0003'), stale],
    listed('IOSSTD0003'),
    async (handle) => {
      const failed = await waitForStatus(env, handle, 'failed');
      await recordHistory(handle, 'intune_source_device_not_matched');
      return failed;
    },
  );
  expect(state.subStatus).toBe(
    `${FailureReason.SourceDeviceNotMatched}: Intune holds 2 records with this serial number ` +
      '(dev-0002, dev-stale) and the device list gives no source_device_id; nothing was sent. Delete ' +
      'the stale ones in Intune and retry, or cancel the device and migrate it again with the id of ' +
      'the one to retire as source_device_id',
  );
  expect(state.failedStep).toBe('unenroll');
  expect(actions).toEqual([]);
});

test('when the list names the id of one of the two records, then only that one is retired', async () => {
  const stale = iphone(7, { id: 'dev-stale', serialNumber: 'IOSSTD0003' });
  const { result: state, actions } = await migrate(
    [...tenant('IOSSTD0003'), stale],
    listed('IOSSTD0003', 'dev-stale'),
    async (handle) => {
      await waitForStatus(env, handle, 'unenrolling', { subStatus: /^retire sent$/ });
      return handle.query(getDeviceState);
    },
  );
  expect(state.status).toBe('unenrolling');
  expect(actions.map((a) => a.deviceId)).toEqual(['dev-stale']);
});
