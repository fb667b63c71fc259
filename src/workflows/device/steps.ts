import { CancellationScope, condition, isCancellation } from '@temporalio/workflow';
import { detailForActivityFailure, isTimeout, reasonForActivityFailure } from './activity-failures';
import { acts, polling } from './activities';
import { OK, fail, type DeviceRun, type StepResult } from './context';
import { assignUser, awaitEnrollment, issueToken, notifyStep, waitOutNotice } from './enrollment';
import { ABM_BULK_WAITING, FIRST_STATUS, FailureReason, type AbmAssignmentResult } from './messages';
import { ABM_ROLLBACK_BEFORE_SOURCE_COMMAND, MANUAL_REMOVAL_WAIT } from './patches';
import { sourceCommandFor, targetEmailFor, waitsForBulkAbm, type Step } from './paths';

/** Runs the path's steps in order; a failed step waits for an admin's retry (or closes after the retention). */
export async function runSteps(run: DeviceRun): Promise<void> {
  const { device, path, steps, state, durations: d } = run;
  if (steps.length === 0) {
    state.fail(FailureReason.PathNotAvailable, `${path} is not available yet`, 'lookupUser');
    return;
  }
  // Fails closed before anything is sent: a wrong guess could wipe a personal phone. The input is fixed,
  // so a retry cannot help; the admin declares the kind in a device list. (No recorded history has this
  // kind: the branch issues no command for them.)
  if (device.platform === 'android' && device.enrollmentKind === 'unknown') {
    state.fail(FailureReason.AndroidEnrollmentKindUnknown, undefined, steps[0]);
    return;
  }
  for (let i = 0; i < steps.length;) {
    const step = steps[i]!;
    let result: StepResult;
    try {
      result = await runStep(run, step);
    } catch (err) {
      const reason = reasonForActivityFailure(err, run.patches);
      if (reason === undefined || isCancellation(err)) throw err;
      result = fail(reason, detailForActivityFailure(err, reason));
    }
    if (result.ok) {
      i++;
      continue;
    }
    state.fail(result.reason, result.detail, step);
    run.retryRequested = false;
    if (!(await condition(() => run.retryRequested, d.failedRetention))) return;
    state.resume();
    if (step === 'awaitEnrollment') run.expiredReissues = 0;
  }
  state.set('reenrolled');
}

async function runStep(run: DeviceRun, step: Step): Promise<StepResult> {
  const { state } = run;
  switch (step) {
    case 'lookupUser':
      return lookupUser(run);
    case 'abmReassignment':
    case 'abmDeadlineAssignment':
      return abmAssignment(run);
    case 'adeProfile':
      return adeProfile(run);
    case 'adeSync':
      return adeSync(run);
    case 'androidEnterprise':
      return androidEnterprise(run);
    case 'ready':
      state.set('ready');
      return OK;
    case 'issueToken':
      await issueToken(run, false);
      state.set('started', 'token issued');
      return OK;
    case 'notifyUser':
      await notifyStep(run);
      return OK;
    case 'unenroll':
      return unenroll(run);
    case 'awaitEnrollment':
      return awaitEnrollment(run);
    case 'assignUser':
      return assignUser(run);
  }
}

async function lookupUser(run: DeviceRun): Promise<StepResult> {
  const { device, options, state } = run;
  state.set(FIRST_STATUS.status, FIRST_STATUS.subStatus);
  const email = targetEmailFor(device.userEmail, options.userMatching, options.domainMap);
  const user = await acts.lookupTargetUser({ email });
  if (!user) return fail(FailureReason.TargetUserNotFound);
  state.current.targetUser = user;
  return OK;
}

/**
 * Waits until the device is on the target's MDM server in ABM: an admin's word, Apple's API read per
 * device (when configured), or the fleet's bulk assignment (read back per device) whichever comes first.
 */
async function abmAssignment(run: DeviceRun): Promise<StepResult> {
  const { device, options, path, state, durations: d } = run;
  if (run.abmConfirmed) return OK;
  const bulkWait = waitsForBulkAbm(path, options);
  run.bulk = undefined;
  run.abmMayBeAssigned ||=
    path === 'ios_ade_abm_deadline' || (bulkWait && run.patches.inForce(ABM_ROLLBACK_BEFORE_SOURCE_COMMAND));
  state.set(
    'abm_reassignment_pending',
    bulkWait ? ABM_BULK_WAITING : 'waiting for admin confirmation or ABM',
  );
  // Apple's API can confirm it without a human (when configured); an admin's word is enough either way.
  // A device the fleet assigns is told by the fleet's read-back: no GET of its own per check (Apple
  // allows about 20 a minute for the whole organisation).
  let automaticallyConfirmed = false;
  let checkError: unknown;
  const automatic = new CancellationScope();
  if (!bulkWait) {
    void automatic
      .run(() =>
        polling(d.abmCheckInterval, d.abmWait).awaitAbmAssignment({ serialNumber: device.serialNumber }),
      )
      .then(
        (r) => {
          automaticallyConfirmed = r === 'assigned';
        },
        (err) => {
          if (!isCancellation(err) && !isTimeout(err)) checkError = err;
        },
      );
  }
  const confirmed = await condition(
    () => run.abmConfirmed || automaticallyConfirmed || run.bulk !== undefined || checkError !== undefined,
    d.abmWait,
  );
  automatic.cancel();
  if (run.abmConfirmed || automaticallyConfirmed) return OK;
  const result = run.bulk as AbmAssignmentResult | undefined; // set by the signal handler meanwhile
  if (result) {
    if (!result.assigned) return fail(FailureReason.AbmAssignmentNotDone, notDoneDetail(result));
    state.current.abmDeadline = result.deadline;
    return OK;
  }
  if (checkError !== undefined) throw checkError;
  return confirmed ? OK : fail(FailureReason.AbmNotConfirmed);
}

function notDoneDetail(result: AbmAssignmentResult): string {
  const where = result.assignedServer ? `on MDM server ${result.assignedServer}` : 'on no MDM server';
  const activity = result.activityId ? ` (activity ${result.activityId})` : '';
  return `Apple reported the assignment${activity} complete, but ABM shows the device ${where}`;
}

async function adeProfile(run: DeviceRun): Promise<StepResult> {
  run.state.set('getting_ready', 'checking the target ADE profile');
  const { problems } = await acts.checkAdeProfile();
  return problems.length === 0 ? OK : fail(FailureReason.AdeProfileMisconfigured, problems.join('; '));
}

async function adeSync(run: DeviceRun): Promise<StepResult> {
  const { device, state, durations: d } = run;
  state.set('ade_sync', 'waiting for the device in the target ADE list');
  try {
    const sync = await polling(d.adeSyncCheckInterval, d.adeSyncTimeout).awaitAdeSync({
      serialNumber: device.serialNumber,
    });
    if (sync.problems.length > 0)
      return fail(FailureReason.AdeProfileMisconfigured, sync.problems.join('; '));
    state.set('ade_sync', 'synced on target, profile assigned');
    return OK;
  } catch (err) {
    if (isTimeout(err)) return fail(FailureReason.AdeNotSynced);
    throw err;
  }
}

async function androidEnterprise(run: DeviceRun): Promise<StepResult> {
  run.state.set('getting_ready', 'checking Android Enterprise registration');
  const ae = await acts.checkAndroidEnterprise();
  return ae.registered ? OK : fail(FailureReason.AndroidEnterpriseNotRegistered);
}

async function unenroll(run: DeviceRun): Promise<StepResult> {
  const { device, options, path, state, durations: d } = run;
  if (options.source === 'manual') {
    // The user removes it; enrolling in the target or an admin's word confirms it (awaitEnrollment).
    run.manualRemovalWait = run.patches.inForce(MANUAL_REMOVAL_WAIT);
    state.set('unenrolling', 'waiting for the user to remove the device from the source');
    return OK;
  }
  const command = sourceCommandFor(path);
  // Not before the time the user was told (notifyStep): the notice period, unless an admin ends it.
  await waitOutNotice(run, command);
  // The ids the list gave let the source match the record it acts on (an input change, not a command).
  const ids = { serialNumber: device.serialNumber, sourceDeviceId: device.sourceDeviceId, udid: device.udid };
  const sent = await acts.sendSourceCommand({ ...ids, command });
  run.sourceCommandSent = true;
  // The source took the command: the device is leaving, so its ABM assignment must stay. A refused
  // command leaves the device in the source, and a cancel then still rolls ABM back.
  run.abmMayBeAssigned = false;
  state.set(
    'unenrolling',
    `${command === 'erase' ? 'wipe' : 'retire'} ${sent.sent ? 'sent' : 'already pending'}`,
  );
  try {
    const removed = await polling(d.sourceRemovalCheckInterval, d.sourceRemovalTimeout).awaitSourceRemoval(
      ids,
    );
    state.set('unenrolled', `source reports ${removed.sourceState}`);
    return OK;
  } catch (err) {
    if (isTimeout(err)) return fail(FailureReason.SourceRemovalTimedOut);
    throw err;
  }
}
