import { MockActivityEnvironment } from '@temporalio/testing';
import { AbmTargetServerCheck } from '../../src/services/abm/gateway';
import { createAdeActivities } from '../../src/activities/device/ade';
import { withTypedFailures } from '../../src/activities/typed-failures';
import { TargetTenant } from '../../src/services/workspace-one/target-tenant';
import type { WorkspaceOneClient } from '../../src/services/workspace-one';
import { NEW_SERVER, serials, startEnv, type Env } from './fixture';

let env: Env;
beforeAll(async () => {
  env = await startEnv({ deviceCount: 2, assignDelayMs: 50, leaveUnassigned: [serials(2)[1]!] });
});
afterAll(() => env?.sim.close());

/** The ABM wait's automatic check: the worker side of "confirmation without a human". */
function awaitAbmAssignment() {
  // The ABM check reads Apple only; the target tenant is never called on this path.
  const target = new TargetTenant({} as WorkspaceOneClient, 'unused');
  return withTypedFailures(
    // Checks asked within 100 ms share a read (6 s in production): the test need not wait that long.
    createAdeActivities(
      target,
      new AbmTargetServerCheck(env.client, { targetServerId: NEW_SERVER, checkWindowMs: 100 }),
    ),
  ).awaitAbmAssignment;
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100 && !(await check()); i++) await new Promise((r) => setTimeout(r, 20));
}

test('when ABM shows the device on the target MDM server, then the wait ends without a human; before that it retries', async () => {
  const [moved, notMoved] = serials(2) as [string, string];
  const check = awaitAbmAssignment();
  const mock = new MockActivityEnvironment();
  await expect(mock.run(check, { serialNumber: moved })).rejects.toMatchObject({
    type: 'AbmNotYetAssigned',
    nonRetryable: false,
  });

  const activity = await env.client.createDeviceActivity({
    activityType: 'ASSIGN_DEVICES',
    mdmServerId: NEW_SERVER,
    serials: [moved, notMoved],
  });
  await until(async () => (await env.client.getDeviceActivity(activity.id)).status === 'COMPLETED');

  await expect(new MockActivityEnvironment().run(check, { serialNumber: moved })).resolves.toBe('assigned');
  // Apple said COMPLETED for both; the read-back shows the second never moved, so it keeps waiting.
  await expect(new MockActivityEnvironment().run(check, { serialNumber: notMoved })).rejects.toMatchObject({
    type: 'AbmNotYetAssigned',
  });
});
