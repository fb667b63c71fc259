import { CancellationScope } from '@temporalio/workflow';
import { abmUndo, acts } from './activities';
import type { DeviceRun } from './context';
import { FailureReason } from './messages';

/** What a cancel undoes, whatever else is cancelled meanwhile: the token, and Ferry's ABM assignment. */
export async function undoOnCancel(run: DeviceRun): Promise<void> {
  const { device, state } = run;
  await CancellationScope.nonCancellable(async () => {
    // A token nobody will use must not stay valid: the device never left for the target. (A token with
    // no expiry leaves tokenExpiresAt unset; before those existed, both tests agreed.)
    if (
      (state.current.tokenExpiresAt || state.current.tokensIssued > 0) &&
      state.current.status !== 'reenrolled'
    ) {
      await acts.revokeRegistrationTokens({ serialNumber: device.serialNumber });
      state.current.tokenExpiresAt = undefined;
    }
    state.fail(
      FailureReason.CancelledByAdmin,
      run.abmMayBeAssigned ? await rollBackAbmAssignment(run) : undefined,
    );
  });
}

/**
 * The rollback of Ferry's ABM assignment: on the deadline path the device would move to the target by
 * itself at the deadline; on the others, a later erase would enroll it there. An assignment the fleet
 * reports while the undo runs is undone too.
 */
async function rollBackAbmAssignment(run: DeviceRun): Promise<string> {
  for (;;) {
    const seen = run.bulkResults;
    const undone = await abmUndo.undoAbmAssignment({ serialNumber: run.device.serialNumber });
    if (run.bulkResults === seen || !run.bulk?.assigned) return undone.detail;
  }
}
