import { ServiceError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createFleetActivities } from '../../src/activities/fleet';
import { runningDevicesQuery } from '../../src/temporal/visibility-queries';
import type { FileMigrationStore } from '../../src/services/device-lists/store';
import { DEVICES_STILL_RUNNING } from '../../src/workflows/fleet/messages';
import { DEFAULT_MIGRATION_OPTIONS, deviceWorkflowId } from '../../src/workflows/device/messages';
import { device } from '../helpers/devices';
import { startFleetSuite, uniqueTaskQueue, type FleetSuite } from '../helpers/temporal';

/**
 * The fleet activities against the dev server, run as a worker would run a retried attempt
 * (MockActivityEnvironment carries the heartbeat of the attempt before). No worker polls the device
 * task queue: the device workflows stay Running, which is all these tests need.
 */
let env: TestWorkflowEnvironment;
let store: FileMigrationStore;
let suite: FleetSuite;
const migrationIds: string[] = [];

beforeAll(async () => {
  suite = await startFleetSuite('ferry-fleet-acts-');
  ({ env, store } = suite);
});

afterAll(async () => {
  for (const migrationId of migrationIds) {
    for await (const wf of env.client.workflow.list({ query: `FerryMigrationId = '${migrationId}'` })) {
      if (wf.status.name === 'RUNNING')
        await env.client.workflow.getHandle(wf.workflowId).terminate('test over');
    }
  }
  await suite?.close();
});

async function newMigration(count: number): Promise<string> {
  const migrationId = `acts-${Math.random().toString(36).slice(2, 8)}`;
  migrationIds.push(migrationId);
  const devices = Array.from({ length: count }, (_, i) => device({ serialNumber: `${migrationId}-SN${i}` }));
  await store.saveDeviceList(migrationId, devices);
  return migrationId;
}

/** The real client, with its workflow starts recorded and, optionally, a crash after `crashAfter` of them. */
function recordingClient(starts: string[], crashAfter = Infinity): Client {
  const real = env.client;
  const workflow = Object.create(real.workflow, {
    start: {
      value: (...args: Parameters<Client['workflow']['start']>) => {
        if (starts.length >= crashAfter) throw new Error('worker lost');
        starts.push(args[1].workflowId);
        return real.workflow.start(...args);
      },
    },
  });
  return Object.create(real, { workflow: { value: workflow } }) as Client;
}

async function executionsOf(migrationId: string, expected: number): Promise<string[]> {
  let ids: string[] = [];
  for (let i = 0; i < 50; i++) {
    ids = [];
    for await (const wf of env.client.workflow.list({ query: `FerryMigrationId = '${migrationId}'` })) {
      ids.push(wf.workflowId);
    }
    if (ids.length >= expected) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return ids.sort();
}

const batch = (migrationId: string) => ({
  migrationId,
  offset: 0,
  limit: 10,
  options: DEFAULT_MIGRATION_OPTIONS,
});

test('when startDeviceBatch is retried after a crash, then it resumes after its last heartbeat and starts no device twice', async () => {
  const migrationId = await newMigration(10);
  const deviceTaskQueue = uniqueTaskQueue('fleet-acts');
  const starts: string[] = [];

  // The crash is expected: keep the SDK's 'Activity failed' warning out of the test output.
  const first = new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR') });
  let lastHeartbeat: unknown;
  first.on('heartbeat', (d: unknown) => (lastHeartbeat = d));
  const crashing = createFleetActivities({ client: recordingClient(starts, 6), store, deviceTaskQueue });
  await expect(first.run(crashing.startDeviceBatch, batch(migrationId))).rejects.toThrow('worker lost');
  expect(lastHeartbeat).toEqual({ index: 6, started: 6, alreadyStarted: 0 });

  const retry = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: lastHeartbeat });
  const acts = createFleetActivities({ client: recordingClient(starts), store, deviceTaskQueue });
  expect(await retry.run(acts.startDeviceBatch, batch(migrationId))).toEqual({
    started: 10,
    alreadyStarted: 0,
    notStarted: 0,
    nextOffset: 10,
    done: false,
  });

  const expected = Array.from({ length: 10 }, (_, i) =>
    deviceWorkflowId(migrationId, `${migrationId}-SN${i}`),
  );
  expect([...starts].sort()).toEqual([...expected].sort());
  expect(await executionsOf(migrationId, 10)).toEqual([...expected].sort());
});

test('when a batch is re-run without its heartbeat, then running devices are reused and a closed one counts as already started', async () => {
  const migrationId = await newMigration(4);
  const deviceTaskQueue = uniqueTaskQueue('fleet-acts');
  const acts = createFleetActivities({ client: env.client, store, deviceTaskQueue });
  const input = { ...batch(migrationId), limit: 4 };
  expect(await new MockActivityEnvironment().run(acts.startDeviceBatch, input)).toMatchObject({
    started: 4,
    alreadyStarted: 0,
    notStarted: 0,
  });
  await env.client.workflow.getHandle(deviceWorkflowId(migrationId, `${migrationId}-SN0`)).terminate('done');

  expect(await new MockActivityEnvironment({ attempt: 2 }).run(acts.startDeviceBatch, input)).toEqual({
    started: 3,
    alreadyStarted: 1,
    notStarted: 0,
    nextOffset: 4,
    done: false,
  });
  expect(await executionsOf(migrationId, 4)).toHaveLength(4);
  // Past the end of the list: nothing to start, and the list is done.
  expect(await new MockActivityEnvironment().run(acts.startDeviceBatch, { ...input, offset: 4 })).toEqual({
    started: 0,
    alreadyStarted: 0,
    notStarted: 0,
    nextOffset: 4,
    done: true,
  });
});

test('when countRunningDevices waits for room, then it answers a benign DevicesStillRunning until there is', async () => {
  const migrationId = await newMigration(3);
  const acts = createFleetActivities({ client: env.client, store, deviceTaskQueue: uniqueTaskQueue() });
  await new MockActivityEnvironment().run(acts.startDeviceBatch, { ...batch(migrationId), limit: 3 });
  await executionsOf(migrationId, 3);

  const count = (below?: number) =>
    new MockActivityEnvironment().run(acts.countRunningDevices, { migrationId, below });
  expect(await count()).toBe(3);
  expect(await count(4)).toBe(3);
  const busy = await count(3).catch((e: unknown) => e);
  expect(busy).toBeInstanceOf(ApplicationFailure);
  expect(busy).toMatchObject({ type: DEVICES_STILL_RUNNING, category: 'BENIGN', nonRetryable: false });
});

test('when cancelMigrationDevices finds recent devices that already closed, then it counts neither cancels nor skips', async () => {
  const migrationId = await newMigration(3);
  const acts = createFleetActivities({ client: env.client, store, deviceTaskQueue: uniqueTaskQueue() });
  await new MockActivityEnvironment().run(acts.startDeviceBatch, { ...batch(migrationId), limit: 3 });
  for (const id of await executionsOf(migrationId, 3)) {
    await env.client.workflow.getHandle(id).terminate('finished');
  }
  const running = () => env.client.workflow.count(runningDevicesQuery(migrationId));
  for (let i = 0; i < 50 && (await running()).count > 0; i++) await new Promise((r) => setTimeout(r, 100));

  const result = await new MockActivityEnvironment().run(acts.cancelMigrationDevices, {
    migrationId,
    by: 'ops',
    recent: { offset: 0, limit: 3 },
  });
  expect(result).toEqual({ cancelled: 0, skipped: 0 });
});

/** A client whose workflow starts fail with the gRPC answer `details` (code INVALID_ARGUMENT). */
function refusingClient(details: string): Client {
  const real = env.client;
  const grpc = Object.assign(new Error(`3 INVALID_ARGUMENT: ${details}`), { code: 3, details, metadata: {} });
  const workflow = Object.create(real.workflow, {
    start: { value: () => Promise.reject(new ServiceError('Failed to start Workflow', { cause: grpc })) },
  });
  return Object.create(real, { workflow: { value: workflow } }) as Client;
}

test('when Temporal refuses starts for a namespace-wide reason, then the batch fails and records no device', async () => {
  const migrationId = await newMigration(2);
  const acts = createFleetActivities({
    client: refusingClient('no mapping defined for search attribute FerryMigrationId'),
    store,
    deviceTaskQueue: uniqueTaskQueue('refused'),
  });
  await expect(new MockActivityEnvironment().run(acts.startDeviceBatch, batch(migrationId))).rejects.toThrow(
    'Failed to start Workflow',
  );
  expect(await store.readNotStarted(migrationId)).toEqual([]);

  // A limit the row broke is the row's: recorded, and the batch goes on.
  const rows = createFleetActivities({
    client: refusingClient('WorkflowId length exceeds limit.'),
    store,
    deviceTaskQueue: uniqueTaskQueue('refused'),
  });
  expect(await new MockActivityEnvironment().run(rows.startDeviceBatch, batch(migrationId))).toMatchObject({
    started: 0,
    notStarted: 2,
  });
  expect((await store.readNotStarted(migrationId)).map((d) => d.offset)).toEqual([0, 1]);
});
