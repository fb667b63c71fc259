/**
 * The Workspace ONE simulator's side of an ABM migration with a deadline, on a fake clock so that every
 * boundary is exact: the device leaves the source without an erase and enrolls in the target via ADE.
 */
import { SOURCE, TARGET, fixtureSimulatorPerTest } from '../simulators/ws1-fixture';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const COMMAND_DELAY = 1_000;
const ENROLL_DELAY = 5_000;
/** In the fixture's source, listed in the target's ADE devices with the "Ferry ADE" profile. */
const ADE_IPHONE = 'IOSADE0002';
/** In the fixture's source, not in the target's ADE devices. */
const NON_ADE_IPHONE = 'IOSSTD0001';

let now: number;
beforeEach(() => (now = T0));
const { sim, target } = fixtureSimulatorPerTest({
  clock: () => now,
  behaviour: { commandDelayMs: COMMAND_DELAY, enrollDelayMs: ENROLL_DELAY },
});

const sourceStatus = (serial: string) => sim.device(SOURCE, serial)?.enrollmentStatus;

describe('Workspace ONE simulator: a device leaving by ABM migration', () => {
  it('when the migration starts, then Enrolled in the source until commandDelayMs, then ADE-enrolled in the target to the staging user', async () => {
    sim.startAbmMigration(SOURCE, ADE_IPHONE);

    now = T0 + COMMAND_DELAY - 1;
    expect(sourceStatus(ADE_IPHONE)).toBe('Enrolled');
    now = T0 + COMMAND_DELAY;
    expect(sourceStatus(ADE_IPHONE)).toBe('Unenrolled');
    now = T0 + COMMAND_DELAY + ENROLL_DELAY - 1;
    expect(sim.device(TARGET, ADE_IPHONE)).toBeUndefined();
    now = T0 + COMMAND_DELAY + ENROLL_DELAY;

    const staging = sim.tenant(TARGET).adeProfiles.find((p) => p.name === 'Ferry ADE')?.defaultStagingUserId;
    expect(sim.device(TARGET, ADE_IPHONE)).toMatchObject({
      enrollmentStatus: 'Enrolled',
      enrolledViaDep: true,
      userId: staging,
    });
    expect(await target.findDevice('Serialnumber', ADE_IPHONE)).toMatchObject({
      enrollmentStatus: 'Enrolled',
      enrolledViaDep: true,
    });
    expect(sim.ledger({ serialNumber: ADE_IPHONE }).map((e) => [e.tenant, e.kind, e.detail?.path])).toEqual([
      [SOURCE, 'admin.device.abm_migration', undefined],
      [TARGET, 'device.enrolled', 'ade'],
    ]);
    // No erase and no retire: the source never received a command for it.
    expect(sim.tenant(SOURCE).commands).toEqual([]);
  });

  it('when cancelled before the device leaves, then it stays enrolled in the source; after it left, cancel is refused', async () => {
    sim.startAbmMigration(SOURCE, ADE_IPHONE);
    now = T0 + COMMAND_DELAY - 1;
    expect(sim.cancelAbmMigration(SOURCE, ADE_IPHONE)).toBe(true);
    now = T0 + 10 * (COMMAND_DELAY + ENROLL_DELAY);
    expect(sourceStatus(ADE_IPHONE)).toBe('Enrolled');
    expect(sim.device(TARGET, ADE_IPHONE)).toBeUndefined();
    expect(sim.cancelAbmMigration(SOURCE, ADE_IPHONE)).toBe(false);

    sim.startAbmMigration(SOURCE, ADE_IPHONE);
    now += COMMAND_DELAY;
    expect(sim.cancelAbmMigration(SOURCE, ADE_IPHONE)).toBe(false);
    expect(sourceStatus(ADE_IPHONE)).toBe('Unenrolled');
    expect(sim.ledger({ kind: 'admin.device.abm_migration_cancelled' })).toHaveLength(1);
  });

  it('when the target does not list the device for ADE, then it leaves but never enrolls, even with a token', async () => {
    const og = sim.tenant(TARGET).groups[0]!.uuid;
    const jane = sim.tenant(TARGET).users.find((u) => u.userName === 'jdoe')!;
    await target.issueRegistrationToken(og, {
      userUuid: jane.uuid,
      serialNumber: NON_ADE_IPHONE,
      platform: 'ios',
    });
    sim.startAbmMigration(SOURCE, NON_ADE_IPHONE);
    now = T0 + COMMAND_DELAY + ENROLL_DELAY * 2;
    expect(sourceStatus(NON_ADE_IPHONE)).toBe('Unenrolled');
    expect(sim.device(TARGET, NON_ADE_IPHONE)).toBeUndefined();
  });

  it('when the device is an Android phone or unknown, then startAbmMigration throws', () => {
    expect(() => sim.startAbmMigration(SOURCE, 'ANDLEG0003')).toThrow(/not an iPhone/);
    expect(() => sim.startAbmMigration(SOURCE, 'NOSUCHDEVICE')).toThrow(/has no device/);
    expect(sim.ledger({ kind: 'admin.device.abm_migration' })).toEqual([]);
  });
});
