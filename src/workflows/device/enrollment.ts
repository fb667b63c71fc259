/** The user's part of the move: the token, the notice, the wait for the device in the target. */
import { condition, sleep } from '@temporalio/workflow';
import { isTimeout } from './activity-failures';
import { acts, polling } from './activities';
import { OK, fail, type DeviceRun, type StepResult } from './context';
import { NOTICE_BEFORE_SOURCE_COMMAND } from './patches';
import { FailureReason, durationMs } from './messages';
import { enrollsWithStagingUser, sendsSourceCommand, usesToken } from './paths';

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
    // Once the source has its command, a message no longer announces it.
    removalAt: run.sourceCommandSent ? undefined : state.current.sourceCommandAt,
  });
}

/**
 * The notifyUser step. Where the source retires or wipes the device next, the time it does (now plus the
 * migration's notice period, in workflow time) is fixed here and named in the message.
 */
export async function notifyStep(run: DeviceRun): Promise<void> {
  const { options, path, state } = run;
  if (sendsSourceCommand(path, options) && run.patches.inForce(NOTICE_BEFORE_SOURCE_COMMAND)) {
    const notice = options.noticePeriod === undefined ? 0 : durationMs(options.noticePeriod);
    run.sourceCommandDue = Date.now() + notice;
    state.current.sourceCommandAt = new Date(run.sourceCommandDue).toISOString();
  }
  await notify(run);
  state.set('started', 'user notified');
}

/** Holds the source command until the time the user was told, unless an admin sends it now. */
export async function waitOutNotice(run: DeviceRun, command: 'retire' | 'erase'): Promise<void> {
  const due = run.sourceCommandDue;
  if (due === undefined || Date.now() >= due) return; // no notice period, or told before it ran out
  run.noticeWait = true;
  run.sendNowRequested = false;
  const what = command === 'erase' ? 'wipe' : 'retire';
  run.state.set('started', `user notified: ${what} at ${new Date(due).toISOString()}`);
  try {
    await condition(() => run.sendNowRequested, due - Date.now());
  } finally {
    run.noticeWait = false;
  }
}

/** Issues (or, with replace, re-issues) the registration token; one at a time, whoever asks. */
export async function issueToken(run: DeviceRun, replace: boolean): Promise<void> {
  const { migrationId, device, options, state } = run;
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
      // Tells a re-issue apart where the token had no expiry to name (an input: replays as before).
      ...(replace && { replace }),
      // The activity checks a new token against them (an input, not a command: histories replay as before).
      declared: options.tokenSettings,
    });
    state.tokenIssued(token.expiresAt, token.reused);
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
        // The user's id, not their name: a sub-status is a search attribute, and user names are often emails.
        const to = enrolled.userId !== undefined ? `target user id ${enrolled.userId}` : 'another user';
        return fail(FailureReason.EnrolledToWrongUser, `enrolled to ${to}`);
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
  const user = state.current.targetUser!;
  const assigned = await acts.assignDeviceToUser({
    serialNumber: device.serialNumber,
    deviceId: state.current.targetDeviceId!,
    user,
  });
  if (assigned.userId === user.id) return OK;
  // The target refused the switch (its API documents it for Multi-Staging users only): the device works,
  // on the staging user. An admin assigns it; the retry reads the device and finishes without a switch.
  if (assigned.refused) {
    return fail(
      FailureReason.EnrolledUnderStagingUser,
      `${assigned.refused}; assign the device to its user (target user id ${user.id}) in the Workspace ONE console, ` +
        `then ferry retry ${run.migrationId} ${device.serialNumber}`,
    );
  }
  return fail(FailureReason.EnrolledToWrongUser);
}
