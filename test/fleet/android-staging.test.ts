import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { createMigrationActivities } from '../../src/activities/device';
import { startFleetMigration } from '../../src/client/start-migration';
import type { AndroidStagingEnrollment } from '../../src/config/android-staging';
import { REHEARSAL_DURATIONS } from '../../src/demo/world';
import { SmtpNotifier } from '../../src/services/mail/smtp-notifier';
import { WorkspaceOneSource } from '../../src/services/workspace-one/source';
import {
  DEFAULT_MIGRATION_OPTIONS,
  FailureReason,
  deviceWorkflowId,
  getDeviceState,
  type DeviceInput,
} from '../../src/workflows/device/messages';
import type { FleetProgress, FleetRollout } from '../../src/workflows/fleet/messages';
import { pathFor } from '../../src/workflows/device/paths';
import { recordHistory } from '../helpers/devices';
import { eventually } from '../helpers/eventually';
import { e2eTenantsPerFile } from '../helpers/simulated-tenants';
import { fleetSuitePerFile, testWorker } from '../helpers/temporal';
import { startSmtpCapture } from '../notify/smtp-capture';
import { progressOf } from './harness';

/**
 * Android fully managed devices against the simulated tenants and a real SMTP server: the user gets the
 * staging QR code before the wipe, and a worker without one fails the device before anything is sent.
 */
const tenants = e2eTenantsPerFile({ commandDelayMs: 200, enrollDelayMs: 200 });
const { env, store } = fleetSuitePerFile('ferry-staging-');
let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
beforeEach(async () => {
  smtp = await startSmtpCapture();
});
afterEach(() => smtp.close());

const OPTIONS = { ...DEFAULT_MIGRATION_OPTIONS, durations: REHEARSAL_DURATIONS };
const ROLLOUT: FleetRollout = { concurrency: 1, batchSize: 1, approveWaves: false, pollInterval: '100 ms' };
const QR_PAYLOAD = JSON.stringify({
  'android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME':
    'com.airwatch.androidagent/com.airwatch.agent.DeviceAdministratorReceiver',
  'android.app.extra.PROVISIONING_DEVICE_ADMIN_SIGNATURE_CHECKSUM':
    '6kyqxDOjgS30jvQuzh4uvHPk-0bmAD-1QU7vtW7i_o8=',
  'android.app.extra.PROVISIONING_DEVICE_ADMIN_PACKAGE_DOWNLOAD_LOCATION':
    'https://getwsone.com/mobileenrollment/airwatchagent.apk',
  'android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE': {
    serverurl: 'cn1.example',
    gid: 'stg',
    un: 'u',
    pw: 'p',
  },
});

const fullyManaged = (): DeviceInput[] =>
  tenants.devices.filter((d) => pathFor(d, OPTIONS) === 'android_fully_managed');

/** The real activities, with an SMTP notifier that has (or lacks) the worker's staging enrollment. */
async function runFleet<T>(
  migrationId: string,
  devices: DeviceInput[],
  androidStaging: AndroidStagingEnrollment | undefined,
  fn: (handle: Awaited<ReturnType<typeof startFleetMigration>>) => Promise<T>,
): Promise<T> {
  const notifier = await SmtpNotifier.create(
    { host: '127.0.0.1', port: smtp.port, from: 'ferry@example.test' },
    { timeoutMs: 2_000, androidStaging },
  );
  const activities = createMigrationActivities({
    target: tenants.target,
    targetGroupId: tenants.targetGroupId,
    source: new WorkspaceOneSource(tenants.source),
    notifier,
  });
  const { worker, taskQueue } = await testWorker(env, activities, { prefix: 'staging', fleet: { store } });
  return worker.runUntil(async () => {
    const handle = await startFleetMigration(env.client, store, taskQueue, {
      migrationId,
      name: 'staging',
      devices,
      options: OPTIONS,
      rollout: ROLLOUT,
    });
    return fn(handle);
  });
}

const sourceLedger = (serial: string) => tenants.sim.ledger({ tenant: 'SOURCE', serialNumber: serial });

test('when the worker declares the staging enrollment, then the user gets its QR code before the wipe', async () => {
  const device = fullyManaged().at(-1); // the other test takes the others
  const migrationId = `staging-ok-${Date.now()}`;
  await runFleet(migrationId, [device!], { qrPayload: QR_PAYLOAD }, async (handle) => {
    await handle.result(); // the migration ends once its devices have
    const result = await env.client.workflow
      .getHandle(deviceWorkflowId(migrationId, device!.serialNumber))
      .result();
    expect(result.status).toBe('reenrolled');
  });
  expect(smtp.messages).toHaveLength(1);
  const [mail] = smtp.messages;
  const image = PNG.sync.read(mail!.attachments[0]!.content);
  expect(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data).toBe(QR_PAYLOAD);
  const wipe = sourceLedger(device!.serialNumber).find((e) => /wipe/i.test(e.kind));
  expect(wipe).toBeDefined();
  expect(mail!.at).toBeLessThanOrEqual(Date.parse(wipe!.at));
});

test('when the worker declares no staging enrollment, then the device fails before the wipe and the migration pauses', async () => {
  const devices = fullyManaged().slice(0, -1);
  expect(devices.length).toBeGreaterThan(1);
  const migrationId = `staging-missing-${Date.now()}`;
  await runFleet(migrationId, devices, undefined, async (handle) => {
    const tripped = (p: FleetProgress) => p.state === 'paused' && p.pause?.by === 'circuit breaker';
    const progress = await eventually(() => progressOf(handle), tripped, 'the breaker to trip');
    expect(progress.pause?.breaker).toMatchObject({
      reason: FailureReason.AndroidStagingNotDeclared,
      devices: 1,
    });
    expect(progress.pause?.breaker?.fix).toMatch(/FERRY_ANDROID_STAGING_QR_PAYLOAD on every worker/);
    expect(progress.nextOffset).toBe(1);
    const first = env.client.workflow.getHandle(deviceWorkflowId(migrationId, devices[0]!.serialNumber));
    expect(await first.query(getDeviceState)).toMatchObject({
      status: 'failed',
      failedStep: 'notifyUser',
      subStatus: expect.stringMatching(
        /^Android staging enrollment not declared: FERRY_ANDROID_STAGING_QR_PAYLOAD is not set on the worker/,
      ),
    });
    await recordHistory(first, 'android_staging_not_declared');
    await first.cancel();
    await handle.cancel();
  });
  expect(smtp.messages).toEqual([]);
  expect(sourceLedger(devices[0]!.serialNumber)).toEqual([]);
});
