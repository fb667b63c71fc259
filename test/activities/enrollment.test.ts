/** The wait for a device to enroll in the target, batched lookups, and the ADE staging-user switch. */
import { ApplicationFailure } from '@temporalio/common';
import type { TargetUserRef } from '../../src/workflows/device/messages';
import {
  COMMAND_DELAY_MS,
  ENROLL_DELAY_MS,
  JANE,
  SAM,
  TARGET,
  failureOf,
  run,
  worldPerTest,
} from './fixture';

const world = worldPerTest();

async function user(email: string): Promise<TargetUserRef> {
  const found = await run(world.activities.lookupTargetUser, { email });
  if (!found) throw new Error(`fixture: ${email} is a target user`);
  return found;
}

const issueToken = async (serialNumber: string) =>
  run(world.activities.issueRegistrationToken, {
    migrationId: 'mig-1',
    serialNumber,
    platform: 'ios',
    user: await user(JANE),
  });
const retire = (serialNumber: string) =>
  run(world.activities.sendSourceCommand, { serialNumber, command: 'retire' });
const awaitEnrollment = (serialNumber: string) =>
  run(world.activities.awaitTargetEnrollment, { serialNumber });
const bulkLookups = () => world.targetRequests().filter((r) => r === 'POST /API/mdm/devices').length;

describe('awaitTargetEnrollment', () => {
  it('when the device was retired with a valid token, then NotYetEnrolled until it enrolls, then who it is', async () => {
    await issueToken('IOSSTD0001');
    await retire('IOSSTD0001');

    const pending = await failureOf(awaitEnrollment('IOSSTD0001'));
    expect(pending.type).toBe('NotYetEnrolled');
    expect(pending.nonRetryable).toBe(false);

    world.advance(COMMAND_DELAY_MS);
    expect((await failureOf(awaitEnrollment('IOSSTD0001'))).type).toBe('NotYetEnrolled');

    world.advance(ENROLL_DELAY_MS);
    const enrolled = await awaitEnrollment('IOSSTD0001');
    const jane = await user(JANE);
    expect(enrolled).toEqual({
      deviceId: world.sim.device(TARGET, 'IOSSTD0001')!.id,
      userId: jane.id,
      userName: jane.userName,
    });
  });

  it('when the device left the source without a token, then it enrolls only after a token is issued', async () => {
    await retire('IOSSTD0001');
    world.advance(COMMAND_DELAY_MS + ENROLL_DELAY_MS * 10);
    expect((await failureOf(awaitEnrollment('IOSSTD0001'))).type).toBe('NotYetEnrolled');

    await issueToken('IOSSTD0001');
    world.advance(ENROLL_DELAY_MS);

    await expect(awaitEnrollment('IOSSTD0001')).resolves.toMatchObject({ userName: 'jdoe' });
  });

  it('when several devices are awaited at once, then one bulk device request answers them all', async () => {
    await issueToken('IOSSTD0001');
    await retire('IOSSTD0001');
    world.advance(COMMAND_DELAY_MS + ENROLL_DELAY_MS);
    const before = bulkLookups();

    const [first, second, third, sameAsFirst] = await Promise.allSettled([
      awaitEnrollment('IOSSTD0001'),
      awaitEnrollment('IOSSTD0002'),
      awaitEnrollment('IOSSTD0003'),
      awaitEnrollment(' iosstd0001 '),
    ]);

    expect(bulkLookups() - before).toBe(1);
    expect(first).toMatchObject({ status: 'fulfilled', value: { userName: 'jdoe' } });
    expect(sameAsFirst).toEqual(first);
    for (const notYet of [second, third]) {
      expect(notYet?.status).toBe('rejected');
      const reason = (notYet as PromiseRejectedResult).reason as unknown;
      expect(reason).toBeInstanceOf(ApplicationFailure);
      expect((reason as ApplicationFailure).type).toBe('NotYetEnrolled');
    }
  });
});

describe('assignDeviceToUser', () => {
  const SERIAL = 'IOSADE0004';

  async function enrolledOnStagingUser(): Promise<number> {
    await run(world.activities.sendSourceCommand, { serialNumber: SERIAL, command: 'erase' });
    world.advance(COMMAND_DELAY_MS + ENROLL_DELAY_MS);
    const enrolled = await awaitEnrollment(SERIAL);
    expect(enrolled.userName).toBe('ade-staging');
    return enrolled.deviceId;
  }

  it('when the target refuses the switch (single-staging, as documented), then the device stays on the staging user and the refusal says why', async () => {
    const deviceId = await enrolledOnStagingUser();
    const sam = await user(SAM);
    const staging = world.sim.device(TARGET, SERIAL)!.userId;

    const assigned = await run(world.activities.assignDeviceToUser, {
      serialNumber: SERIAL,
      deviceId,
      user: sam,
    });

    expect(assigned).toEqual({
      userId: staging,
      userName: 'ade-staging',
      refused: expect.stringMatching(/only when it is enrolled to a Multi-Staging user/),
    });
    expect(world.sim.device(TARGET, SERIAL)?.userId).toBe(staging);
    expect(world.sim.ledger({ tenant: TARGET, kind: 'enrollmentUser.assigned' })).toEqual([]);
  });

  it('when an admin assigned the user meanwhile, then the retry reads it back and sends nothing', async () => {
    const deviceId = await enrolledOnStagingUser();
    const input = { serialNumber: SERIAL, deviceId, user: await user(SAM) };
    const refused = await run(world.activities.assignDeviceToUser, input);
    expect(refused.refused).toBeDefined();
    world.sim.tenant(TARGET).devices.find((d) => d.serialNumber === SERIAL)!.userId = input.user.id;
    const before = world.targetRequests().length;

    const retry = await run(world.activities.assignDeviceToUser, input);

    expect(retry).toEqual({ userId: input.user.id, userName: 'sade' });
    expect(
      world
        .targetRequests()
        .slice(before)
        .filter((r) => r.startsWith('PATCH')),
    ).toEqual([]);
  });

  describe('on a tenant that switches single-staging devices (quirk)', () => {
    beforeEach(() => {
      world.sim.state.quirks.stagingUserSwitch = 'single-staging-too';
    });

    it('when an ADE device is on the staging user, then it moves to the user and the read-back shows it', async () => {
      const deviceId = await enrolledOnStagingUser();
      const sam = await user(SAM);

      const assigned = await run(world.activities.assignDeviceToUser, {
        serialNumber: SERIAL,
        deviceId,
        user: sam,
      });

      expect(assigned).toEqual({ userId: sam.id, userName: 'sade' });
      expect(world.sim.device(TARGET, SERIAL)?.userId).toBe(sam.id);
      expect(world.sim.ledger({ tenant: TARGET, kind: 'enrollmentUser.assigned' })).toHaveLength(1);
    });

    it('when the assignment is retried, then no second assignment is sent', async () => {
      const deviceId = await enrolledOnStagingUser();
      const input = { serialNumber: SERIAL, deviceId, user: await user(SAM) };

      const first = await run(world.activities.assignDeviceToUser, input);
      const retry = await run(world.activities.assignDeviceToUser, input);

      expect(retry).toEqual(first);
      expect(world.sim.ledger({ tenant: TARGET, kind: 'enrollmentUser.assigned' })).toHaveLength(1);
    });
  });
});
