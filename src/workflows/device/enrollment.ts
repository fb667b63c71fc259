/** The user's part of the move: the token, the notice, the wait for the device in the target. */
import { condition, sleep } from '@temporalio/workflow';
import { isTimeout } from './activity-failures';
import { acts, polling } from './activities';
import { OK, fail, type DeviceRun, type StepResult } from './context';
import { FailureReason, durationMs } from './messages';
import { enrollsWithStagingUser, usesToken } from './paths';

export async function notify(run: DeviceRun): Promise<void> {
  const { migrationId, device, path, state } = run;
  await acts.notifyUser({
    migrationId,
    serialNumber: device.serialNumber,
    platform: device.platform,
    path,
    email: device.userEmail,
    hasToken: usesToken(path),
    deadline: state.current.abmDeadline,
  });
}

/** Issues (or, with replace, re-issues) the registration token; one at a time, whoever asks. */
export async function issueToken(run: DeviceRun, replace: boolean): Promise<void> {
  const { migrationId, device, state } = run;
  await condition(() => !run.tokenBusy);
  run.tokenBusy = true;
  try {
    const token = await acts.issueRegistrationToken({
      migrationId,
      serialNumber: device.serialNumber,
      platform: device.platform,
      user: state.current.targetUser!,
      friendlyName: device.friendlyName,
      replacing: replace ? state.current.tokenExpiresAt : undefined,
    });
    state.tokenIssued(token.expiresAt);
  } finally {
    run.tokenBusy = false;
  }
}

/** Waits for the device in the target; on token paths re-issues an expired token, a bounded number of times. */
export async function awaitEnrollment(run: DeviceRun): Promise<StepResult> {
  const { device, options, path, state, durations: d } = run;
  // On the deadline path the OS moves the device at the ABM deadline; a device switched off then moves later.
  const abmDeadline = state.current.abmDeadline ? Date.parse(state.current.abmDeadline) : Date.now();
  const deadline = Math.max(Date.now(), abmDeadline) + durationMs(d.enrollmentTimeout);
  for (;;) {
    const token = state.current.tokenExpiresAt ? Date.parse(state.current.tokenExpiresAt) : undefined;
    if (token !== undefined && Date.now() >= token) {
      if (run.expiredReissues >= options.maxTokenReissues)
        return fail(FailureReason.TokenExpiredTooManyTimes);
      run.expiredReissues++;
      await issueToken(run, true);
      await notify(run);
      continue;
    }
    if (Date.now() >= deadline) return fail(FailureReason.EnrollmentTimedOut);
    const until = Math.min(deadline, token ?? deadline);
    if (run.manualRemovalWait && !run.removalConfirmed) {
      state.set(
        'unenrolling',
        'waiting for the user to remove the device; enrolling in the target confirms it',
      );
    } else {
      state.set('reenrolling', enrollmentWaitDetail(run, token));
    }
    try {
      const enrolled = await polling(d.enrollmentCheckInterval, until - Date.now()).awaitTargetEnrollment({
        serialNumber: device.serialNumber,
      });
      state.current.targetDeviceId = enrolled.deviceId;
      if (run.manualRemovalWait && !run.removalConfirmed) {
        state.set('unenrolled', 'removed from the source: the device enrolled in the target');
      }
      if (enrollsWithStagingUser(path)) return OK; // assignUser moves it to its user
      if (enrolled.userId !== state.current.targetUser!.id) {
        return fail(FailureReason.EnrolledToWrongUser, `enrolled to ${enrolled.userName ?? 'another user'}`);
      }
      return OK;
    } catch (err) {
      if (!isTimeout(err)) throw err;
      // The last check of a window can come up to one interval before its end: wait out the rest.
      if (Date.now() < until) await sleep(until - Date.now());
    }
  }
}

function enrollmentWaitDetail(run: DeviceRun, token: number | undefined): string {
  if (token !== undefined) return `token valid until ${new Date(token).toISOString()}`;
  const deadline = run.state.current.abmDeadline;
  return deadline
    ? `the device moves by itself by the ABM deadline ${deadline}`
    : 'waiting for the device to enroll';
}

export async function assignUser(run: DeviceRun): Promise<StepResult> {
  const { device, state } = run;
  state.set('reenrolling', 'enrolled with the staging user; assigning to the user');
  const assigned = await acts.assignDeviceToUser({
    serialNumber: device.serialNumber,
    deviceId: state.current.targetDeviceId!,
    user: state.current.targetUser!,
  });
  return assigned.userId === state.current.targetUser!.id ? OK : fail(FailureReason.EnrolledToWrongUser);
}
