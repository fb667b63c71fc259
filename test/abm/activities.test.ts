import { NEW_SERVER, OLD_SERVER, serials, startEnv, type Env } from './fixture';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ABM device activities', () => {
  let env: Env | undefined;
  afterEach(async () => {
    await env?.sim.close();
    env = undefined;
  });

  async function completed(id: string) {
    for (let i = 0; i < 50; i++) {
      const activity = await env!.client.getDeviceActivity(id);
      if (activity.status !== 'IN_PROGRESS') return activity;
      await sleep(25);
    }
    throw new Error('activity never completed');
  }

  it('when devices are assigned, then the activity completes and each device shows the target', async () => {
    // A manual clock the test advances: on the real one the "not moved yet" read races the 150 ms delay.
    let now = Date.now();
    env = await startEnv({ deviceCount: 3, assignDelayMs: 150, clock: () => now });
    const [a = '', b = ''] = serials(2);
    const created = await env.client.createDeviceActivity({
      activityType: 'ASSIGN_DEVICES',
      mdmServerId: NEW_SERVER,
      serials: [a, b],
    });
    expect(created).toMatchObject({ status: 'IN_PROGRESS', subStatus: 'SUBMITTED' });
    expect(await env.client.getAssignedServerId(a)).toBe(OLD_SERVER);

    now += 150;
    const done = await completed(created.id);
    expect(done).toMatchObject({ status: 'COMPLETED', subStatus: 'COMPLETED_WITH_SUCCESS' });
    expect(done.completedDateTime).toEqual(expect.any(String));
    expect(await env.client.getAssignedServerId(a)).toBe(NEW_SERVER);
    expect(await env.client.getAssignedServerId(b)).toBe(NEW_SERVER);
    expect(await env.client.getAssignedServerId(serials(3)[2] ?? '')).toBe(OLD_SERVER);
    expect(env.sim.activities()).toEqual([
      expect.objectContaining({ mdmServerId: NEW_SERVER, serials: [a, b] }),
    ]);
  });

  it('when Apple reports COMPLETED but leaves a serial behind, then re-reading assignedServer shows it', async () => {
    const [moved = '', stuck = ''] = serials(2);
    env = await startEnv({ deviceCount: 2, leaveUnassigned: [stuck] });
    const created = await env.client.createDeviceActivity({
      activityType: 'ASSIGN_DEVICES',
      mdmServerId: NEW_SERVER,
      serials: [moved, stuck],
    });
    expect((await completed(created.id)).status).toBe('COMPLETED');
    const notMoved = [];
    for (const serial of [moved, stuck]) {
      if ((await env.client.getAssignedServerId(serial)) !== NEW_SERVER) notMoved.push(serial);
    }
    expect(notMoved).toEqual([stuck]);
    expect(env.sim.assignedServer(stuck)).toBe(OLD_SERVER);
  });

  it('when devices are unassigned, then assignedServer reads undefined and status UNASSIGNED', async () => {
    env = await startEnv({ deviceCount: 1 });
    const [serial = ''] = serials(1);
    // Apple's unassign names the server the devices leave; the client refuses it without one.
    await expect(
      env.client.createDeviceActivity({ activityType: 'UNASSIGN_DEVICES', serials: [serial] }),
    ).rejects.toMatchObject({ type: 'InvalidRequest' });
    const created = await env.client.createDeviceActivity({
      activityType: 'UNASSIGN_DEVICES',
      mdmServerId: OLD_SERVER,
      serials: [serial],
    });
    await completed(created.id);
    expect(await env.client.getAssignedServerId(serial)).toBeUndefined();
    expect((await env.client.getOrgDevice(serial)).status).toBe('UNASSIGNED');
  });

  it('when a migration deadline is given, then the simulator accepts it; when missing, the client refuses', async () => {
    env = await startEnv({ deviceCount: 1 });
    const deadline = new Date(Date.now() + 7 * 86_400_000);
    const created = await env.client.createDeviceActivity({
      activityType: 'ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE',
      mdmServerId: NEW_SERVER,
      serials: serials(1),
      deadline,
    });
    expect(created.status).toBe('IN_PROGRESS');
    await expect(
      env.client.createDeviceActivity({
        activityType: 'ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE',
        mdmServerId: NEW_SERVER,
        serials: serials(1),
      }),
    ).rejects.toMatchObject({ name: 'InvalidRequest' });
  });
});
