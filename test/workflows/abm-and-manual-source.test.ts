import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  ABM_BULK_WAITING,
  FailureReason,
  abmAssignmentResult,
  cancelDevice,
  confirmSourceRemoval,
  retryDevice,
} from '../../src/workflows/device/messages';
import { deviceWorkflowTests, worldWithUser } from '../helpers/device-workflow-env';
import { device, input, recordHistory, waitForStatus } from '../helpers/devices';

const t = deviceWorkflowTests();
const { start, withWorker } = t;

const SERIAL = 'F2LXK0ABCD12';
const ADE = device({ enrollmentKind: 'ade' });
const DEADLINE = { iosAdeMethod: 'abm_deadline' as const };
const bulkWait = { subStatus: new RegExp(`^${ABM_BULK_WAITING}$`) };

/** An erase-path device of an abmAutoAssign migration that the fleet has told it is assigned in ABM. */
async function startAssignedByFleet(taskQueue: string, activityId: string) {
  const handle = await start(taskQueue, input(ADE, { abmAutoAssign: true }));
  await waitForStatus(t.env, handle, 'abm_reassignment_pending', bulkWait);
  await handle.signal(abmAssignmentResult, { assigned: true, activityId });
  return handle;
}

describe('the ABM-deadline path (time-skipping server)', () => {
  test('when the fleet reports the bulk assignment, then the device moves by itself without erase or token and is assigned to its user', async () => {
    const world = worldWithUser();
    world.adeSynced.set(SERIAL, []);
    world.abmConfigured = true; // the fleet's read-back tells the device: it reads nothing from ABM itself
    const deadline = '2027-01-31T12:00:00.000Z';
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await start(taskQueue, input(ADE, DEADLINE));
      await waitForStatus(t.env, handle, 'abm_reassignment_pending', bulkWait);
      await handle.signal(abmAssignmentResult, { assigned: true, activityId: 'ACT1', deadline });
      const result = await handle.result();
      await recordHistory(handle, 'ios_ade_abm_deadline');
      return result;
    });
    expect(state.status).toBe('reenrolled');
    expect(state.abmDeadline).toBe(deadline);
    expect(state.history.map((h) => h.status)).toEqual([
      'getting_ready',
      'getting_ready',
      'abm_reassignment_pending',
      'ade_sync',
      'ade_sync',
      'ready',
      'started',
      'reenrolling',
      'reenrolling',
      'reenrolled',
    ]);
    expect(world.callsOf('checkAdeProfile')).toHaveLength(1);
    expect(world.callsOf('awaitAbmAssignment')).toHaveLength(0);
    expect(world.callsOf('sendSourceCommand')).toHaveLength(0);
    expect(world.callsOf('issueRegistrationToken')).toHaveLength(0);
    expect(world.callsOf('notifyUser')).toEqual([expect.objectContaining({ deadline, hasToken: false })]);
    expect(world.callsOf('assignDeviceToUser')).toHaveLength(1);
  });

  test('when Apple reports the assignment complete but the device is elsewhere, then it fails naming the server, and a retry waits for the next assignment', async () => {
    const world = worldWithUser();
    world.adeSynced.set(SERIAL, []);
    world.neverEnrolls.add(SERIAL);
    await withWorker(world, async (taskQueue) => {
      const handle = await start(taskQueue, input(ADE, DEADLINE));
      await waitForStatus(t.env, handle, 'abm_reassignment_pending', bulkWait);
      await handle.signal(abmAssignmentResult, {
        assigned: false,
        activityId: 'ACT2',
        assignedServer: 'SOURCE-MDM',
      });
      const failed = await waitForStatus(t.env, handle, 'failed');
      expect(failed.subStatus).toBe(
        `${FailureReason.AbmAssignmentNotDone}: Apple reported the assignment (activity ACT2) complete, but ABM shows the device on MDM server SOURCE-MDM`,
      );
      expect(failed.failedStep).toBe('abmDeadlineAssignment');
      await handle.executeUpdate(retryDevice, { args: [{ by: 'admin' }] });
      await waitForStatus(t.env, handle, 'abm_reassignment_pending', bulkWait);
      await handle.signal(abmAssignmentResult, { assigned: true, activityId: 'ACT3' });
      await waitForStatus(t.env, handle, 'reenrolling');
      await handle.executeUpdate(cancelDevice, { args: [{ by: 'admin' }] });
    });
  });

  test('when an admin cancels an assigned device before its deadline, then its ABM assignment is undone (the rollback)', async () => {
    const world = worldWithUser();
    world.adeSynced.set(SERIAL, []);
    world.neverEnrolls.add(SERIAL);
    world.abmAssigned.add(SERIAL);
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await start(taskQueue, input(ADE, DEADLINE));
      await waitForStatus(t.env, handle, 'abm_reassignment_pending', bulkWait);
      await handle.signal(abmAssignmentResult, { assigned: true, deadline: '2027-01-31T12:00:00.000Z' });
      await waitForStatus(t.env, handle, 'reenrolling');
      await handle.executeUpdate(cancelDevice, { args: [{ by: 'admin' }] });
      return handle.result();
    });
    expect(state.subStatus).toBe(`${FailureReason.CancelledByAdmin}: rolled back in ABM`);
    expect(world.callsOf('undoAbmAssignment')).toEqual([{ serialNumber: SERIAL }]);
    expect(world.abmAssigned.has(SERIAL)).toBe(false);
  });

  test('when the target default ADE profile is misconfigured, then the device fails before anything is assigned in ABM', async () => {
    const world = worldWithUser();
    world.defaultProfileProblems = ['profile "Corp" has Authentication on'];
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await start(taskQueue, input(ADE, DEADLINE));
      const failed = await waitForStatus(t.env, handle, 'failed');
      await handle.executeUpdate(cancelDevice, { args: [{}] });
      return failed;
    });
    expect(state.subStatus).toBe(
      `${FailureReason.AdeProfileMisconfigured}: profile "Corp" has Authentication on`,
    );
    expect(state.history.map((h) => h.status)).not.toContain('abm_reassignment_pending');
  });

  test('when abmAutoAssign is on for the erase path, then the device waits for the bulk assignment and goes on once it is reported', async () => {
    const world = worldWithUser();
    world.adeSynced.set(SERIAL, []);
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await startAssignedByFleet(taskQueue, 'ACT4');
      return handle.result();
    });
    expect(state.status).toBe('reenrolled');
    expect(world.callsOf('sendSourceCommand')).toEqual([{ serialNumber: SERIAL, command: 'erase' }]);
  });

  test('when an erase-path device Ferry assigned in ABM is cancelled before the erase, then the assignment is rolled back', async () => {
    const world = worldWithUser(); // never ADE-synced: the device waits in ade_sync
    world.abmAssigned.add(SERIAL);
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await startAssignedByFleet(taskQueue, 'ACT5');
      await waitForStatus(t.env, handle, 'ade_sync');
      await handle.executeUpdate(cancelDevice, { args: [{ by: 'admin' }] });
      const result = await handle.result();
      await recordHistory(handle, 'ios_ade_erase_bulk_cancelled');
      return result;
    });
    expect(state.subStatus).toBe(`${FailureReason.CancelledByAdmin}: rolled back in ABM`);
    expect(world.callsOf('undoAbmAssignment')).toEqual([{ serialNumber: SERIAL }]);
    expect(world.callsOf('sendSourceCommand')).toEqual([]);
  });

  test('when the source refuses the erase and the device is then cancelled, then the ABM assignment is rolled back: the device never left', async () => {
    const world = worldWithUser();
    world.adeSynced.set(SERIAL, []);
    world.sourceRefuses.add(SERIAL);
    world.abmAssigned.add(SERIAL);
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await startAssignedByFleet(taskQueue, 'ACT7');
      await waitForStatus(t.env, handle, 'failed', {
        subStatus: new RegExp(`^${FailureReason.SourceRefusedCommand}`),
      });
      await handle.executeUpdate(cancelDevice, { args: [{ by: 'admin' }] });
      return handle.result();
    });
    expect(state.subStatus).toBe(`${FailureReason.CancelledByAdmin}: rolled back in ABM`);
    expect(world.callsOf('undoAbmAssignment')).toEqual([{ serialNumber: SERIAL }]);
  });

  test('when an erase-path device is cancelled after the erase was sent, then its ABM assignment stays: the device is leaving', async () => {
    const world = worldWithUser();
    world.adeSynced.set(SERIAL, []);
    world.neverEnrolls.add(SERIAL);
    world.abmAssigned.add(SERIAL);
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await startAssignedByFleet(taskQueue, 'ACT6');
      await waitForStatus(t.env, handle, 'reenrolling');
      await handle.executeUpdate(cancelDevice, { args: [{ by: 'admin' }] });
      return handle.result();
    });
    expect(state.status).toBe('failed');
    expect(world.callsOf('sendSourceCommand')).toEqual([{ serialNumber: SERIAL, command: 'erase' }]);
    expect(world.callsOf('undoAbmAssignment')).toEqual([]);
    expect(world.abmAssigned.has(SERIAL)).toBe(true);
  });
});

describe('the manual source (time-skipping server)', () => {
  test('when an admin confirms the removal, then the device shows unenrolled by admin and goes on to re-enroll', async () => {
    const world = worldWithUser();
    const state = await withWorker(world, async (taskQueue) => {
      const handle = await start(taskQueue, input(device(), { source: 'manual' }));
      await waitForStatus(t.env, handle, 'unenrolling', { subStatus: /enrolling in the target confirms it/ });
      const confirmed = await handle.executeUpdate(confirmSourceRemoval, { args: [{ by: 'helpdesk' }] });
      expect(confirmed.status).toBe('reenrolling');
      const again = await handle
        .executeUpdate(confirmSourceRemoval, { args: [{}] })
        .catch((e: WorkflowUpdateFailedError) => e);
      expect((again as WorkflowUpdateFailedError).cause?.message).toBe('rejected: device is reenrolling');
      const result = await handle.result();
      await recordHistory(handle, 'manual_source_confirmed');
      return result;
    });
    expect(state.status).toBe('reenrolled');
    expect(state.history).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          status: 'unenrolled',
          subStatus: 'removed from the source, confirmed by admin',
        }),
      ]),
    );
    expect(state.adminActions).toEqual([
      expect.objectContaining({ action: 'source removal confirmed', by: 'helpdesk' }),
    ]);
    expect(world.callsOf('sendSourceCommand')).toHaveLength(0);
  });

  test('when the device enrolls in the target first, then that confirms its removal', async () => {
    const world = worldWithUser();
    const state = await withWorker(world, async (taskQueue) =>
      (await start(taskQueue, input(device(), { source: 'manual' }))).result(),
    );
    const statuses = state.history.map((h) => `${h.status}: ${h.subStatus ?? ''}`);
    expect(statuses).toContain('unenrolled: removed from the source: the device enrolled in the target');
    expect(state.status).toBe('reenrolled');
  });

  test('when the source is a tenant Ferry commands, then an admin cannot confirm a removal', async () => {
    const world = worldWithUser();
    world.neverEnrolls.add(SERIAL);
    await withWorker(world, async (taskQueue) => {
      const handle = await start(taskQueue, input(device()));
      await waitForStatus(t.env, handle, 'reenrolling');
      const err = await handle
        .executeUpdate(confirmSourceRemoval, { args: [{}] })
        .catch((e: WorkflowUpdateFailedError) => e);
      expect((err as WorkflowUpdateFailedError).cause?.message).toBe(
        'rejected: the source removes this device itself',
      );
      await handle.executeUpdate(cancelDevice, { args: [{}] });
    });
  });
});
