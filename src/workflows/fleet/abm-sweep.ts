import { ActivityFailure, CancellationScope, condition, isCancellation, log } from '@temporalio/workflow';
import { durationMs } from '../device/messages';
import { longRunning, type slotPolling } from './activities';
import {
  DEFAULT_ABM_ASSIGN_INTERVAL,
  MAX_ABM_BATCH,
  type AbmBulkProgress,
  type FleetInput,
} from './messages';
import { abmDeadlineFor } from './rollout';

/**
 * Once an admin approves, assigns the devices waiting for it in ABM: a batch at a time (one ABM activity
 * for up to 1,000 devices), spaced by abmAssignInterval for Apple's rate limits. Runs beside the rollout;
 * `stop` lets a running batch finish (continue-as-new, end of the migration) so none is cut in half.
 */
export function bulkAbmAssignments(
  input: FleetInput,
  abm: AbmBulkProgress,
  finder: ReturnType<typeof slotPolling>,
): { stop(): Promise<void> } {
  const interval = durationMs(input.rollout.abmAssignInterval ?? DEFAULT_ABM_ASSIGN_INTERVAL);
  let stopping = false;
  let finding: CancellationScope | undefined;

  async function waitingDevices(): Promise<string[] | undefined> {
    const scope = new CancellationScope();
    finding = scope;
    try {
      return await scope.run(() =>
        finder.findDevicesAwaitingAbm({ migrationId: input.migrationId, limit: MAX_ABM_BATCH }),
      );
    } catch (err) {
      if (stopping && isCancellation(err)) return undefined;
      throw err;
    } finally {
      finding = undefined;
    }
  }

  async function run(): Promise<void> {
    while (!stopping) {
      await condition(() => stopping || abm.approved);
      if (stopping) return;
      const wait = abm.lastBatchAt === undefined ? 0 : abm.lastBatchAt + interval - Date.now();
      if (wait > 0 && (await condition(() => stopping, wait))) return;
      const serials = await waitingDevices();
      if (serials === undefined) return;
      try {
        const r = await longRunning.assignDevicesInAbm({
          migrationId: input.migrationId,
          serials,
          deadline: abmDeadlineFor(input.options, Date.now()),
        });
        abm.batches++;
        abm.assigned += Math.max(0, r.assigned - r.alreadyAssigned);
        abm.notAssigned += r.notAssigned.length;
        abm.undone += r.undone.length;
        abm.lastNotAssigned = [...r.notAssigned, ...abm.lastNotAssigned].slice(0, 20);
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        // Nothing retrying fixes (no credentials, refused): stop and show why until an admin approves again.
        abm.approved = false;
        abm.error = err.cause?.message ?? err.message;
        log.warn('bulk ABM assignment stopped', { migrationId: input.migrationId, error: abm.error });
      }
      abm.lastBatchAt = Date.now();
    }
  }

  const running = run();
  return {
    async stop() {
      stopping = true;
      finding?.cancel();
      await running;
    },
  };
}
