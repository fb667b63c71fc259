import { allHandlersFinished, condition, isCancellation } from '@temporalio/workflow';
import { startDeviceRun } from './context';
import { registerHandlers } from './handlers';
import type { DeviceState, MigrateDeviceInput } from './messages';
import { undoOnCancel } from './rollback';
import { runSteps } from './steps';

/** One device, from the source tenant to re-enrolled in the target (SPEC §3), with admin actions (§4). */
export async function migrateDevice(input: MigrateDeviceInput): Promise<DeviceState> {
  const run = startDeviceRun(input);
  // Handlers first: an admin action that arrives before the workflow waits for it is kept, not lost.
  registerHandlers(run);
  try {
    await run.work.run(() => runSteps(run));
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await undoOnCancel(run);
  }
  run.state.close();
  await condition(allHandlersFinished);
  return run.state.snapshot();
}
