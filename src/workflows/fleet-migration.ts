import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Duration, RetryPolicy, UpdateDefinition } from '@temporalio/common';
import type { FleetActivities } from '../activities/fleet';
import {
  DEFAULT_BATCHES_PER_RUN,
  DEFAULT_BATCH_SIZE,
  DEFAULT_POLL_INTERVAL,
  allStarted,
  approveWave,
  cancelMigration,
  currentWave,
  fleetInputProblems,
  fleetProgress,
  getMigrationProgress,
  msUntilTokens,
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

/** Cancelling waits for each device to close (token revokes included): allow for thousands of them. */
const cancelling = proxyActivities<FleetActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: RETRY,
});

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
  let outcome = { cancelled: 0, skipped: 0 };
  if (c.cancelled) {
    outcome = await cancelling.cancelMigrationDevices({
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
