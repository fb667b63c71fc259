/**
 * Device behaviour across tenants, on a fake clock so that every boundary is exact. Requests still go
 * over HTTP through the real client; only time is simulated.
 */
import { SOURCE, TARGET, fixtureSimulatorPerTest } from './ws1-fixture';

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const COMMAND_DELAY = 1_000;
const ENROLL_DELAY = 5_000;
const HOUR = 3_600_000;

let now: number;
beforeEach(() => (now = T0));
const { sim, source, target } = fixtureSimulatorPerTest({
  clock: () => now,
  behaviour: { commandDelayMs: COMMAND_DELAY, enrollDelayMs: ENROLL_DELAY },
});
beforeEach(() => (sim.tenant(TARGET).tokenLifetimeMs = HOUR));

const og = () => sim.tenant(TARGET).groups[0]!.uuid;
const issue = (serialNumber: string, email = 'jane.doe@corp.example') =>
  target.issueRegistrationToken(og(), {
    userUuid: sim.tenant(TARGET).users.find((u) => u.email.toLowerCase() === email)!.uuid,
    serialNumber,
    platform: 'ios',
  });
const targetStatus = (serial: string) => sim.device(TARGET, serial)?.enrollmentStatus;

describe('source device after a command', () => {
  it('when a retire is sent, then pending for commandDelayMs and Unenrolled from then on', async () => {
    await source.enterpriseWipe('IOSSTD0001');
    now = T0 + COMMAND_DELAY - 1;
    expect(sim.device(SOURCE, 'IOSSTD0001')?.enrollmentStatus).toBe('EnterpriseWipePending');
    now = T0 + COMMAND_DELAY;
    expect((await source.findDevice('Serialnumber', 'IOSSTD0001'))?.enrollmentStatus).toBe('Unenrolled');
  });

  it('when a retire is sent twice, then both are in the ledger and the first one sets the timeline', async () => {
    await source.enterpriseWipe('IOSSTD0001');
    now = T0 + 500;
    await source.enterpriseWipe('IOSSTD0001');
    now = T0 + COMMAND_DELAY;
    expect(sim.device(SOURCE, 'IOSSTD0001')?.enrollmentStatus).toBe('Unenrolled');
    expect(sim.ledger({ kind: 'command.EnterpriseWipe', serialNumber: 'IOSSTD0001' })).toHaveLength(2);
  });
});

describe('token enrollment', () => {
  it('when a valid token exists, then the device enrolls exactly enrollDelayMs after leaving the source', async () => {
    await issue('IOSSTD0001');
    await source.enterpriseWipe('IOSSTD0001');
    now = T0 + COMMAND_DELAY + ENROLL_DELAY - 1;
    expect(await target.findDevice('Serialnumber', 'IOSSTD0001')).toBeUndefined();
    now = T0 + COMMAND_DELAY + ENROLL_DELAY;
    expect(await target.findDevice('Serialnumber', 'IOSSTD0001')).toMatchObject({
      enrollmentStatus: 'Enrolled',
      userName: 'jdoe',
      lastEnrolledOn: new Date(now).toISOString(),
    });
    const token = sim.tenant(TARGET).tokens[0]!;
    expect(await target.getRegistrationToken(og(), token.uuid)).toMatchObject({
      status: 3,
      enrollmentStatus: 2,
    });
  });

  it('when the token expires at the moment of the attempt, then it is refused; a later token enrolls it', async () => {
    sim.tenant(TARGET).tokenLifetimeMs = COMMAND_DELAY + ENROLL_DELAY;
    await issue('IOSSTD0001');
    await source.enterpriseWipe('IOSSTD0001');
    now = T0 + 60_000;
    expect(targetStatus('IOSSTD0001')).toBeUndefined();
    const [expired] = await target.listRegistrationTokens(og(), 'IOSSTD0001');
    expect((await target.getRegistrationToken(og(), expired!.uuid)).status).toBe(2);

    sim.tenant(TARGET).tokenLifetimeMs = HOUR;
    await issue('IOSSTD0001');
    now = T0 + 60_000 + ENROLL_DELAY - 1;
    expect(targetStatus('IOSSTD0001')).toBeUndefined();
    now = T0 + 60_000 + ENROLL_DELAY;
    expect(targetStatus('IOSSTD0001')).toBe('Enrolled');
  });

  it('when the token is deleted before the attempt, then the device does not enroll', async () => {
    await issue('IOSSTD0001');
    await source.enterpriseWipe('IOSSTD0001');
    now = T0 + 2_000;
    const [token] = await target.listRegistrationTokens(og(), 'IOSSTD0001');
    await target.deleteRegistrationToken(og(), token!.uuid);
    now = T0 + HOUR;
    expect(targetStatus('IOSSTD0001')).toBeUndefined();
  });

  it('when the device has its own enrollDelayMs, then that delay applies', async () => {
    sim.seed({
      tenants: [
        { code: SOURCE, devices: [{ serialNumber: 'SLOW000001', platform: 'ios', enrollDelayMs: 20_000 }] },
      ],
    });
    await issue('SLOW000001');
    await source.enterpriseWipe('SLOW000001');
    now = T0 + COMMAND_DELAY + 20_000 - 1;
    expect(targetStatus('SLOW000001')).toBeUndefined();
    now = T0 + COMMAND_DELAY + 20_000;
    expect(targetStatus('SLOW000001')).toBe('Enrolled');
  });

  it('when a third tenant makes the target ambiguous, then only a configured target is used', async () => {
    sim.addTenant('THIRD');
    await issue('IOSSTD0001');
    await source.enterpriseWipe('IOSSTD0001');
    now = T0 + HOUR / 2;
    expect(targetStatus('IOSSTD0001')).toBeUndefined();
    sim.state.behaviour.defaultTargetTenant = TARGET;
    expect(targetStatus('IOSSTD0001')).toBe('Enrolled');
  });
});

describe('ADE and Android paths', () => {
  it('when the ADE profile has no default staging user, then the erased device does not enroll', async () => {
    sim.tenant(TARGET).adeProfiles[0]!.defaultStagingUserId = undefined;
    const device = await source.findDevice('Serialnumber', 'IOSADE0002');
    await source.deviceWipe(device!.uuid!);
    now = T0 + HOUR;
    expect(targetStatus('IOSADE0002')).toBeUndefined();
  });

  it('when an iPhone without ADE record is erased, then it needs a token like a retired one', async () => {
    const device = await source.findDevice('Serialnumber', 'IOSSTD0001');
    await source.deviceWipe(device!.uuid!);
    expect(sim.device(SOURCE, 'IOSSTD0001')?.enrollmentStatus).toBe('DeviceWipePending');
    now = T0 + 10_000;
    expect(targetStatus('IOSSTD0001')).toBeUndefined();
    await issue('IOSSTD0001');
    now = T0 + 10_000 + ENROLL_DELAY;
    expect(sim.device(TARGET, 'IOSSTD0001')).toMatchObject({
      enrollmentStatus: 'Enrolled',
      enrolledViaDep: false,
    });
  });

  it('when no target OG is registered with Android Enterprise, then an erased Android device does not enroll', async () => {
    for (const g of sim.tenant(TARGET).groups) g.androidWork = undefined;
    const device = await source.findDevice('Serialnumber', 'ANDFM00004');
    await source.deviceWipe(device!.uuid!);
    now = T0 + HOUR;
    expect(targetStatus('ANDFM00004')).toBeUndefined();
  });

  it('when the staging switch names an unknown user or a non-ADE device, then 400', async () => {
    await issue('IOSSTD0001');
    await source.enterpriseWipe('IOSSTD0001');
    now = T0 + HOUR;
    const enrolled = (await target.findDevice('Serialnumber', 'IOSSTD0001'))!;
    const user = (await target.findUserByEmail('jane.doe@corp.example'))!;
    await expect(target.assignEnrollmentUser(enrolled.id, user.id)).rejects.toMatchObject({
      type: 'InvalidRequest',
      status: 400,
    });
    await expect(target.assignEnrollmentUser(enrolled.id, 999_999)).rejects.toMatchObject({ status: 400 });
    await expect(target.assignEnrollmentUser(999_999, user.id)).rejects.toMatchObject({ type: 'NotFound' });
  });
});

describe('manual source', () => {
  it('when an admin marks the device unenrolled over HTTP, then it enrolls with a valid token', async () => {
    await issue('IOSSTD0001');
    const res = await fetch(`${sim.url}/_sim/tenants/${SOURCE}/devices/IOSSTD0001/unenroll`, {
      method: 'POST',
    });
    expect(res.status).toBe(204);
    expect(sim.device(SOURCE, 'IOSSTD0001')?.enrollmentStatus).toBe('Unenrolled');
    now = T0 + ENROLL_DELAY;
    expect(targetStatus('IOSSTD0001')).toBe('Enrolled');
    expect(sim.ledger({ serialNumber: 'IOSSTD0001' }).map((e) => e.kind)).toEqual([
      'token.issued',
      'admin.device.unenrolled',
      'device.enrolled',
    ]);
  });

  it('when an admin marks a device enrolled by hand, then the target shows it for that user', async () => {
    const res = await fetch(`${sim.url}/_sim/tenants/${TARGET}/devices/HAND000001/enroll`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ userEmail: 'ALI@corp.example', platform: 'android' }),
    });
    expect(res.status).toBe(200);
    expect(await target.findDevice('Serialnumber', 'HAND000001')).toMatchObject({
      enrollmentStatus: 'Enrolled',
      userEmail: 'ali@corp.example',
      platform: 'Android',
    });
  });
});
