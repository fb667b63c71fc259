import { condition, setHandler } from '@temporalio/workflow';
import type { DeviceRun } from './context';
import { issueToken, notify } from './enrollment';
import {
  abmAssignmentResult,
  abmReassignmentConfirmed,
  cancelDevice,
  confirmAbmReassignment,
  confirmSourceRemoval,
  getDeviceState,
  reissueToken,
  renotifyUser,
  retryDevice,
  sendSourceCommandNow,
  type AdminRequest,
} from './messages';
import { reached, usesToken } from './paths';

/**
 * The device's query, signals and admin updates (SPEC §4). Each update's validator refuses what does not
 * fit the device's status now, so a refused action leaves nothing in the history.
 */
export function registerHandlers(run: DeviceRun): void {
  const { options, path, steps, state } = run;

  setHandler(getDeviceState, () => state.snapshot());
  setHandler(abmReassignmentConfirmed, () => {
    run.abmConfirmed = true;
  });
  setHandler(
    confirmAbmReassignment,
    (_req: AdminRequest) => {
      run.abmConfirmed = true;
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
    run.bulk = result;
    run.bulkResults++;
  });
  setHandler(
    confirmSourceRemoval,
    (req) => {
      state.note('source removal confirmed', req);
      run.removalConfirmed = true;
      state.set('unenrolled', 'removed from the source, confirmed by admin');
      state.set('reenrolling', 'waiting for the device to enroll');
      return state.snapshot();
    },
    {
      validator: (_req: AdminRequest) =>
        rejectUnless(
          run.manualRemovalWait &&
            state.current.status === 'unenrolling' &&
            !run.cancelled &&
            !state.current.closed,
          reject(run, options.source === 'manual' ? undefined : 'the source removes this device itself'),
        ),
    },
  );
  setHandler(
    sendSourceCommandNow,
    async (req) => {
      state.note('source command sent before the notice period ended', req);
      run.sendNowRequested = true;
      // Answers with the command sent (or the step failed), not with the wait that just ended.
      await condition(
        () => run.sourceCommandSent || state.current.status === 'failed' || state.current.closed,
      );
      return state.snapshot();
    },
    {
      validator: (_req: AdminRequest) =>
        rejectUnless(
          run.noticeWait && !run.cancelled && !state.current.closed,
          reject(run, 'the device is not waiting out a notice period'),
        ),
    },
  );
  setHandler(
    retryDevice,
    async (req) => {
      state.note('retry requested', req);
      run.retryRequested = true;
      await condition(() => state.current.status !== 'failed' || state.current.closed);
      return state.snapshot();
    },
    {
      validator: (_req: AdminRequest) =>
        rejectUnless(
          state.current.status === 'failed' && !state.current.closed && !run.cancelled,
          reject(run),
        ),
    },
  );
  setHandler(
    cancelDevice,
    async (req) => {
      state.note('cancel requested', req);
      run.cancelled = true;
      run.work.cancel();
      await condition(() => state.current.closed);
      return state.snapshot();
    },
    {
      validator: (_req: AdminRequest) =>
        rejectUnless(
          state.current.status !== 'reenrolled' && !state.current.closed && !run.cancelled,
          reject(run),
        ),
    },
  );
  setHandler(
    renotifyUser,
    async (req) => {
      state.note('re-notify requested', req);
      await notify(run);
      return state.snapshot();
    },
    {
      validator: (_req: AdminRequest) =>
        rejectUnless(
          steps.includes('notifyUser') &&
            reached(state.current.status, 'started') &&
            state.current.status !== 'reenrolled',
          reject(run, 'the user has not been notified yet'),
        ),
    },
  );
  setHandler(
    reissueToken,
    async (req) => {
      state.note('token re-issue requested', req);
      await issueToken(run, true);
      await notify(run);
      return state.snapshot();
    },
    {
      validator: (_req: AdminRequest) =>
        rejectUnless(
          usesToken(path) &&
            reached(state.current.status, 'started') &&
            state.current.status !== 'reenrolled',
          reject(run, usesToken(path) ? 'no token has been issued yet' : 'this path enrolls without a token'),
        ),
    },
  );
}

function reject(run: DeviceRun, why?: string): string {
  const s = run.state.current;
  if (s.closed) return 'device migration is closed';
  if (run.cancelled) return 'device was cancelled';
  return why ?? `device is ${s.status.replace(/_/g, ' ')}`;
}

function rejectUnless(ok: boolean, reason: string): void {
  if (!ok) throw new Error(`rejected: ${reason}`);
}
