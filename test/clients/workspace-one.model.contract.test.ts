/**
 * Contract tests of the calls issue 13 corrected against the public model (mrpaws/awtest), over real HTTP
 * against the simulator in its documented mode and in its quirk mode: the v3 search's wire names, the
 * staging-user switch (Multi-Staging only), optional token details, and the ADE staging user look-up.
 */
import { InvalidRequestError, NON_RETRYABLE_CLIENT_ERROR_TYPES } from '../../src/services/shared/errors';
import { StagingUserSwitchRefusedError } from '../../src/services/workspace-one';
import { SOURCE, TARGET, eventually, fixtureSimulatorPerTest, rejectionOf } from '../simulators/ws1-fixture';

const { sim, source, target } = fixtureSimulatorPerTest({
  behaviour: { commandDelayMs: 10, enrollDelayMs: 20 },
});

const targetOg = () => sim.tenant(TARGET).groups[0]!;
const targetUser = (email: string) => sim.tenant(TARGET).users.find((u) => u.email === email)!;

/** Erases the fixture's ADE iPhone in the source and waits until it shows in the target. */
async function erasedAdeDevice() {
  const device = await source.findDevice('Serialnumber', 'IOSADE0002');
  await source.deviceWipe(device!.uuid!);
  return eventually(() => target.findDevice('Serialnumber', 'IOSADE0002'));
}

describe('v3 device search (DeviceExtendedV2)', () => {
  it('when a page is read, then Id, Uuid and device_friendly_name are read as the model names them', async () => {
    const og = sim.tenant(SOURCE).groups[0]!.uuid;
    const simDevice = sim.tenant(SOURCE).devices[0]!;
    simDevice.friendlyName = 'Jane iPhone';
    const page = await source.listDevicesPage(og, 0, 1);
    expect(page.devices[0]).toEqual(
      expect.objectContaining({
        id: simDevice.id,
        uuid: simDevice.uuid,
        serialNumber: 'IOSSTD0001',
        friendlyName: 'Jane iPhone',
      }),
    );
  });
});

describe('staging user switch (PATCH devices/{id}/enrollmentuser/{userId}, v2)', () => {
  it('when the device is on a single-staging user, then a typed refusal an admin can act on, and nothing moves', async () => {
    const staged = await erasedAdeDevice();
    expect(staged.userName).toBe('ade-staging');
    const err = await rejectionOf(
      target.assignEnrollmentUser(staged.id, targetUser('sam.ade@corp.example').id),
    );
    expect(err).toBeInstanceOf(StagingUserSwitchRefusedError);
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect(NON_RETRYABLE_CLIENT_ERROR_TYPES).toContain((err as InvalidRequestError).type);
    expect(err).toMatchObject({ status: 400, requestId: expect.any(String) });
    expect(err.message).toMatch(/Multi-Staging user/);
    expect((await target.findDevice('Serialnumber', 'IOSADE0002'))?.userName).toBe('ade-staging');
    expect(sim.ledger({ kind: 'enrollmentUser.assigned' })).toEqual([]);
  });

  it('when the device enrolled through a Multi-Staging profile, then the documented switch moves it', async () => {
    const profile = sim.tenant(TARGET).adeProfiles.find((p) => p.name === 'Ferry ADE')!;
    profile.stagingMode = 2;
    const staged = await erasedAdeDevice();
    const sam = targetUser('sam.ade@corp.example');
    await target.assignEnrollmentUser(staged.id, sam.id);
    expect((await target.findDevice('Serialnumber', 'IOSADE0002'))?.userId).toBe(sam.id);
    expect(sim.ledger({ kind: 'enrollmentUser.assigned' })).toHaveLength(1);
  });

  it('when the tenant switches single-staging devices too (quirk), then the switch moves it', async () => {
    sim.state.quirks.stagingUserSwitch = 'single-staging-too';
    const staged = await erasedAdeDevice();
    const sam = targetUser('sam.ade@corp.example');
    await target.assignEnrollmentUser(staged.id, sam.id);
    expect((await target.findDevice('Serialnumber', 'IOSADE0002'))?.userName).toBe('sade');
  });
});

describe('registration token details (every field optional in the model)', () => {
  it.each([
    [['expiration_date'] as const, { expirationDate: undefined, status: 1, enrollmentStatus: 1 }],
    [['status', 'enrollment_status'] as const, { status: undefined, enrollmentStatus: undefined }],
  ])('when the tenant leaves out %j, then the details read them as absent', async (omit, expected) => {
    const og = targetOg().uuid;
    await target.issueRegistrationToken(og, {
      userUuid: targetUser('ali@corp.example').uuid,
      serialNumber: 'ANDLEG0003',
      platform: 'android',
    });
    const stored = sim.tenant(TARGET).tokens[0]!;
    sim.state.quirks.tokenDetailsOmit = [...omit];
    const details = await target.getRegistrationToken(og, stored.uuid);
    expect(details).toMatchObject({ uuid: stored.uuid, serialNumber: 'ANDLEG0003', ...expected });
  });
});

describe('ADE staging user look-up', () => {
  it('when the staging user exists, then it is found by id and by user name; a missing one is undefined', async () => {
    const staging = sim.tenant(TARGET).users.find((u) => u.userName === 'ade-staging')!;
    expect(await target.findEnrollmentUser({ id: staging.id })).toEqual({
      id: staging.id,
      userName: 'ade-staging',
    });
    expect(await target.findEnrollmentUser({ userName: 'ADE-Staging' })).toEqual({
      id: staging.id,
      userName: 'ade-staging',
    });
    expect(await target.findEnrollmentUser({ id: 999_999 })).toBeUndefined();
    expect(await target.findEnrollmentUser({ userName: 'ade-stag' })).toBeUndefined();
    expect(await target.findEnrollmentUser({})).toBeUndefined();
  });
});
