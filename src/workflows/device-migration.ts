import {
  CancellationScope,
  allHandlersFinished,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { Duration, RetryPolicy } from '@temporalio/common';
import type { MigrationActivities } from '../activities';
import { NON_RETRYABLE_ERROR_TYPES, isTimeout, reasonForActivityFailure } from './activity-failures';
import {
  PATH_STEPS,
  enrollsWithStagingUser,
  pathFor,
  reached,
  sourceCommandFor,
  targetEmailFor,
  usesToken,
  waitsForBulkAbm,
  type Step,
} from './device-paths';
import { DeviceStateKeeper, durationMs } from './device-state';
import {
  ABM_BULK_WAITING,
  FailureReason,
  abmAssignmentResult,
  abmReassignmentConfirmed,
  cancelDevice,
  confirmAbmReassignment,
  confirmSourceRemoval,
  getDeviceState,
  reissueToken,
  renotifyUser,
  retryDevice,
  type AbmAssignmentResult,
  type AdminRequest,
  type DeviceState,
  type MigrateDeviceInput,
} from './messages';

const RETRY: RetryPolicy = {
  initialInterval: '2 seconds',
  backoffCoefficient: 2,
  maximumInterval: '5 minutes',
  nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
};

const acts = proxyActivities<MigrationActivities>({
  startToCloseTimeout: '1 minute',
  // Transient faults are retried for an hour; then the device fails with a reason and waits for an admin.
  scheduleToCloseTimeout: '1 hour',
  retry: RETRY,
});

/** Undoing an ABM assignment waits for Apple's activity (minutes), batched with other cancelled devices. */
const abmUndo = proxyActivities<MigrationActivities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '1 minute',
  scheduleToCloseTimeout: '6 hours',
  retry: RETRY,
});

/**
 * Waits on the outside world by letting an activity retry at a fixed interval until it succeeds or the
 * window passes: one activity in history however many checks it take (Temporal's polling pattern). The
 * window bounds both the attempts and the schedule-to-close time, so it ends even where a server does
 * not enforce one of them (the time-skipping test server keeps retrying past schedule-to-close).
 */
function polling(interval: Duration, window: Duration) {
  const windowMs = durationMs(window);
  return proxyActivities<MigrationActivities>({
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: windowMs,
    retry: {
      initialInterval: interval,
      backoffCoefficient: 1,
      maximumInterval: interval,
      maximumAttempts: Math.max(1, Math.floor(windowMs / durationMs(interval)) + 1),
      nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
    },
  });
}

/** Patch ids (`patched()`): histories recorded before a change replay the way they ran. */
const ABM_DEADLINE_PATH = 'abm-deadline-path';
const MANUAL_REMOVAL_WAIT = 'manual-source-removal-wait';
const ABM_ROLLBACK_BEFORE_SOURCE_COMMAND = 'abm-rollback-before-source-command';

type StepResult = { ok: true } | { ok: false; reason: string; detail?: string };
const OK: StepResult = { ok: true };
const fail = (reason: string, detail?: string): StepResult => ({ ok: false, reason, detail });

/** One device, from the source tenant to re-enrolled in the target (SPEC §3), with admin actions (§4). */
export async function migrateDevice(input: MigrateDeviceInput): Promise<DeviceState> {
  const { migrationId, device, options } = input;
  const d = options.durations;
  const path = pathFor(device, options);
  // Devices on this path started before it existed failed at once; their histories replay that way.
  const steps = path === 'ios_ade_abm_deadline' && !patched(ABM_DEADLINE_PATH) ? [] : PATH_STEPS[path];
  const state = new DeviceStateKeeper(migrationId, device, path);

  let abmConfirmed = false;
  let bulk: AbmAssignmentResult | undefined;
  let bulkResults = 0;
  /**
   * The fleet may have assigned the device in ABM: a cancel must undo it. On the deadline path until the
   * end; on the erase and standard paths until the source takes its command.
   */
  let abmMayBeAssigned = false;
  let manualRemovalWait = false;
  let removalConfirmed = false;
  let retryRequested = false;
  let cancelled = false;
  let tokenBusy = false;
  let expiredReissues = 0;
  const work = new CancellationScope();

  // Handlers first: an admin action that arrives before the workflow waits for it is kept, not lost.
  setHandler(getDeviceState, () => state.snapshot());
  setHandler(abmReassignmentConfirmed, () => {
    abmConfirmed = true;
  });
  setHandler(
    confirmAbmReassignment,
    (_req: AdminRequest) => {
      abmConfirmed = true;
      return state.snapshot();
    },
    {
      validator: (_req: AdminRequest) =>
        rejectUnless(
          steps.includes('abmReassignment') || steps.includes('abmDeadlineAssignment'),
          'device is not bound to ADE',
        ),
    },
  );
  setHandler(abmAssignmentResult, (result) => {
    bulk = result;
    bulkResults++;
  });
  setHandler(
    confirmSourceRemoval,
    (req) => {
      state.note('source removal confirmed', req);
      removalConfirmed = true;
      state.set('unenrolled', 'removed from the source, confirmed by admin');
      state.set('reenrolling', 'waiting for the device to enroll');
      return state.snapshot();
    },
    {
      validator: (_req: AdminRequest) =>
        rejectUnless(
          manualRemovalWait && state.current.status === 'unenrolling' && !cancelled && !state.current.closed,
          reject(options.source === 'manual' ? undefined : 'the source removes this device itself'),
        ),
    },
  );
  setHandler(
    retryDevice,
    async (req) => {
      state.note('retry requested', req);
      retryRequested = true;
      await condition(() => state.current.status !== 'failed' || state.current.closed);
      return state.snapshot();
    },
    {
      validator: (_req: AdminRequest) =>
        rejectUnless(state.current.status === 'failed' && !state.current.closed && !cancelled, reject()),
    },
  );
  setHandler(
    cancelDevice,
    async (req) => {
      state.note('cancel requested', req);
      cancelled = true;
      work.cancel();
      await condition(() => state.current.closed);
      return state.snapshot();
    },
    {
      validator: (_req: AdminRequest) =>
        rejectUnless(state.current.status !== 'reenrolled' && !state.current.closed && !cancelled, reject()),
    },
  );
  setHandler(
    renotifyUser,
    async (req) => {
      state.note('re-notify requested', req);
      await notify();
      return state.snapshot();
    },
    {
      validator: (_req: AdminRequest) =>
        rejectUnless(
          steps.includes('notifyUser') &&
            reached(state.current.status, 'started') &&
            state.current.status !== 'reenrolled',
          reject('the user has not been notified yet'),
        ),
    },
  );
  setHandler(
    reissueToken,
    async (req) => {
      state.note('token re-issue requested', req);
      await issueToken(true);
      await notify();
      return state.snapshot();
    },
    {
      validator: (_req: AdminRequest) =>
        rejectUnless(
          usesToken(path) &&
            reached(state.current.status, 'started') &&
            state.current.status !== 'reenrolled',
          reject(usesToken(path) ? 'no token has been issued yet' : 'this path enrolls without a token'),
        ),
    },
  );

  function reject(why?: string): string {
    const s = state.current;
    if (s.closed) return 'device migration is closed';
    if (cancelled) return 'device was cancelled';
    return why ?? `device is ${s.status.replace(/_/g, ' ')}`;
  }

  async function notify(): Promise<void> {
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
  async function issueToken(replace: boolean): Promise<void> {
    await condition(() => !tokenBusy);
    tokenBusy = true;
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
      tokenBusy = false;
    }
  }

  async function lookupUser(): Promise<StepResult> {
    state.set('getting_ready', 'looking for user on target');
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
  async function abmAssignment(): Promise<StepResult> {
    if (abmConfirmed) return OK;
    const bulkWait = waitsForBulkAbm(path, options);
    bulk = undefined;
    abmMayBeAssigned ||=
      path === 'ios_ade_abm_deadline' || (bulkWait && patched(ABM_ROLLBACK_BEFORE_SOURCE_COMMAND));
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
      () => abmConfirmed || automaticallyConfirmed || bulk !== undefined || checkError !== undefined,
      d.abmWait,
    );
    automatic.cancel();
    if (abmConfirmed || automaticallyConfirmed) return OK;
    const result = bulk as AbmAssignmentResult | undefined; // set by the signal handler meanwhile
    if (result) {
      if (!result.assigned) return fail(FailureReason.AbmAssignmentNotDone, notDoneDetail(result));
      state.current.abmDeadline = result.deadline;
      return OK;
    }
    if (checkError !== undefined) throw checkError;
    return confirmed ? OK : fail(FailureReason.AbmNotConfirmed);
  }

  async function adeProfile(): Promise<StepResult> {
    state.set('getting_ready', 'checking the target ADE profile');
    const { problems } = await acts.checkAdeProfile();
    return problems.length === 0 ? OK : fail(FailureReason.AdeProfileMisconfigured, problems.join('; '));
  }

  async function adeSync(): Promise<StepResult> {
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

  async function androidEnterprise(): Promise<StepResult> {
    state.set('getting_ready', 'checking Android Enterprise registration');
    const ae = await acts.checkAndroidEnterprise();
    return ae.registered ? OK : fail(FailureReason.AndroidEnterpriseNotRegistered);
  }

  async function unenroll(): Promise<StepResult> {
    if (options.source === 'manual') {
      // The user removes it; enrolling in the target or an admin's word confirms it (awaitEnrollment).
      manualRemovalWait = patched(MANUAL_REMOVAL_WAIT);
      state.set('unenrolling', 'waiting for the user to remove the device from the source');
      return OK;
    }
    const command = sourceCommandFor(path);
    const sent = await acts.sendSourceCommand({ serialNumber: device.serialNumber, command });
    // The source took the command: the device is leaving, so its ABM assignment must stay. A refused
    // command leaves the device in the source, and a cancel then still rolls ABM back.
    abmMayBeAssigned = false;
    state.set(
      'unenrolling',
      `${command === 'erase' ? 'wipe' : 'retire'} ${sent.sent ? 'sent' : 'already pending'}`,
    );
    try {
      const removed = await polling(d.sourceRemovalCheckInterval, d.sourceRemovalTimeout).awaitSourceRemoval({
        serialNumber: device.serialNumber,
      });
      state.set('unenrolled', `source reports ${removed.sourceState}`);
      return OK;
    } catch (err) {
      if (isTimeout(err)) return fail(FailureReason.SourceRemovalTimedOut);
      throw err;
    }
  }

  /** Waits for the device in the target; on token paths re-issues an expired token, a bounded number of times. */
  async function awaitEnrollment(): Promise<StepResult> {
    // On the deadline path the OS moves the device at the ABM deadline; a device switched off then moves later.
    const abmDeadline = state.current.abmDeadline ? Date.parse(state.current.abmDeadline) : Date.now();
    const deadline = Math.max(Date.now(), abmDeadline) + durationMs(d.enrollmentTimeout);
    for (;;) {
      const token = state.current.tokenExpiresAt ? Date.parse(state.current.tokenExpiresAt) : undefined;
      if (token !== undefined && Date.now() >= token) {
        if (expiredReissues >= options.maxTokenReissues) return fail(FailureReason.TokenExpiredTooManyTimes);
        expiredReissues++;
        await issueToken(true);
        await notify();
        continue;
      }
      if (Date.now() >= deadline) return fail(FailureReason.EnrollmentTimedOut);
      const until = Math.min(deadline, token ?? deadline);
      if (manualRemovalWait && !removalConfirmed) {
        state.set(
          'unenrolling',
          'waiting for the user to remove the device; enrolling in the target confirms it',
        );
      } else {
        state.set('reenrolling', enrollmentWaitDetail(token));
      }
      try {
        const enrolled = await polling(d.enrollmentCheckInterval, until - Date.now()).awaitTargetEnrollment({
          serialNumber: device.serialNumber,
        });
        state.current.targetDeviceId = enrolled.deviceId;
        if (manualRemovalWait && !removalConfirmed) {
          state.set('unenrolled', 'removed from the source: the device enrolled in the target');
        }
        if (enrollsWithStagingUser(path)) return OK; // assignUser moves it to its user
        if (enrolled.userId !== state.current.targetUser!.id) {
          return fail(
            FailureReason.EnrolledToWrongUser,
            `enrolled to ${enrolled.userName ?? 'another user'}`,
          );
        }
        return OK;
      } catch (err) {
        if (!isTimeout(err)) throw err;
        // The last check of a window can come up to one interval before its end: wait out the rest.
        if (Date.now() < until) await sleep(until - Date.now());
      }
    }
  }

  function enrollmentWaitDetail(token: number | undefined): string {
    if (token !== undefined) return `token valid until ${new Date(token).toISOString()}`;
    const deadline = state.current.abmDeadline;
    return deadline
      ? `the device moves by itself by the ABM deadline ${deadline}`
      : 'waiting for the device to enroll';
  }

  async function assignUser(): Promise<StepResult> {
    state.set('reenrolling', 'enrolled with the staging user; assigning to the user');
    const assigned = await acts.assignDeviceToUser({
      serialNumber: device.serialNumber,
      deviceId: state.current.targetDeviceId!,
      user: state.current.targetUser!,
    });
    return assigned.userId === state.current.targetUser!.id ? OK : fail(FailureReason.EnrolledToWrongUser);
  }

  async function run(step: Step): Promise<StepResult> {
    switch (step) {
      case 'lookupUser':
        return lookupUser();
      case 'abmReassignment':
      case 'abmDeadlineAssignment':
        return abmAssignment();
      case 'adeProfile':
        return adeProfile();
      case 'adeSync':
        return adeSync();
      case 'androidEnterprise':
        return androidEnterprise();
      case 'ready':
        state.set('ready');
        return OK;
      case 'issueToken':
        await issueToken(false);
        state.set('started', 'token issued');
        return OK;
      case 'notifyUser':
        await notify();
        state.set('started', 'user notified');
        return OK;
      case 'unenroll':
        return unenroll();
      case 'awaitEnrollment':
        return awaitEnrollment();
      case 'assignUser':
        return assignUser();
    }
  }

  async function runSteps(): Promise<void> {
    if (steps.length === 0) {
      state.fail(FailureReason.PathNotAvailable, `${path} is not available yet`, 'lookupUser');
      return;
    }
    for (let i = 0; i < steps.length;) {
      const step = steps[i]!;
      let result: StepResult;
      try {
        result = await run(step);
      } catch (err) {
        const reason = reasonForActivityFailure(err);
        if (reason === undefined || isCancellation(err)) throw err;
        result = fail(reason);
      }
      if (result.ok) {
        i++;
        continue;
      }
      state.fail(result.reason, result.detail, step);
      retryRequested = false;
      if (!(await condition(() => retryRequested, d.failedRetention))) return;
      state.resume();
      if (step === 'awaitEnrollment') expiredReissues = 0;
    }
    state.set('reenrolled');
  }

  try {
    await work.run(runSteps);
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(async () => {
      // A token nobody will use must not stay valid: the device never left for the target.
      if (state.current.tokenExpiresAt && state.current.status !== 'reenrolled') {
        await acts.revokeRegistrationTokens({ serialNumber: device.serialNumber });
        state.current.tokenExpiresAt = undefined;
      }
      state.fail(
        FailureReason.CancelledByAdmin,
        abmMayBeAssigned ? await rollBackAbmAssignment() : undefined,
      );
    });
  }
  state.close();
  await condition(allHandlersFinished);
  return state.snapshot();

  /**
   * The rollback of Ferry's ABM assignment: on the deadline path the device would move to the target by
   * itself at the deadline; on the others, a later erase would enroll it there. An assignment the fleet
   * reports while the undo runs is undone too.
   */
  async function rollBackAbmAssignment(): Promise<string> {
    for (;;) {
      const seen = bulkResults;
      const undone = await abmUndo.undoAbmAssignment({ serialNumber: device.serialNumber });
      if (bulkResults === seen || !bulk?.assigned) return undone.detail;
    }
  }
}

function notDoneDetail(result: AbmAssignmentResult): string {
  const where = result.assignedServer ? `on MDM server ${result.assignedServer}` : 'on no MDM server';
  const activity = result.activityId ? ` (activity ${result.activityId})` : '';
  return `Apple reported the assignment${activity} complete, but ABM shows the device ${where}`;
}

function rejectUnless(ok: boolean, reason: string): void {
  if (!ok) throw new Error(`rejected: ${reason}`);
}
