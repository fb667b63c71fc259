import { Client } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { readMigrationAudit } from '../../src/client/audit/read-audit';
import { actOnDevice } from '../../src/client/device-action';
import { cliRequest } from '../../src/client/cli-actor';
import { EncryptionCodec } from '../../src/temporal/codec/encryption-codec';
import { startDeviceMigration } from '../../src/temporal/start-device';
import { DEFAULT_MIGRATION_OPTIONS, deviceWorkflowId } from '../../src/workflows/device/messages';
import { device } from '../helpers/devices';
import { eventually } from '../helpers/eventually';
import { FakeWorld } from '../helpers/fake-world';
import { devServerEnvPerFile, uniqueTaskQueue, workflowBundle } from '../helpers/temporal';
import { testKeys } from '../codec/keys';

/**
 * With payload keys, an action's arguments and the workflow's answer are encrypted in the history: the
 * audit decodes them with the client's data converter (its payload codec), and the server holds no
 * reason in clear.
 */

const env = devServerEnvPerFile();

test('when payloads are encrypted, then the audit reads the reason and the answer through the codec', async () => {
  const dataConverter = { payloadCodecs: [new EncryptionCodec(testKeys('k-audit'))] };
  const client = new Client({ connection: env.connection, namespace: env.namespace, dataConverter });
  const world = new FakeWorld();
  world.enrollDelayMs = 0;
  const taskQueue = uniqueTaskQueue('audit-codec');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: world.activities(),
    dataConverter,
  });
  const migrationId = `audit-codec-${Date.now().toString(36)}`;
  const serialNumber = 'AUDCODEC01';
  await worker.runUntil(async () => {
    // Its user is missing: the device fails and waits for an admin.
    const handle = await startDeviceMigration(client, taskQueue, {
      migrationId,
      device: device({ serialNumber, userEmail: 'missing.codec@corp.example' }),
      options: DEFAULT_MIGRATION_OPTIONS,
    });
    await eventually(
      () => handle.query('getDeviceState') as Promise<{ status: string }>,
      (s) => s.status === 'failed',
      'the device to fail',
    );
    const target = { workflowId: deviceWorkflowId(migrationId, serialNumber), serialNumber };
    const request = cliRequest(client, 'codec-admin', 'secret reason 42');
    expect(await actOnDevice(client, 'cancel', target, request)).toMatchObject({ kind: 'done' });
    await eventually(
      () => readMigrationAudit(client, migrationId),
      (a) => a.entries.length === 1,
      'visibility to list the device',
    );
  });
  const audit = await readMigrationAudit(client, migrationId);
  expect(audit.entries).toEqual([
    expect.objectContaining({
      action: 'cancel',
      who: expect.objectContaining({ name: 'codec-admin', via: 'cli' }),
      reason: 'secret reason 42',
      answer: 'cancelled: now failed (Cancelled by admin)',
    }),
  ]);
  const { events } = await env.client.workflow
    .getHandle(deviceWorkflowId(migrationId, serialNumber))
    .fetchHistory();
  const accepted = events!.find((e) => e.workflowExecutionUpdateAcceptedEventAttributes)!;
  const arg =
    accepted.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.input!.args!.payloads![0]!;
  expect(Buffer.from(arg.metadata!.encoding!).toString()).toBe('binary/encrypted');
  expect(Buffer.from(arg.data!).toString('latin1')).not.toContain('secret reason 42');
});
