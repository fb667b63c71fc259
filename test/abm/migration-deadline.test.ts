import axios from 'axios';
import type { SimAbmActivity } from '../../src/services/abm/simulator';
import { NEW_SERVER, OLD_SERVER, bearer, failure, serials, startEnv, type Env } from './fixture';

const DAY = 86_400_000;
const DEADLINE_TYPE = 'ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE';

describe('ABM: assignment with an MDM migration deadline', () => {
  let env: Env | undefined;
  afterEach(async () => {
    await env?.sim.close();
    env = undefined;
  });

  const assignWithDeadline = (deadline: Date, devices = serials(1)) =>
    env!.client.createDeviceActivity({
      activityType: DEADLINE_TYPE,
      mdmServerId: NEW_SERVER,
      serials: devices,
      deadline,
    });

  async function settled(id: string) {
    for (let i = 0; i < 50; i++) {
      const activity = await env!.client.getDeviceActivity(id);
      if (activity.status !== 'IN_PROGRESS') return activity;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('activity never completed');
  }

  it('when the deadline is more than 90 days ahead or in the past, then 409 ENTITY_ERROR', async () => {
    env = await startEnv();
    for (const deadline of [new Date(Date.now() + 91 * DAY), new Date(Date.now() - 60_000)]) {
      const err = await failure(assignWithDeadline(deadline));
      expect(err).toMatchObject({ name: 'InvalidRequest', status: 409, remoteCode: 'ENTITY_ERROR' });
    }
    await expect(assignWithDeadline(new Date(Date.now() + 89 * DAY))).resolves.toMatchObject({
      status: 'IN_PROGRESS',
    });
  });

  it("when the deadline is missing, then 409 with Apple's error body (the client refuses before sending)", async () => {
    env = await startEnv();
    const body = {
      data: {
        type: 'orgDeviceActivities',
        attributes: { activityType: DEADLINE_TYPE },
        relationships: {
          mdmServer: { data: { type: 'mdmServers', id: NEW_SERVER } },
          devices: { data: [{ type: 'orgDevices', id: serials(1)[0] }] },
        },
      },
    };
    const response = await axios.post(`${env.sim.url}/v1/orgDeviceActivities`, body, {
      headers: { Authorization: await bearer(env) },
      validateStatus: () => true,
    });
    expect(response.status).toBe(409);
    expect(response.data).toEqual({
      errors: [
        expect.objectContaining({
          status: '409',
          code: 'ENTITY_ERROR',
          detail: expect.stringContaining('mdmMigrationDeadlineDateTime'),
        }),
      ],
    });
    expect(env.sim.activities()).toEqual([]);
  });

  it('when the activity completes, then the device shows REQUESTED and the deadline; a cancel clears both and keeps the assignment', async () => {
    // A manual clock the test advances: on the real one the "not moved yet" read races the 100 ms delay.
    let now = Date.now();
    env = await startEnv({ deviceCount: 2, assignDelayMs: 100, clock: () => now });
    const [serial = '', untouched = ''] = serials(2);
    const deadline = new Date(Date.now() + 30 * DAY);
    const created = await assignWithDeadline(deadline, [serial]);
    const before = await env.client.getOrgDevice(serial);
    expect(before.isMdmMigrationCapable).toBe(true);
    expect(before.mdmMigrationStatus).toBeUndefined();

    now += 100;
    await settled(created.id);

    expect(await env.client.getOrgDevice(serial)).toMatchObject({
      status: 'ASSIGNED',
      mdmMigrationStatus: 'REQUESTED',
      mdmMigrationDeadlineDateTime: deadline.toISOString(),
    });
    expect(await env.client.getAssignedServerId(serial)).toBe(NEW_SERVER);
    const other = (await env.client.listOrgDevices()).find((d) => d.serialNumber === untouched);
    expect(other?.mdmMigrationStatus).toBeUndefined();

    const cancel = await env.client.createDeviceActivity({
      activityType: 'CANCEL_MDM_MIGRATION',
      serials: [serial, untouched],
    });
    expect(env.sim.apiRequests().at(-1)).toEqual({ method: 'POST', path: '/v1/orgDeviceActivities' });
    now += 100;
    // The untouched device had no migration to cancel: its line of Apple's log fails.
    expect(await settled(cancel.id)).toMatchObject({
      status: 'COMPLETED',
      subStatus: 'COMPLETED_WITH_ERROR',
    });
    const after = await env.client.getOrgDevice(serial);
    expect(after).toMatchObject({ status: 'ASSIGNED' });
    expect(after.mdmMigrationStatus).toBeUndefined();
    expect(after.mdmMigrationDeadlineDateTime).toBeUndefined();
    expect(await env.client.getAssignedServerId(serial)).toBe(NEW_SERVER);
  });

  it('when activities settle, then onActivityCompleted hears each once with the serials that moved', async () => {
    const heard: { activity: SimAbmActivity; moved: string[] }[] = [];
    const [a = '', b = '', c = ''] = serials(3);
    env = await startEnv({
      deviceCount: 3,
      leaveUnassigned: [b],
      onActivityCompleted: (activity, moved) => heard.push({ activity, moved }),
    });
    const deadline = new Date(Date.now() + 7 * DAY);

    const first = await assignWithDeadline(deadline, [a, b]);
    await settled(first.id);
    await settled(first.id);
    expect(heard).toEqual([
      {
        activity: expect.objectContaining({
          id: first.id,
          activityType: DEADLINE_TYPE,
          mdmServerId: NEW_SERVER,
          serials: [a, b],
          status: 'COMPLETED',
          mdmMigrationDeadlineAt: deadline.getTime(),
        }),
        moved: [a],
      },
    ]);
    expect(env.sim.device(b)).toMatchObject({ assignedServerId: OLD_SERVER });
    expect(env.sim.device(b)?.mdmMigrationStatus).toBeUndefined();

    // The fault is switched at run time: now b moves and c is the one left behind.
    env.sim.setLeaveUnassigned([c]);
    const second = await assignWithDeadline(deadline, [b, c]);
    await settled(second.id);
    expect(heard[1]?.moved).toEqual([b]);
    expect(env.sim.device(b)).toMatchObject({
      assignedServerId: NEW_SERVER,
      mdmMigrationStatus: 'REQUESTED',
    });
    expect(env.sim.device(c)).toMatchObject({ assignedServerId: OLD_SERVER });
  });
});
