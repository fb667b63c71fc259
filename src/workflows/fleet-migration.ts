import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Duration, RetryPolicy, UpdateDefinition } from '@temporalio/common';
import type { FleetActivities } from '../activities/fleet';
import { durationMs } from './device-state';
import {
  DEFAULT_ABM_ASSIGN_INTERVAL,
  DEFAULT_BATCHES_PER_RUN,
  DEFAULT_BATCH_SIZE,
  DEFAULT_POLL_INTERVAL,
  MAX_ABM_BATCH,
  abmDeadlineFor,
  allStarted,
  approveAbmAssignment,
  approveWave,
  assignsInAbm,
  cancelMigration,
  currentWave,
  fleetInputProblems,
  fleetProgress,
  getMigrationProgress,
  msUntilTokens,
  newAbmProgress,
  newFleetCursor,
  pauseMigration,
  rateBurst,
  refillThreshold,
  refillBucket,
  rejectionFor,
  resumeMigration,
  startAll,
  waitingForWaveApproval,
  waveEnd,
  type AbmBulkProgress,
  type FleetAction,
  type FleetCursor,
  type FleetInput,
  type FleetProgress,
  type FleetSummary,
} from './fleet-messages';
import type { AdminRequest } from './messages';

// No attempt limit: a fleet that runs for weeks must outlast an hour without visibility or the list's
// volume; the pending activity shows its last failure meanwhile.
const RETRY: RetryPolicy = {
  initialInterval: '2 seconds',
  backoffCoefficient: 2,
  maximumInterval: '5 minutes',
};

const acts = proxyActivities<FleetActivities>({
  startToCloseTimeout: '10 minutes',
  // A worker lost mid-batch is noticed within a minute; the retry resumes after the last heartbeat.
  heartbeatTimeout: '1 minute',
  retry: RETRY,
});

/**
 * Long, heartbeating work: cancelling waits for each device to close (token revokes and ABM undos
 * included) for thousands of them; a bulk ABM assignment follows Apple's activity to its end.
 */
const longRunning = proxyActivities<FleetActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: RETRY,
});

/** Patch id: runs recorded before the bulk ABM assignment existed replay without it. */
const ABM_BULK_ASSIGNMENT = 'abm-bulk-assignment';

/**
 * Waiting for room is one activity retried every poll interval: a wait of days adds nothing to
 * history, where a timer loop would add about eleven events per poll.
 */
function slotPolling(interval: Duration) {
  return proxyActivities<FleetActivities>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: interval, backoffCoefficient: 1, maximumInterval: interval },
  });
}

/**
 * One migration's rollout: starts device workflows from the saved list in a sliding window of
 * `concurrency` running devices, in batches, paced by devicesPerHour and waves, and continues as new
 * every few batches so no run nears Temporal's history limits. Devices report nothing to it: running
 * devices are counted through visibility, and admins read device progress there too.
 */
export async function migrateFleet(input: FleetInput): Promise<FleetSummary> {
  const problems = fleetInputProblems(input);
  if (problems.length > 0) throw ApplicationFailure.nonRetryable(problems.join('; '), 'InvalidFleetInput');
  const { migrationId, rollout } = input;
  const batchSize = rollout.batchSize ?? DEFAULT_BATCH_SIZE;
  const batchesPerRun = rollout.batchesPerRun ?? DEFAULT_BATCHES_PER_RUN;
  const pollInterval = rollout.pollInterval ?? DEFAULT_POLL_INTERVAL;
  const slots = slotPolling(pollInterval);
  const c: FleetCursor = input.state ?? newFleetCursor();
  let slotWait: CancellationScope | undefined;
  if (assignsInAbm(input.options) && patched(ABM_BULK_ASSIGNMENT)) c.abm ??= newAbmProgress();

  // Handlers first: an admin action that arrives with the first task is applied, not rejected.
  setHandler(getMigrationProgress, () => fleetProgress(input, c));
  const admin = (
    action: FleetAction,
    update: UpdateDefinition<FleetProgress, [AdminRequest]>,
    apply: (req: AdminRequest) => void,
  ) =>
    setHandler(
      update,
      (req: AdminRequest) => {
        log.info('fleet admin action', { migrationId, action, by: req.by });
        apply(req);
        return fleetProgress(input, c);
      },
      {
        validator: (_req: AdminRequest) => {
          const why = rejectionFor(action, input, c);
          if (why !== undefined) throw new Error(`rejected: ${why}`);
        },
      },
    );
  admin('pause', pauseMigration, () => (c.paused = true));
  admin('resume', resumeMigration, () => (c.paused = false));
  admin('approveWave', approveWave, () => (c.wavesApproved = currentWave(input, c) + 1));
  admin('startAll', startAll, () => (c.startAll = true));
  admin('cancel', cancelMigration, (req) => {
    c.cancelled = true;
    c.cancelledBy = req.by;
    slotWait?.cancel();
  });
  admin('approveAbm', approveAbmAssignment, (req) => {
    c.abm!.approved = true;
    c.abm!.approvedBy = req.by;
    c.abm!.error = undefined;
  });
  const abmSweep = c.abm ? bulkAbmAssignments(input, c.abm, slots) : undefined;

  const blocked = () => c.paused || waitingForWaveApproval(input, c);

  /** Waits until fewer than `below` devices run; undefined when the migration was cancelled meanwhile. */
  async function runningBelow(below: number): Promise<number | undefined> {
    const scope = new CancellationScope();
    slotWait = scope;
    try {
      return await scope.run(() => slots.countRunningDevices({ migrationId, below }));
    } catch (err) {
      if (c.cancelled && isCancellation(err)) return undefined;
      throw err;
    } finally {
      slotWait = undefined;
    }
  }

  /**
   * Visibility trails the starts (the dev server by milliseconds, Elasticsearch by about a second): a
   * count taken at once would miss the last batch and overfill the window. False when cancelled.
   */
  async function settled(): Promise<boolean> {
    await condition(() => c.cancelled, pollInterval);
    return !c.cancelled;
  }

  // Free slots from the last count, less the devices started since (finishing devices only add room).
  let free = 0;
  let batchesThisRun = 0;
  while (!c.cancelled && !allStarted(input, c)) {
    if (batchesThisRun > 0 && (batchesThisRun >= batchesPerRun || workflowInfo().continueAsNewSuggested)) {
      await abmSweep?.stop();
      await condition(allHandlersFinished);
      c.runs++;
      await continueAsNew<typeof migrateFleet>({ ...input, state: c });
    }
    if (blocked()) {
      await condition(() => c.cancelled || !blocked());
      free = 0; // devices came and went meanwhile: count again
      continue;
    }
    if (free <= 0) {
      if (c.nextOffset > c.countedUpTo && !(await settled())) continue;
      const running = await runningBelow(rollout.concurrency - refillThreshold(input, c) + 1);
      if (running !== undefined) {
        free = rollout.concurrency - running;
        c.countedUpTo = c.nextOffset;
      }
      continue;
    }
    let limit = Math.min(batchSize, free, waveEnd(input, c) - c.nextOffset, input.deviceCount - c.nextOffset);
    const perHour = c.startAll ? undefined : rollout.devicesPerHour;
    if (perHour !== undefined) {
      c.rate = refillBucket(c.rate, perHour, rateBurst(perHour, batchSize), Date.now());
      limit = Math.min(limit, rateBurst(perHour, batchSize));
      const wait = msUntilTokens(c.rate, limit, perHour);
      if (wait > 0) {
        await condition(() => c.cancelled || c.startAll || blocked(), wait);
        continue;
      }
    }
    const batch = await acts.startDeviceBatch({
      migrationId,
      offset: c.nextOffset,
      limit,
      options: input.options,
    });
    c.nextOffset = batch.nextOffset;
    c.started += batch.started;
    c.alreadyStarted += batch.alreadyStarted;
    c.listEnded ||= batch.done;
    c.batches++;
    batchesThisRun++;
    free -= batch.started;
    if (perHour !== undefined && c.rate) c.rate.tokens -= batch.started;
  }

  if (!c.cancelled && (await settled())) await runningBelow(1);
  await abmSweep?.stop();
  let outcome = { cancelled: 0, skipped: 0 };
  if (c.cancelled) {
    outcome = await longRunning.cancelMigrationDevices({
      migrationId,
      by: c.cancelledBy,
      recent: { offset: c.countedUpTo, limit: c.nextOffset - c.countedUpTo },
    });
  }
  await condition(allHandlersFinished);
  return {
    migrationId,
    name: input.name,
    total: input.deviceCount,
    started: c.started,
    alreadyStarted: c.alreadyStarted,
    batches: c.batches,
    runs: c.runs + 1,
    cancelled: c.cancelled,
    devicesCancelled: outcome.cancelled,
    devicesSkipped: outcome.skipped,
  };
}

/**
 * Once an admin approves, assigns the devices waiting for it in ABM: a batch at a time (one ABM activity
 * for up to 1,000 devices), spaced by abmAssignInterval for Apple's rate limits. Runs beside the rollout;
 * `stop` lets a running batch finish (continue-as-new, end of the migration) so none is cut in half.
 */
function bulkAbmAssignments(
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
