import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { startDeviceMigration } from '../../src/temporal/start-device';
import type { migrateDevice } from '../../src/workflows/device/workflow';
import { REHEARSAL_DURATIONS, SOURCE_TENANT } from '../../src/demo/world';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { freePort } from '../../src/temporal/free-port';
import {
  DEFAULT_MIGRATION_OPTIONS,
  confirmAbmReassignment,
  getDeviceState,
} from '../../src/workflows/device/messages';
import { e2eTenantsPerFile } from '../helpers/simulated-tenants';
import { uniqueTaskQueue, workflowBundle } from '../helpers/temporal';

/** A migration survives its infrastructure: the worker restarting, and the server killed outright. */
const tenants = e2eTenantsPerFile({ commandDelayMs: 300, enrollDelayMs: 1_500 });
const OPTIONS = { ...DEFAULT_MIGRATION_OPTIONS, durations: REHEARSAL_DURATIONS };

async function connect(server: DevServer) {
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  return { client, nativeConnection };
}

async function worker(nativeConnection: NativeConnection, taskQueue: string): Promise<Worker> {
  return Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: tenants.activities,
  });
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('when the worker stops in the middle of the enrollment wait, then a new worker finishes the device', async () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-restart-'));
  const server = await startDevServer({ stateDir, port: await freePort(), uiPort: false, dbFile: null });
  const { client, nativeConnection } = await connect(server);
  try {
    const taskQueue = uniqueTaskQueue('restart');
    const device = tenants.devices.find((d) => d.enrollmentKind === 'standard' && d.platform === 'ios')!;
    // Held in the source until the first worker has stopped: left alone it enrolls about one check into the
    // wait, a window the poll below can miss, and the second worker would then not resume mid-wait.
    const held = tenants.sim.migrationOf(SOURCE_TENANT, device.serialNumber);
    held.neverEnrolls = true;
    const handle = await startDeviceMigration(client, taskQueue, {
      migrationId: 'restart',
      device,
      options: OPTIONS,
    });
    const first = await worker(nativeConnection, taskQueue);
    const mid = await first.runUntil(
      until(
        () => handle.query(getDeviceState),
        (s) => s.status === 'reenrolling',
      ),
    );
    expect(mid.status).toBe('reenrolling');
    held.neverEnrolls = false;
    const second = await worker(nativeConnection, taskQueue);
    const state = await second.runUntil(handle.result());
    expect(state.status).toBe('reenrolled');
    expect(tenants.sim.ledger({ kind: 'token.issued', serialNumber: device.serialNumber })).toHaveLength(1);
  } finally {
    await nativeConnection.close();
    await client.connection.close();
    await server.stop();
  }
});

test('when the dev server is killed (kill -9) and started again on its state folder, then a waiting device completes', async () => {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-kill9-'));
  const port = await freePort();
  const taskQueue = uniqueTaskQueue('kill9');
  const device = tenants.devices.find((d) => d.enrollmentKind === 'ade')!;
  const migrationId = 'kill9';

  const before = await startDevServer({ stateDir, port, uiPort: false });
  const a = await connect(before);
  const handle = await startDeviceMigration(a.client, taskQueue, { migrationId, device, options: OPTIONS });
  const waiting = await (
    await worker(a.nativeConnection, taskQueue)
  ).runUntil(
    until(
      () => handle.query(getDeviceState),
      (s) => s.status === 'abm_reassignment_pending',
    ),
  );
  expect(waiting.status).toBe('abm_reassignment_pending');
  await a.nativeConnection.close();
  await a.client.connection.close();
  process.kill(before.pid!, 'SIGKILL');
  await before.stop();

  const after = await startDevServer({ stateDir, port, uiPort: false });
  const b = await connect(after);
  try {
    const resumed = b.client.workflow.getHandle<typeof migrateDevice>(handle.workflowId);
    const state = await (
      await worker(b.nativeConnection, taskQueue)
    ).runUntil(async () => {
      await resumed.executeUpdate(confirmAbmReassignment, { args: [{ by: 'admin after restart' }] });
      return resumed.result();
    });
    expect(state.status).toBe('reenrolled');
    expect(state.history.map((h) => h.status)).toContain('abm_reassignment_pending');
  } finally {
    await b.nativeConnection.close();
    await b.client.connection.close();
    await after.stop();
  }
});
