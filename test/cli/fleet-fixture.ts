import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { listDevices, type DeviceRow } from '../../src/client/commands/visibility';
import { startDeviceMigration } from '../../src/temporal/start-device';
import type { migrateDevice } from '../../src/workflows/device/workflow';
import { DEFAULT_MIGRATION_OPTIONS, type MigrationOptions } from '../../src/workflows/device/messages';
import { device } from '../helpers/devices';
import { FakeWorld } from '../helpers/fake-world';
import { perFile, standIn } from '../helpers/set-up';
import { devServerEnv, installTestRuntime, testWorker } from '../helpers/temporal';

/**
 * What the CLI tests drive: `node bin/ferry.js …` as a user runs it, against a small migration of real
 * device workflows on the suite's dev server, each device held in a different status by FakeWorld.
 */

export const DONE = 'CLI0DONE01'; // finishes
export const MISS = 'CLI0MISS01'; // its target user is missing: fails
export const WAIT = 'CLI0WAIT01'; // Android, never enrolls: waits in reenrolling
export const ABM = 'CLI0ABM001'; // ADE: waits for the admin's ABM confirmation
export const MISSING_EMAIL = 'late.joiner@corp.example';

export { ferry, lines, type Run } from '../helpers/ferry-cli';

const OPTIONS: MigrationOptions = {
  ...DEFAULT_MIGRATION_OPTIONS,
  durations: {
    ...DEFAULT_MIGRATION_OPTIONS.durations,
    enrollmentCheckInterval: '1 second',
    adeSyncCheckInterval: '1 second',
  },
};

export interface Fleet {
  migrationId: string;
  world: FakeWorld;
  env: TestWorkflowEnvironment;
  handles: Map<string, WorkflowHandle<typeof migrateDevice>>;
  /** Visibility trails the workflows: waits until it shows what the next command should see. */
  visibleWhen(check: (bySerial: Map<string, DeviceRow>) => boolean): Promise<void>;
  close(): Promise<void>;
}

/** The fleet started once before the file's tests and closed after them; read it inside tests. */
export function fleetPerFile(): Fleet {
  return standIn(perFile('the CLI fleet', startFleet, (fleet) => fleet.close()));
}

/**
 * Starts the four devices under a fresh migration id and a worker, and returns once visibility shows
 * DONE closed, MISS failed, WAIT reenrolling and ABM waiting for the admin.
 */
export async function startFleet(): Promise<Fleet> {
  installTestRuntime();
  const env = await devServerEnv();
  const migrationId = `cli-${randomUUID().slice(0, 8)}`;
  const world = new FakeWorld();
  world.enrollDelayMs = 0;
  world.neverEnrolls.add(WAIT);
  for (const email of ['done@corp.example', 'wait@corp.example', 'abm@corp.example']) world.addUser(email);
  const { worker, taskQueue } = await testWorker(env, world.activities(), { prefix: 'cli' });
  const running = worker.run();
  const handles = new Map<string, WorkflowHandle<typeof migrateDevice>>();
  const fleet: Fleet = {
    migrationId,
    world,
    env,
    handles,
    async visibleWhen(check) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const devices = await listDevices(env.client, migrationId);
        if (check(new Map(devices.map((d) => [d.serialNumber, d])))) return;
        if (Date.now() > deadline) throw new Error(`visibility still shows ${JSON.stringify(devices)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async close() {
      for (const handle of handles.values()) await handle.terminate('test over').catch(() => undefined);
      worker.shutdown();
      await running;
      await env.teardown();
    },
  };
  const devices = [
    device({ serialNumber: DONE, userEmail: 'done@corp.example' }),
    device({ serialNumber: MISS, userEmail: MISSING_EMAIL }),
    device({
      serialNumber: WAIT,
      userEmail: 'wait@corp.example',
      platform: 'android',
      enrollmentKind: 'legacy',
    }),
    device({ serialNumber: ABM, userEmail: 'abm@corp.example', enrollmentKind: 'ade' }),
  ];
  for (const d of devices) {
    const input = { migrationId, device: d, options: OPTIONS };
    handles.set(d.serialNumber, await startDeviceMigration(env.client, taskQueue, input));
  }
  await fleet.visibleWhen(
    (d) =>
      d.get(DONE)?.running === false &&
      d.get(MISS)?.status === 'failed' &&
      d.get(WAIT)?.status === 'reenrolling' &&
      d.get(ABM)?.status === 'abm_reassignment_pending',
  );
  return fleet;
}
