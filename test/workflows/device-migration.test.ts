import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  DEFAULT_DURATIONS,
  FailureReason,
  cancelDevice,
  confirmAbmReassignment,
  reissueToken,
  renotifyUser,
  retryDevice,
  type DeviceInput,
  type MigrationOptions,
} from '../../src/workflows/device/messages';
import { device, input, recordHistory, waitForStatus } from '../helpers/devices';
import { FakeWorld } from '../helpers/fake-world';
import { deviceWorkflowTests, worldWithUser } from '../helpers/device-workflow-env';

const t = deviceWorkflowTests();
const { start, withWorker } = t;

/**
 * Long waits in these tests poll every few hours: each check is a real activity attempt on the
 * time-skipping server, and the logic under test does not depend on the interval.
 */
const SPARSE_CHECKS: Partial<MigrationOptions> = {
  durations: { ...DEFAULT_DURATIONS, enrollmentCheckInterval: '4 hours' },
};

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
    device: device({ platform: 'android', enrollmentKind: 'legacy' }),
    options: { android: 'wipe_to_fully_managed' },
  },
];

describe('device migration workflow (time-skipping server)', () => {
  test.each(PATHS)(
    'when the $name path runs without trouble, then the device is reenrolled',
    async (path) => {
      const world = worldWithUser();
      if (path.ade) world.adeSynced.set(path.device.serialNumber, []);
      const state = await withWorker(world, async (taskQueue) => {
        const handle = await start(taskQueue, input(path.device, path.options));
        if (path.ade) {
          await waitForStatus(t.env, handle, 'abm_reassignment_pending');
          await handle.executeUpdate(confirmAbmReassignment, { args: [{ by: 'admin' }] });
        }
        const result = await handle.result();
        await recordHistory(handle, path.name);
        return result;
      });
      expect(state.path).toBe(path.name);
      expect(state.status).toBe('reenrolled');
      expect(state.closed).toBe(true);
      expect(state.targetUser).toEqual({ id: 100, uuid: 'uuid-jdoe', userName: 'jdoe' });
      const erase = path.name === 'ios_ade_erase' || path.name === 'android_fully_managed';
      expect(world.callsOf('sendSourceCommand')).toEqual([
        { serialNumber: path.device.serialNumber, command: erase ? 'erase' : 'retire' },
      ]);
      expect(world.callsOf('issueRegistrationToken')).toHaveLength(erase ? 0 : 1);
      // Every path tells the user before the retire or wipe, naming its time (no notice period: at once).
      const [told] = world.callsOf('notifyUser') as { removalAt?: string }[];
      expect(world.callsOf('notifyUser')).toHaveLength(1);
      expect(told!.removalAt).toBe(state.sourceCommandAt);
      const order = world.calls.map((c) => c.name);
      expect(order.indexOf('notifyUser')).toBeLessThan(order.indexOf('sendSourceCommand'));
      expect(Date.parse(told!.removalAt!)).toBeLessThanOrEqual(world.timesOf('sendSourceCommand')[0]!);
      expect(world.callsOf('assignDeviceToUser')).toHaveLength(path.name === 'ios_ade_erase' ? 1 : 0);
      const statuses = state.history.map((h) => h.status);
      expect(statuses[0]).toBe('getting_ready');
      expect(statuses.at(-1)).toBe('reenrolled');
      expect(statuses).toEqual(expect.arrayContaining(['ready', 'unenrolling', 'unenrolled', 'reenrolling']));
      if (path.ade)
        expect(statuses).toEqual(expect.arrayContaining(['abm_reassignment_pending', 'ade_sync']));
    },
  );

  test('when the target user is missing, then the device fails and an admin retry after creating it finishes', async () => {
    const world = new FakeWorld();
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await start(taskQueue, input(device()));
      const failed = await waitForStatus(t.env, handle, 'failed');
      expect(failed.subStatus).toBe(FailureReason.TargetUserNotFound);
      expect(failed.failedStep).toBe('lookupUser');
      world.addUser('jane.doe@corp.example', 'jdoe');
      const afterRetry = await handle.executeUpdate(retryDevice, {
        args: [{ by: 'admin', reason: 'user created' }],
      });
      expect(afterRetry.status).not.toBe('failed');
      const result = await handle.result();
      await recordHistory(handle, 'user_not_found_then_retry');
      return result;
    });
    expect(state.status).toBe('reenrolled');
    expect(world.callsOf('lookupTargetUser')).toHaveLength(2);
    expect(state.adminActions.map((a) => a.action)).toEqual(['retry requested']);
  });

  test('when a token expires before the user enrolls, then a new one is issued and the user told again', async () => {
    const world = worldWithUser();
    world.enrollDelayMs = 2.5 * 86_400_000; // token lives one day: two expire before the device enrolls
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await start(taskQueue, input(device(), SPARSE_CHECKS));
      const result = await handle.result();
      await recordHistory(handle, 'token_reissued');
      return result;
    });
    expect(state.status).toBe('reenrolled');
    expect(state.tokensIssued).toBe(3);
    expect(world.callsOf('issueRegistrationToken')).toHaveLength(3);
    expect(world.callsOf('notifyUser')).toHaveLength(3);
    const replacing = world
      .callsOf('issueRegistrationToken')
      .map((c) => (c as { replacing?: string }).replacing);
    expect(replacing[0]).toBeUndefined();
    expect(replacing[1]).toEqual(expect.any(String));
  });

  test('when tokens keep expiring, then the device fails with "Token expired too many times"', async () => {
    const world = worldWithUser();
    world.neverEnrolls.add('F2LXK0ABCD12');
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await start(taskQueue, input(device(), { ...SPARSE_CHECKS, maxTokenReissues: 1 }));
      return waitForStatus(t.env, handle, 'failed', { skip: '6 hours' });
    });
    expect(state.subStatus).toBe(FailureReason.TokenExpiredTooManyTimes);
    expect(state.failedStep).toBe('awaitEnrollment');
    expect(world.callsOf('issueRegistrationToken')).toHaveLength(2);
  });

  test('when the device never shows up, then it fails with "Enrollment timed out" after the deadline', async () => {
    const world = worldWithUser();
    world.neverEnrolls.add('F2LXK0ABCD12');
    const options = { ...SPARSE_CHECKS, android: 'wipe_to_fully_managed' as const };
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await start(
        taskQueue,
        input(device({ platform: 'android', enrollmentKind: 'fully_managed' }), options),
      );
      const started = await t.env.currentTimeMs();
      const failed = await waitForStatus(t.env, handle, 'failed', { skip: '1 day' });
      expect((await t.env.currentTimeMs()) - started).toBeGreaterThanOrEqual(14 * 86_400_000);
      return failed;
    });
    expect(state.subStatus).toBe(FailureReason.EnrollmentTimedOut);
  });

  test('when ABM confirmation arrives before the wait and again later, then it is kept once and idempotent', async () => {
    const world = worldWithUser();
    world.adeSynced.set('F2LXK0ABCD12', []);
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await start(taskQueue, input(device({ enrollmentKind: 'ade' })), true);
      const again = await handle.executeUpdate(confirmAbmReassignment, { args: [{ by: 'admin' }] });
      expect(again.status).not.toBe('failed');
      return handle.result();
    });
    expect(state.status).toBe('reenrolled');
    expect(state.history.map((h) => h.status)).not.toContain('abm_reassignment_pending');
    expect(world.callsOf('awaitAbmAssignment')).toHaveLength(0);
  });

  test('when ABM is configured and shows the device on the target, then no admin confirmation is needed', async () => {
    const world = worldWithUser();
    world.abmConfigured = true;
    world.adeSynced.set('F2LXK0ABCD12', []);
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await start(taskQueue, input(device({ enrollmentKind: 'ade' })));
      await waitForStatus(t.env, handle, 'abm_reassignment_pending');
      await t.env.sleep(DEFAULT_DURATIONS.abmCheckInterval);
      world.abmAssigned.add('F2LXK0ABCD12');
      return handle.result();
    });
    expect(state.status).toBe('reenrolled');
    expect(world.callsOf('awaitAbmAssignment').length).toBeGreaterThanOrEqual(2);
  });

  test('when the ADE profile is misconfigured, then the device fails naming the setting', async () => {
    const world = worldWithUser();
    world.adeSynced.set('F2LXK0ABCD12', ['profile "Ferry ADE" has Authentication on']);
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await start(taskQueue, input(device({ enrollmentKind: 'ade' })), true);
      return waitForStatus(t.env, handle, 'failed');
    });
    expect(state.subStatus).toBe(
      `${FailureReason.AdeProfileMisconfigured}: profile "Ferry ADE" has Authentication on`,
    );
    expect(state.failedStep).toBe('adeSync');
  });

  test('when Android Enterprise is not registered, then a fully managed device fails before any wipe', async () => {
    const world = worldWithUser();
    world.androidEnterpriseRegistered = false;
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await start(
        taskQueue,
        input(device({ platform: 'android', enrollmentKind: 'fully_managed' })),
      );
      return waitForStatus(t.env, handle, 'failed');
    });
    expect(state.subStatus).toBe(FailureReason.AndroidEnterpriseNotRegistered);
    expect(world.callsOf('sendSourceCommand')).toHaveLength(0);
  });

  test('when an admin re-issues the token and re-notifies during the wait, then the user gets a new token and a second message', async () => {
    const world = worldWithUser();
    world.neverEnrolls.add('F2LXK0ABCD12');
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await start(taskQueue, input(device()));
      const waiting = await waitForStatus(t.env, handle, 'reenrolling');
      await t.env.sleep('2 hours');
      const reissued = await handle.executeUpdate(reissueToken, {
        args: [{ by: 'helpdesk', reason: 'lost mail' }],
      });
      expect(reissued.tokensIssued).toBe(2);
      expect(Date.parse(reissued.tokenExpiresAt!)).toBeGreaterThan(Date.parse(waiting.tokenExpiresAt!));
      const renotified = await handle.executeUpdate(renotifyUser, { args: [{ by: 'helpdesk' }] });
      expect(renotified.adminActions.map((a) => a.action)).toEqual([
        'token re-issue requested',
        're-notify requested',
      ]);
      return renotified;
    });
    expect(state.status).toBe('reenrolling');
    const issued = world.callsOf('issueRegistrationToken') as { replacing?: string }[];
    expect(issued).toHaveLength(2);
    expect(issued[1]!.replacing).toBe(new Date(world.tokens[0]!.expiresAt).toISOString());
    expect(world.callsOf('notifyUser')).toHaveLength(3);
  });

  describe('cancel', () => {
    const WAITS: { name: string; device: DeviceInput; prepare: (w: FakeWorld) => void; at: RegExp }[] = [
      {
        name: 'the ABM wait',
        device: device({ enrollmentKind: 'ade' }),
        prepare: () => undefined,
        at: /^abm/,
      },
      {
        name: 'the ADE sync wait',
        device: device({ enrollmentKind: 'ade' }),
        prepare: () => undefined,
        at: /^ade_sync/,
      },
      {
        name: 'the enrollment wait',
        device: device(),
        prepare: (w) => w.neverEnrolls.add('F2LXK0ABCD12'),
        at: /^reenrolling/,
      },
      { name: 'the failed state', device: device(), prepare: (w) => w.users.clear(), at: /^failed/ },
    ];

    test.each(WAITS)(
      'when an admin cancels during $name, then the device ends "Cancelled by admin"',
      async (wait) => {
        const world = worldWithUser();
        wait.prepare(world);
        const state = await withWorker(world, async (taskQueue) => {
          const handle =
            wait.at.source === '^ade_sync'
              ? await start(taskQueue, input(wait.device), true)
              : await start(taskQueue, input(wait.device));
          const status =
            wait.at.source.slice(1) === 'abm' ? 'abm_reassignment_pending' : wait.at.source.slice(1);
          await waitForStatus(t.env, handle, status as never);
          const cancelled = await handle.executeUpdate(cancelDevice, {
            args: [{ by: 'admin', reason: 'test' }],
          });
          expect(cancelled.closed).toBe(true);
          return handle.result();
        });
        expect(state.status).toBe('failed');
        expect(state.subStatus).toBe(FailureReason.CancelledByAdmin);
        expect(state.adminActions).toEqual([
          expect.objectContaining({ action: 'cancel requested', by: 'admin' }),
        ]);
        const tokenIssued = world.callsOf('issueRegistrationToken').length > 0;
        expect(world.callsOf('revokeRegistrationTokens')).toHaveLength(tokenIssued ? 1 : 0);
      },
    );
  });

  test('when an admin action does not fit the device, then the update is rejected with the reason', async () => {
    const world = worldWithUser();
    world.adeSynced.set('F2LXK0ABCD12', []);
    world.neverEnrolls.add('F2LXK0ABCD12');
    await withWorker(world, async (taskQueue) => {
      const handle = await start(taskQueue, input(device({ enrollmentKind: 'ade' })), true);
      await waitForStatus(t.env, handle, 'reenrolling');
      await expect(handle.executeUpdate(retryDevice, { args: [{}] })).rejects.toThrow(
        WorkflowUpdateFailedError,
      );
      const err = await handle
        .executeUpdate(reissueToken, { args: [{}] })
        .catch((e: WorkflowUpdateFailedError) => e);
      expect((err as WorkflowUpdateFailedError).cause?.message).toBe(
        'rejected: this path enrolls without a token',
      );
      await handle.executeUpdate(cancelDevice, { args: [{}] });
    });
  });
});
