/**
 * The simulated world with Apple Business Manager: the tenants and ABM wired together, so that an ABM
 * assignment with a deadline really moves the device (real HTTP, real timers).
 */
import {
  SOURCE_TENANT,
  TARGET_TENANT,
  startSimulatedTenants,
  type SimulatedTenants,
} from '../../src/demo/world';
import { ABM_SOURCE_SERVER, ABM_TARGET_SERVER, type SimulatedAbm } from '../../src/demo/simulated-abm';
import type { DeviceInput } from '../../src/workflows/device/messages';

const COMMAND_DELAY = 300;
const ENROLL_DELAY = 300;
const DAY = 86_400_000;

const FLEET: DeviceInput[] = [
  { serialNumber: 'FADE00000001', platform: 'ios', enrollmentKind: 'ade', userEmail: 'ada@corp.example' },
  { serialNumber: 'FADE00000002', platform: 'ios', enrollmentKind: 'ade', userEmail: 'ben@corp.example' },
  { serialNumber: 'FSTD00000003', platform: 'ios', enrollmentKind: 'standard', userEmail: 'cy@corp.example' },
  {
    serialNumber: 'RAND00000004',
    platform: 'android',
    enrollmentKind: 'legacy',
    userEmail: 'di@corp.example',
  },
  {
    serialNumber: 'FADE00000005',
    platform: 'ios',
    enrollmentKind: 'ade',
    userEmail: 'ed@corp.example',
    model: 'iPad Air',
  },
];
const [MIGRATING, CANCELLED, SPARE] = ['FADE00000001', 'FADE00000002', 'FADE00000005'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually<T>(check: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}

let tenants: SimulatedTenants;
let abm: SimulatedAbm;

beforeAll(async () => {
  tenants = await startSimulatedTenants(
    { devices: FLEET },
    { behaviour: { commandDelayMs: COMMAND_DELAY, enrollDelayMs: ENROLL_DELAY }, abm: { assignDelayMs: 50 } },
  );
  abm = tenants.abm!;
});

afterAll(() => tenants?.close());

/**
 * Polls the activity as Ferry does, sparingly (the simulated ABM allows Apple's ~20 GETs a minute):
 * ABM settles it (and the world reacts) on such a read, once its 50 ms have passed.
 */
async function settle(id: string): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await sleep(100);
    if ((await abm.client.getDeviceActivity(id)).status !== 'IN_PROGRESS') return;
  }
  throw new Error('activity never completed');
}

const assignWithDeadline = (serial: string) =>
  abm.client.createDeviceActivity({
    activityType: 'ASSIGN_DEVICES_WITH_MDM_MIGRATION_DEADLINE',
    mdmServerId: abm.targetServerId,
    serials: [serial],
    deadline: new Date(Date.now() + 14 * DAY),
  });

describe('startSimulatedTenants with abm', () => {
  it("when started, then ABM holds the fleet's ADE devices on the source's MDM server", async () => {
    expect(abm).toMatchObject({ sourceServerId: ABM_SOURCE_SERVER.id, targetServerId: ABM_TARGET_SERVER.id });
    expect(await abm.client.listMdmServers()).toEqual([
      expect.objectContaining({ id: ABM_SOURCE_SERVER.id, serverName: 'SOURCE-MDM' }),
      expect.objectContaining({ id: ABM_TARGET_SERVER.id, serverName: 'TARGET-MDM' }),
    ]);
    expect(await abm.client.listServerDeviceSerials(abm.sourceServerId)).toEqual([
      MIGRATING,
      CANCELLED,
      SPARE,
    ]);
    expect(await abm.client.listServerDeviceSerials(abm.targetServerId)).toEqual([]);
    // The ABM wait of the erase path now reads ABM instead of waiting for an admin.
    await expect(tenants.activities.awaitAbmAssignment({ serialNumber: MIGRATING })).rejects.toMatchObject({
      type: 'AbmNotYetAssigned',
    });
  });

  it("when ABM moves a device to or away from the target's server, then the target's ADE device list follows", async () => {
    const og = tenants.sim.tenant(TARGET_TENANT).groups[0]!.uuid;
    const listed = async () => (await tenants.target.listAdeDevices(og)).map((d) => d.serialNumber);
    expect(await listed()).toEqual([]);

    const assign = (mdmServerId: string) =>
      abm.client.createDeviceActivity({ activityType: 'ASSIGN_DEVICES', mdmServerId, serials: [SPARE] });
    await settle((await assign(abm.targetServerId)).id);
    expect(await tenants.target.listAdeDevices(og)).toEqual([
      expect.objectContaining({ serialNumber: SPARE, profileName: 'Ferry ADE' }),
    ]);
    expect(tenants.sim.tenant(TARGET_TENANT).adeDevices).toEqual([
      expect.objectContaining({ serialNumber: SPARE, model: 'iPad Air' }),
    ]);
    await settle((await assign(abm.sourceServerId)).id);
    expect(await listed()).toEqual([]);
  });

  it('when a deadline assignment completes, then the device leaves SOURCE and enrolls in TARGET via ADE to the staging user', async () => {
    await settle((await assignWithDeadline(MIGRATING)).id);
    expect(tenants.sim.device(SOURCE_TENANT, MIGRATING)?.enrollmentStatus).toBe('Enrolled');

    await eventually(() =>
      tenants.sim.device(SOURCE_TENANT, MIGRATING)?.enrollmentStatus === 'Unenrolled' ? true : undefined,
    );
    const enrolled = await eventually(() => tenants.sim.device(TARGET_TENANT, MIGRATING));
    const profile = tenants.sim.tenant(TARGET_TENANT).adeProfiles[0];
    expect(enrolled).toMatchObject({
      enrollmentStatus: 'Enrolled',
      enrolledViaDep: true,
      userId: profile?.defaultStagingUserId,
    });
    expect(tenants.sim.ledger({ serialNumber: MIGRATING }).map((e) => e.kind)).toEqual([
      'admin.device.abm_migration',
      'device.enrolled',
    ]);
    expect(await abm.client.getOrgDevice(MIGRATING)).toMatchObject({ mdmMigrationStatus: 'REQUESTED' });
    await expect(tenants.activities.awaitAbmAssignment({ serialNumber: MIGRATING })).resolves.toBe(
      'assigned',
    );
  });

  it("when ABM cancels the migration before the device acts, then it stays in SOURCE, still assigned to the target's server", async () => {
    // The user has not accepted the prompt yet, however slow this machine is between the two activities.
    const pace = tenants.sim.migrationOf(SOURCE_TENANT, CANCELLED);
    pace.commandDelayMs = 60_000;
    await settle((await assignWithDeadline(CANCELLED)).id);
    await settle(
      (await abm.client.createDeviceActivity({ activityType: 'CANCEL_MDM_MIGRATION', serials: [CANCELLED] }))
        .id,
    );

    // Back to the world's pace: a migration still pending would now move the device within the sleep.
    pace.commandDelayMs = COMMAND_DELAY;
    await sleep(2 * (COMMAND_DELAY + ENROLL_DELAY));
    expect(tenants.sim.device(SOURCE_TENANT, CANCELLED)?.enrollmentStatus).toBe('Enrolled');
    expect(tenants.sim.device(TARGET_TENANT, CANCELLED)).toBeUndefined();
    expect(tenants.sim.ledger({ serialNumber: CANCELLED }).map((e) => e.kind)).toEqual([
      'admin.device.abm_migration',
      'admin.device.abm_migration_cancelled',
    ]);
    // Apple's cancel stops the migration, not the assignment: Ferry's rollback moves the device back itself.
    expect(await abm.client.getAssignedServerId(CANCELLED)).toBe(abm.targetServerId);
  });

  it('when started without abm, then there is no ABM', async () => {
    const plain = await startSimulatedTenants({ devices: FLEET.slice(0, 1) });
    try {
      expect(plain.abm).toBeUndefined();
      await expect(plain.activities.awaitAbmAssignment({ serialNumber: MIGRATING })).resolves.toBe(
        'not_configured',
      );
    } finally {
      await plain.close();
    }
  });
});
