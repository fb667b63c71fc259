import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { deviceStart, startDeviceMigration } from '../../src/temporal/start-device';
import type { migrateDevice } from '../../src/workflows/device/workflow';
import { abmReassignmentConfirmed, type MigrateDeviceInput } from '../../src/workflows/device/messages';
import { FakeWorld } from './fake-world';
import { installTestRuntime, testWorker, timeSkippingEnv } from './temporal';

export interface DeviceWorkflowTests {
  readonly env: TestWorkflowEnvironment;
  /** Starts a device workflow (optionally with the ABM confirmation signal first); closed after the test. */
  start(
    taskQueue: string,
    input: MigrateDeviceInput,
    confirmAbmFirst?: boolean,
  ): Promise<WorkflowHandle<typeof migrateDevice>>;
  /** Runs `fn` while a worker with the world's activities polls a fresh task queue. */
  withWorker<T>(world: FakeWorld, fn: (taskQueue: string) => Promise<T>): Promise<T>;
}

/** The time-skipping server and FakeWorld workers of the device workflow tests, set up per test file. */
export function deviceWorkflowTests(): DeviceWorkflowTests {
  let env: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    installTestRuntime();
    env = await timeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });
  // A workflow left open without a worker holds the time-skipping server's clock still: close each one.
  const started: WorkflowHandle[] = [];
  afterEach(async () => {
    for (const handle of started.splice(0)) await handle.terminate('test over').catch(() => undefined);
  });
  const ready = (): TestWorkflowEnvironment => {
    if (!env) throw new Error('the time-skipping server is not up (use inside a test)');
    return env;
  };

  return {
    get env() {
      return ready();
    },
    async start(taskQueue, i, confirmAbmFirst = false) {
      const client = ready().client;
      const handle = confirmAbmFirst
        ? await client.workflow.signalWithStart('migrateDevice', {
            ...deviceStart(taskQueue, i),
            signal: abmReassignmentConfirmed,
            signalArgs: [{ by: 'admin' }],
          })
        : await startDeviceMigration(client, taskQueue, i);
      started.push(handle);
      return handle as WorkflowHandle<typeof migrateDevice>;
    },
    async withWorker(world, fn) {
      const { worker, taskQueue } = await testWorker(ready(), world.activities(), { prefix: 'device' });
      return worker.runUntil(fn(taskQueue));
    },
  };
}

/** A world whose target has the test device's user. */
export function worldWithUser(): FakeWorld {
  const world = new FakeWorld();
  world.addUser('jane.doe@corp.example', 'jdoe');
  return world;
}
