/**
 * A source that acknowledges the retire at once but lists the device for a while longer: the device
 * workflow, on the real dev server with the real activities over HTTP, must wait for the source's
 * read-back (status `unenrolling`) and move on only once the source shows the device gone. Replacing that
 * wait with the command's acknowledgement passes every other device-workflow and e2e test; not this one.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { createMigrationActivities, type MigrationActivities } from '../../src/activities/device';
import { REHEARSAL_DURATIONS } from '../../src/demo/world';
import { IntuneClient, IntuneSource } from '../../src/services/intune';
import { startIntuneSimulator, type IntuneSimulator } from '../../src/services/intune/simulator';
import type { migrateDevice } from '../../src/workflows/device/workflow';
import {
  DEFAULT_MIGRATION_OPTIONS,
  getDeviceState,
  type DeviceInput,
  type DeviceState,
} from '../../src/workflows/device/messages';
import { JANE, SOURCE, TARGET_OG, startWorld, type World } from '../activities/fixture';
import { recordHistory } from '../helpers/devices';
import { eventually } from '../helpers/eventually';
import { perTest, standIn } from '../helpers/set-up';
import { devServerEnvPerFile, testWorker } from '../helpers/temporal';
import { startDeviceMigration } from '../../src/temporal/start-device';

const env = devServerEnvPerFile();
const world = standIn(perTest('the simulated tenants', startWorld, (w: World) => w.sim.close()));

const OPTIONS = { ...DEFAULT_MIGRATION_OPTIONS, durations: REHEARSAL_DURATIONS };
/** Long enough that only the test's release ends it (the check runs every second for 2 minutes). */
const LAG_MS = 60 * 60_000;
/** Source reads that said "not yet" before the test looks: the workflow kept asking, not trusting the ack. */
const READS_BEFORE_RELEASE = 3;

/** A source whose removal the test holds (`lag`) and then lets happen (`release`). */
interface LaggingSource {
  source: 'workspace-one' | 'intune';
  activities: MigrationActivities;
  device: DeviceInput;
  /** The source took the command (its own acknowledgement). */
  acknowledged(): boolean;
  /** The source still lists the device, in its words. */
  listedAs(): string | undefined;
  release(): void;
  close(): Promise<void>;
}

async function workspaceOneSource(): Promise<LaggingSource> {
  const serialNumber = 'IOSSTD0001';
  const record = world.sim.tenant(SOURCE).devices.find((d) => d.serialNumber === serialNumber)!;
  // The removal lag: EnterpriseWipePending for LAG_MS after the command was taken.
  world.sim.migrationOf(SOURCE, serialNumber).commandDelayMs = LAG_MS;
  return {
    source: 'workspace-one',
    activities: world.activities,
    device: {
      serialNumber,
      platform: 'ios',
      enrollmentKind: 'standard',
      userEmail: JANE,
      sourceDeviceId: String(record.id),
    },
    acknowledged: () =>
      world.sim.ledger({ tenant: SOURCE, kind: 'command.EnterpriseWipe', serialNumber }).length === 1,
    listedAs: () => world.sim.device(SOURCE, serialNumber)?.enrollmentStatus,
    release: () => {
      world.sim.migrationOf(SOURCE, serialNumber).commandDelayMs = 0;
    },
    close: async () => undefined,
  };
}

async function intuneSource(): Promise<LaggingSource> {
  const serialNumber = 'IOSSTD0002';
  let skewMs = 0;
  const credentials = { clientId: 'ferry-app', clientSecret: 'lag-test-secret' };
  const sim: IntuneSimulator = await startIntuneSimulator({
    tenantId: 'lag-tenant',
    clients: [credentials],
    devices: [
      { id: 'dev-other', serialNumber: 'OTHER00001', operatingSystem: 'iOS' },
      { id: 'dev-lag', serialNumber, operatingSystem: 'iOS', emailAddress: JANE },
    ],
    // The removal lag: the retire stays `pending` and the device listed for LAG_MS after Graph's 204.
    actionDelayMs: LAG_MS,
    clock: () => Date.now() + skewMs,
  });
  const client = new IntuneClient({
    tenantId: 'lag-tenant',
    ...credentials,
    graphBaseUrl: sim.url,
    tokenUrl: sim.tokenUrl,
  });
  const source = new IntuneSource(client);
  return {
    source: 'intune',
    activities: createMigrationActivities({
      target: world.target,
      targetGroupId: TARGET_OG,
      source,
      notifier: world.notifier,
    }),
    device: {
      serialNumber,
      platform: 'ios',
      enrollmentKind: 'standard',
      userEmail: JANE,
      sourceDeviceId: 'dev-lag',
    },
    acknowledged: () => sim.actions().length === 1 && sim.actions()[0]?.deviceId === 'dev-lag',
    listedAs: () => {
      const results = sim.device('dev-lag')?.deviceActionResults as { actionState: string }[] | undefined;
      return results?.map((r) => r.actionState).join(',');
    },
    release: () => {
      skewMs += LAG_MS;
    },
    close: () => sim.close(),
  };
}

/** How many times the pending awaitSourceRemoval has been tried (0: not scheduled). */
async function removalReads(handle: WorkflowHandle): Promise<number> {
  const { raw } = await handle.describe();
  const pending = raw.pendingActivities?.find((a) => a.activityType?.name === 'awaitSourceRemoval');
  return pending?.attempt ?? 0;
}

describe.each([
  ['Workspace ONE', workspaceOneSource],
  ['Intune', intuneSource],
])('when the %s source lags behind its acknowledgement', (name, lagging) => {
  test('when the source takes the retire but still lists the device, then the device waits unenrolling until the source shows it gone', async () => {
    const source = await lagging();
    try {
      const { worker, taskQueue } = await testWorker(env, source.activities, { prefix: 'lag' });
      await worker.runUntil(async () => {
        const migrationId = `lag-${name.replace(/\W/g, '')}-${Date.now()}`;
        const handle: WorkflowHandle<typeof migrateDevice> = await startDeviceMigration(
          env.client,
          taskQueue,
          {
            migrationId,
            device: source.device,
            options: { ...OPTIONS, source: source.source },
          },
        );
        const state = () => handle.query(getDeviceState);

        await eventually(async () => source.acknowledged(), Boolean, 'the source to take the retire');
        // From the acknowledgement on, the device stays unenrolling while the source keeps listing it.
        for (;;) {
          const current = await state();
          expect({ status: current.status, listed: source.listedAs() }).toEqual({
            status: 'unenrolling',
            listed: expect.stringMatching(/EnterpriseWipePending|pending/),
          });
          if ((await removalReads(handle)) > READS_BEFORE_RELEASE) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        expect((await state()).history.map((h) => h.status)).not.toContain('unenrolled');

        const releasedAt = Date.now();
        source.release();
        const moved = await eventually(
          state,
          (s: DeviceState) => s.history.some((h) => h.status === 'unenrolled'),
          'the device to move on once the source shows it gone',
        );
        const unenrolled = moved.history.find((h) => h.status === 'unenrolled')!;
        expect(unenrolled.subStatus).toMatch(/^source reports (Unenrolled|not on source)$/);
        // Server and test share this machine's clock; a millisecond's slack for rounding.
        expect(Date.parse(unenrolled.at)).toBeGreaterThanOrEqual(releasedAt - 1);
        await recordHistory(handle, `lagging_source_${name.replace(/\W/g, '_').toLowerCase()}`);
        await handle.terminate('test over');
      });
    } finally {
      await source.close();
    }
  });
});
