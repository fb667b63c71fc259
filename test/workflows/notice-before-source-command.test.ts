import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  FailureReason,
  cancelDevice,
  confirmAbmReassignment,
  renotifyUser,
  retryDevice,
  sendSourceCommandNow,
  type DeviceInput,
  type MigrationOptions,
} from '../../src/workflows/device/messages';
import { device, input, recordHistory, waitForStatus } from '../helpers/devices';
import { deviceWorkflowTests, worldWithUser } from '../helpers/device-workflow-env';
import { rejectionOf } from '../helpers/rejection';

/**
 * The user is told before the source retires or wipes their device, with the time it happens: the
 * migration's notice period after the message (time-skipping server), or at once without one. Also the
 * Android Enterprise check of the token (work profile) path.
 */
const t = deviceWorkflowTests();
const { start, withWorker } = t;

const DAY = 86_400_000;
const NOTICE: Partial<MigrationOptions> = { noticePeriod: '2 days' };

type Told = { removalAt?: string };

const PATHS: { name: string; device: DeviceInput; options?: Partial<MigrationOptions>; ade?: boolean }[] = [
  { name: 'ios_standard', device: device() },
  { name: 'ios_ade_erase', device: device({ enrollmentKind: 'ade' }), ade: true },
  {
    name: 'ios_ade_standard',
    device: device({ enrollmentKind: 'ade' }),
    options: { iosAdeMethod: 'standard' },
    ade: true,
  },
  { name: 'android_token', device: device({ platform: 'android', enrollmentKind: 'work_profile' }) },
  {
    name: 'android_fully_managed',
    device: device({ platform: 'android', enrollmentKind: 'fully_managed' }),
  },
];

describe('notice before the source command (time-skipping server)', () => {
  test.each(PATHS)(
    'when the $name path has a 2-day notice period, then the user is told the time and the source command waits for it',
    async (path) => {
      const world = worldWithUser();
      world.tokenLifetimeMs = 7 * DAY; // outlives the notice: one token, one message
      if (path.ade) world.adeSynced.set(path.device.serialNumber, []);
      const state = await withWorker(world, async (taskQueue) => {
        const handle = await start(taskQueue, input(path.device, { ...path.options, ...NOTICE }));
        if (path.ade) {
          await waitForStatus(t.env, handle, 'abm_reassignment_pending');
          await handle.executeUpdate(confirmAbmReassignment, { args: [{ by: 'admin' }] });
        }
        const result = await handle.result();
        await recordHistory(handle, `notice_${path.name}`);
        return result;
      });
      expect(state.status).toBe('reenrolled');
      const told = world.callsOf('notifyUser') as Told[];
      expect(told).toHaveLength(1);
      const [toldAt] = world.timesOf('notifyUser');
      const [sentAt] = world.timesOf('sendSourceCommand');
      const due = Date.parse(told[0]!.removalAt!);
      // The message names the time: the notice period after it, in workflow time.
      expect(told[0]!.removalAt).toBe(state.sourceCommandAt);
      expect(due - toldAt!).toBeGreaterThanOrEqual(2 * DAY - 60_000);
      expect(due - toldAt!).toBeLessThanOrEqual(2 * DAY);
      expect(sentAt).toBeGreaterThanOrEqual(due);
      const waited = state.history.find((h) => h.subStatus?.startsWith('user notified: '));
      const what = path.name === 'ios_ade_erase' || path.name === 'android_fully_managed' ? 'wipe' : 'retire';
      expect(waited?.subStatus).toBe(`user notified: ${what} at ${told[0]!.removalAt}`);
    },
  );

  test.each(PATHS.filter((p) => p.name === 'ios_ade_erase' || p.name === 'android_token'))(
    'when the $name path has no notice period, then the message names the time of the command, which follows at once',
    async (path) => {
      const world = worldWithUser();
      if (path.ade) world.adeSynced.set(path.device.serialNumber, []);
      const state = await withWorker(world, async (taskQueue) => {
        const handle = await start(taskQueue, input(path.device, path.options), path.ade);
        const result = await handle.result();
        await recordHistory(handle, `notice_none_${path.name}`);
        return result;
      });
      expect(state.status).toBe('reenrolled');
      const [told] = world.callsOf('notifyUser') as Told[];
      const [toldAt] = world.timesOf('notifyUser');
      const [sentAt] = world.timesOf('sendSourceCommand');
      expect(Date.parse(told!.removalAt!)).toBeLessThanOrEqual(toldAt!);
      expect(sentAt! - toldAt!).toBeLessThan(60_000);
      expect(state.history.some((h) => h.subStatus?.startsWith('user notified: '))).toBe(false);
    },
  );

  test('when an admin re-notifies and then ends the notice period, then the same time is named and the wipe goes at once', async () => {
    const world = worldWithUser();
    const d = device({ platform: 'android', enrollmentKind: 'fully_managed' });
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await start(taskQueue, input(d, { noticePeriod: '30 days' }));
      const waiting = await waitForStatus(t.env, handle, 'started', {
        subStatus: /^user notified: wipe at /,
      });
      await handle.executeUpdate(renotifyUser, { args: [{ by: 'helpdesk' }] });
      const sent = await handle.executeUpdate(sendSourceCommandNow, {
        args: [{ by: 'admin', reason: 'user asked' }],
      });
      expect(sent.status).toBe('unenrolling');
      expect(sent.subStatus).toBe('wipe sent');
      expect(waiting.sourceCommandAt).toEqual(expect.any(String));
      return handle.result();
    });
    expect(state.status).toBe('reenrolled');
    const told = world.callsOf('notifyUser') as Told[];
    expect(told.map((m) => m.removalAt)).toEqual([state.sourceCommandAt, state.sourceCommandAt]);
    expect(world.timesOf('sendSourceCommand')[0]).toBeLessThan(Date.parse(state.sourceCommandAt!));
    expect(state.adminActions.map((a) => a.action)).toEqual([
      're-notify requested',
      'source command sent before the notice period ended',
    ]);
  });

  test('when an admin cancels during the notice period, then nothing is sent to the source and the token is revoked', async () => {
    const world = worldWithUser();
    const d = device({ platform: 'android', enrollmentKind: 'work_profile' });
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await start(taskQueue, input(d, NOTICE));
      await waitForStatus(t.env, handle, 'started', { subStatus: /^user notified: retire at / });
      await handle.executeUpdate(cancelDevice, { args: [{ by: 'admin' }] });
      return handle.result();
    });
    expect(state.subStatus).toBe(FailureReason.CancelledByAdmin);
    expect(world.callsOf('sendSourceCommand')).toHaveLength(0);
    expect(world.callsOf('revokeRegistrationTokens')).toHaveLength(1);
  });

  test('when the device is not waiting out a notice period, then ending it is rejected with the reason', async () => {
    const world = worldWithUser();
    world.users.clear();
    await withWorker(world, async (taskQueue) => {
      const handle = await start(taskQueue, input(device(), NOTICE));
      await waitForStatus(t.env, handle, 'failed');
      const err = await rejectionOf(handle.executeUpdate(sendSourceCommandNow, { args: [{}] }));
      expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
      expect((err as unknown as WorkflowUpdateFailedError).cause?.message).toBe(
        'rejected: the device is not waiting out a notice period',
      );
    });
    expect(world.callsOf('sendSourceCommand')).toHaveLength(0);
  });

  test('when the migration uses a manual source, then no removal time is named and nothing waits', async () => {
    const world = worldWithUser();
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await start(taskQueue, input(device(), { ...NOTICE, source: 'manual' }));
      return handle.result();
    });
    expect(state.status).toBe('reenrolled');
    expect((world.callsOf('notifyUser') as Told[])[0]!.removalAt).toBeUndefined();
    expect(state.sourceCommandAt).toBeUndefined();
  });
});

describe('Android Enterprise check of the token path (time-skipping server)', () => {
  test('when Android Enterprise is not registered, then a work-profile device fails before any token or retire, and a retry after the fix finishes', async () => {
    const world = worldWithUser();
    world.androidEnterpriseRegistered = false;
    const d = device({ platform: 'android', enrollmentKind: 'work_profile' });
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await start(taskQueue, input(d));
      const failed = await waitForStatus(t.env, handle, 'failed');
      expect(failed.subStatus).toBe(FailureReason.AndroidEnterpriseNotRegistered);
      expect(failed.failedStep).toBe('androidEnterprise');
      expect(world.callsOf('issueRegistrationToken')).toHaveLength(0);
      expect(world.callsOf('sendSourceCommand')).toHaveLength(0);
      world.androidEnterpriseRegistered = true;
      await handle.executeUpdate(retryDevice, { args: [{ by: 'admin', reason: 'registered' }] });
      const result = await handle.result();
      await recordHistory(handle, 'android_token_enterprise_retry');
      return result;
    });
    expect(state.status).toBe('reenrolled');
    expect(world.callsOf('checkAndroidEnterprise')).toHaveLength(2);
  });
});
