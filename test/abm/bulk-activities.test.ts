import { MockActivityEnvironment, type TestWorkflowEnvironment } from '@temporalio/testing';
import { AbmTargetServerCheck } from '../../src/services/abm/gateway';
import { createAbmBulkActivities, type AbmBatchResult } from '../../src/activities/fleet/abm-bulk';
import { createAbmRollbackActivities } from '../../src/activities/device/abm-rollback';
import { NO_DEVICES_AWAITING_ABM } from '../../src/workflows/fleet/messages';
import { devServerEnv, installTestRuntime } from '../helpers/temporal';
import { NEW_SERVER, OLD_SERVER, serials, startEnv, type Env } from './fixture';

/**
 * The bulk ABM activities and the rollback over HTTP against the ABM simulator, in a mock activity
 * context. No device workflow runs here, so every device counts as closed when the batch tells it.
 */
let temporal: TestWorkflowEnvironment;
let abm: Env | undefined;

beforeAll(async () => {
  installTestRuntime();
  temporal = await devServerEnv();
});
afterAll(() => temporal?.teardown());
afterEach(async () => {
  await abm?.sim.close();
  abm = undefined;
});

/** ABM with `count` devices, those in `onTarget` already on the target's server, the rest on the old one. */
async function startAbm(count: number, onTarget: string[] = [], sim: Parameters<typeof startEnv>[0] = {}) {
  const devices = serials(count).map((serial) => ({
    serial,
    assignedServerId: onTarget.includes(serial) ? NEW_SERVER : OLD_SERVER,
  }));
  abm = await startEnv({ ...sim, devices });
  return abm;
}

/** The worker's ABM servers; a rollback moves devices back to `sourceServerId` when it is known. */
const check = (servers: { sourceServerId?: string } = { sourceServerId: OLD_SERVER }) =>
  new AbmTargetServerCheck(abm!.client, { targetServerId: NEW_SERVER, ...servers, activityPollMs: 20 });
const bulk = () => createAbmBulkActivities({ client: temporal.client, abm: check() });
const types = () => abm!.sim.activities().map((a) => `${a.activityType}:${a.serials.join('+')}`);

test('when the worker has no ABM credentials, then the bulk assignment fails for good, naming the settings', async () => {
  const activities = createAbmBulkActivities({ client: temporal.client });
  await expect(
    new MockActivityEnvironment().run(activities.assignDevicesInAbm, { migrationId: 'm', serials: ['X'] }),
  ).rejects.toMatchObject({
    type: 'AbmNotConfigured',
    nonRetryable: true,
    message: expect.stringMatching(/ABM_CLIENT_ID/),
  });
});

test('when part of a batch is already on the target, then only the rest is sent, and what Ferry assigned for closed devices is undone', async () => {
  const [s0, s1, s2] = serials(3) as [string, string, string];
  await startAbm(3, [s2], { assignDelayMs: 50 });
  const result: AbmBatchResult = await new MockActivityEnvironment().run(bulk().assignDevicesInAbm, {
    migrationId: 'closed-migration',
    serials: [s0, s1, s2],
    deadline: new Date(Date.now() + 14 * 86_400_000).toISOString(),
  });
  expect(result).toEqual(
    expect.objectContaining({ assigned: 3, alreadyAssigned: 1, notAssigned: [], undone: [s0, s1] }),
  );
  expect(types()).toEqual([
    `ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE:${s0}+${s1}`,
    `CANCEL_MDM_MIGRATION:${s0}+${s1}`,
    `ASSIGN_DEVICES:${s0}+${s1}`,
  ]);
  expect([s0, s1].map((s) => abm!.sim.device(s)?.mdmMigrationStatus)).toEqual([undefined, undefined]);
  expect(abm!.sim.assignedServer(s0)).toBe(OLD_SERVER); // back where it came from
  expect(abm!.sim.assignedServer(s2)).toBe(NEW_SERVER); // not Ferry's to undo
});

const assignedServerReads = () =>
  abm!.sim.apiRequests().filter((r) => r.path.endsWith('/relationships/assignedServer')).length;

test('when Apple reports the batch done but leaves devices, then one list of the source server names where ABM shows them', async () => {
  const [s0, s1, s2] = serials(3) as [string, string, string];
  await startAbm(3, [], { leaveUnassigned: [s1, s2] });
  const result: AbmBatchResult = await new MockActivityEnvironment().run(bulk().assignDevicesInAbm, {
    migrationId: 'closed-migration',
    serials: [s0, s1, s2],
  });
  expect(result.notAssigned).toEqual([
    { serial: s1, assignedServer: OLD_SERVER },
    { serial: s2, assignedServer: OLD_SERVER },
  ]);
  expect(result.assigned).toBe(1);
  expect(assignedServerReads()).toBe(0);
});

test("when the worker does not know the source's server, then each device Apple left is read on its own", async () => {
  const [s0, s1] = serials(2) as [string, string];
  await startAbm(2, [], { leaveUnassigned: [s1] });
  const activities = createAbmBulkActivities({ client: temporal.client, abm: check({}) });
  const result: AbmBatchResult = await new MockActivityEnvironment().run(activities.assignDevicesInAbm, {
    migrationId: 'closed-migration',
    serials: [s0, s1],
  });
  expect(result.notAssigned).toEqual([{ serial: s1, assignedServer: OLD_SERVER }]);
  expect(assignedServerReads()).toBe(1);
});

test('when a retried attempt finds the activity its predecessor created, then it follows it instead of sending another', async () => {
  const [s0] = serials(1) as [string];
  const { client } = await startAbm(1, [], { assignDelayMs: 50 });
  const earlier = await client.createDeviceActivity({
    activityType: 'ASSIGN_DEVICES',
    mdmServerId: NEW_SERVER,
    serials: [s0],
  });
  const retried = new MockActivityEnvironment({
    heartbeatDetails: { toAssign: [s0], activityId: earlier.id },
  });
  const result: AbmBatchResult = await retried.run(bulk().assignDevicesInAbm, {
    migrationId: 'closed-migration',
    serials: [s0],
  });
  expect(result.activityId).toBe(earlier.id);
  const toTarget = abm!.sim.activities().filter((a) => a.mdmServerId === NEW_SERVER);
  expect(toTarget).toHaveLength(1);
});

test('when no device of the migration waits, then the search fails benignly for the workflow to poll again', async () => {
  await expect(
    new MockActivityEnvironment().run(
      createAbmBulkActivities({ client: temporal.client }).findDevicesAwaitingAbm,
      {
        migrationId: `none-${Date.now()}`,
        limit: 10,
      },
    ),
  ).rejects.toMatchObject({ type: NO_DEVICES_AWAITING_ABM });
});

const undoAll = (servers: { sourceServerId?: string }, devices: string[]) => {
  const { undoAbmAssignment } = createAbmRollbackActivities(check(servers));
  return Promise.all(
    devices.map((serialNumber): Promise<{ detail: string }> =>
      new MockActivityEnvironment().run(undoAbmAssignment, { serialNumber }),
    ),
  );
};

test('when devices are cancelled together, then one cancel and one move back cover those on the target; the rest have nothing to undo', async () => {
  const [s0, s1, s2] = serials(3) as [string, string, string];
  const { sim } = await startAbm(3, [s0, s1], { assignDelayMs: 50 });
  const results = await undoAll({ sourceServerId: OLD_SERVER }, [s0, s1, s2]);
  const ids = sim.activities().map((a) => a.id);
  const undone = `ABM migration cancelled and the device assigned back to MDM server ${OLD_SERVER} (activities ${ids.join(', ')})`;
  expect(results.map((r) => r.detail)).toEqual([
    undone,
    undone,
    'ABM shows the device off the target MDM server: nothing to undo',
  ]);
  expect(types()).toEqual([`CANCEL_MDM_MIGRATION:${s0}+${s1}`, `ASSIGN_DEVICES:${s0}+${s1}`]);
  expect(sim.activities()[1]!.mdmServerId).toBe(OLD_SERVER);
});

test("when the worker does not know the source's server, then the rollback unassigns the devices from the target", async () => {
  const [s0] = serials(1) as [string];
  const { sim } = await startAbm(1, [s0], { assignDelayMs: 50 });
  const [result] = await undoAll({}, [s0]);
  expect(result!.detail).toMatch(
    /^ABM migration cancelled and the device unassigned from the target MDM server/,
  );
  expect(types()).toEqual([`CANCEL_MDM_MIGRATION:${s0}`, `UNASSIGN_DEVICES:${s0}`]);
  expect(sim.activities()[1]!.mdmServerId).toBe(NEW_SERVER);
  expect(sim.assignedServer(s0)).toBeUndefined();
});
