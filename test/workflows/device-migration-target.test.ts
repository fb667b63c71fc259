/**
 * The device workflow where the target (or the source) cannot give Ferry what it used to assume (issue 13):
 * an Android device of unknown kind, a staging-user switch the target refuses, a token without expiry.
 */
import {
  FailureReason,
  cancelDevice,
  confirmAbmReassignment,
  retryDevice,
} from '../../src/workflows/device/messages';
import { device, input, recordHistory, waitForStatus } from '../helpers/devices';
import { deviceWorkflowTests, worldWithUser } from '../helpers/device-workflow-env';

const t = deviceWorkflowTests();
const { start, withWorker } = t;

describe('fails closed, says what an admin does (time-skipping server)', () => {
  test('when an Android device has an unknown enrollment kind, then it fails at its first step and nothing is sent', async () => {
    const world = worldWithUser();
    const android = device({ platform: 'android', enrollmentKind: 'unknown' });
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await start(taskQueue, input(android, { android: 'wipe_to_fully_managed' }));
      const result = await handle.result();
      await recordHistory(handle, 'android_kind_unknown');
      return result;
    });
    expect(state).toMatchObject({
      status: 'failed',
      subStatus: 'Android enrollment kind unknown: declare it in the device list',
      failedStep: 'lookupUser',
      closed: true,
    });
    expect(state.subStatus).toBe(FailureReason.AndroidEnrollmentKindUnknown);
    expect(world.calls).toEqual([]);
  });

  test('when the target refuses to switch the ADE device off its staging user, then it fails with the admin action, and a retry after the admin assigned it finishes', async () => {
    const world = worldWithUser();
    const ade = device({ enrollmentKind: 'ade' });
    world.adeSynced.set(ade.serialNumber, []);
    world.enrollDelayMs = 0;
    world.stagingSwitchRefused = true;
    const migrationId = 'm-staging';
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await start(taskQueue, input(ade, {}, migrationId));
      await waitForStatus(t.env, handle, 'abm_reassignment_pending');
      await handle.executeUpdate(confirmAbmReassignment, { args: [{ by: 'admin' }] });
      const failed = await waitForStatus(t.env, handle, 'failed');

      expect(failed.failedStep).toBe('assignUser');
      expect(failed.subStatus).toBe(
        `${FailureReason.EnrolledUnderStagingUser}: the target moves only Multi-Staging devices; ` +
          `assign the device to its user (target user id 100) in the Workspace ONE console, then ferry retry ${migrationId} ${ade.serialNumber}`,
      );
      // The admin assigns the user in the console; the retry reads the device and finishes.
      world.devices.get(ade.serialNumber)!.enrolled!.userId = 100;
      await handle.executeUpdate(retryDevice, { args: [{ by: 'admin', reason: 'assigned in the console' }] });
      const result = await handle.result();
      await recordHistory(handle, 'ios_ade_erase_staging_switch_refused');
      return result;
    });
    expect(state.status).toBe('reenrolled');
    expect(world.callsOf('assignDeviceToUser')).toHaveLength(2);
    expect(state.history.map((h) => h.status)).toEqual(expect.arrayContaining(['failed', 'reenrolled']));
  });
});

describe('a registration token the target reports no expiry for (time-skipping server)', () => {
  test('when the token has no expiry, then the device waits for it without re-issuing and the token counts once', async () => {
    const world = worldWithUser();
    world.undatedTokens = true;
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await start(taskQueue, input(device()));
      const result = await handle.result();
      await recordHistory(handle, 'token_without_expiry');
      return result;
    });
    expect(state.status).toBe('reenrolled');
    expect(state.tokensIssued).toBe(1);
    expect(state.tokenExpiresAt).toBeUndefined();
    expect(world.callsOf('issueRegistrationToken')).toHaveLength(1);
    expect(state.history.map((h) => h.subStatus)).toContain('waiting for the device to enroll');
  });

  test('when a device with such a token is cancelled, then the token is still revoked', async () => {
    const world = worldWithUser();
    world.undatedTokens = true;
    const d = device();
    world.neverEnrolls.add(d.serialNumber);
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await start(taskQueue, input(d));
      await waitForStatus(t.env, handle, 'reenrolling');
      await handle.executeUpdate(cancelDevice, { args: [{ by: 'admin' }] });
      return handle.result();
    });
    expect(state.subStatus).toBe(FailureReason.CancelledByAdmin);
    expect(world.callsOf('revokeRegistrationTokens')).toEqual([{ serialNumber: d.serialNumber }]);
  });
});
