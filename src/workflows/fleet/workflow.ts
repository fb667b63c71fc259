import {
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import { FailureType } from '../failures';
import { bulkAbmAssignments } from './abm-sweep';
import { acts, longRunning, slotPolling } from './activities';
import {
  DEFAULT_BATCHES_PER_RUN,
  DEFAULT_BATCH_SIZE,
  DEFAULT_BREAKER_FAILURES,
  DEFAULT_POLL_INTERVAL,
  approveAbmAssignment,
  approveWave,
  cancelMigration,
  getMigrationProgress,
  pauseMigration,
  resumeMigration,
  startAll,
  type FleetAction,
  type FleetCursor,
  type FleetInput,
  type FleetProgress,
  type FleetSummary,
} from './messages';
import {
  allStarted,
  assignsInAbm,
  currentWave,
  fleetInputProblems,
  fleetProgress,
  msUntilTokens,
  newAbmProgress,
  newFleetCursor,
  rateBurst,
  refillBucket,
  refillThreshold,
  rejectionFor,
  waitingForWaveApproval,
  waveEnd,
} from './rollout';
import type { AdminRequest } from '../device/messages';

/** Patch id: runs recorded before the bulk ABM assignment existed replay without it. */
const ABM_BULK_ASSIGNMENT = 'abm-bulk-assignment';

/**
 * One migration's rollout: starts device workflows from the saved list in a sliding window of
 * `concurrency` running devices, in batches, paced by devicesPerHour and waves, and continues as new
 * every few batches so no run nears Temporal's history limits. Devices report nothing to it: running
 * devices are counted through visibility, and admins read device progress there too.
 */
export async function migrateFleet(input: FleetInput): Promise<FleetSummary> {
  const problems = fleetInputProblems(input);
  if (problems.length > 0)
    throw ApplicationFailure.nonRetryable(problems.join('; '), FailureType.InvalidFleetInput);
  const { migrationId, rollout } = input;
  const batchSize = rollout.batchSize ?? DEFAULT_BATCH_SIZE;
  const batchesPerRun = rollout.batchesPerRun ?? DEFAULT_BATCHES_PER_RUN;
  const pollInterval = rollout.pollInterval ?? DEFAULT_POLL_INTERVAL;
  const slots = slotPolling(pollInterval);
  const breakerFailures = rollout.breakerFailures ?? DEFAULT_BREAKER_FAILURES;
  const c: FleetCursor = input.state ?? newFleetCursor();
  // Workflow time: the breaker counts devices started from here on (and from each resume).
  c.breakerSince ??= Date.now();
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
  admin('pause', pauseMigration, (req) => {
    c.paused = true;
    c.pause = { by: req.by ?? 'admin', at: new Date().toISOString() };
  });
  admin('resume', resumeMigration, () => {
    c.paused = false;
    c.pause = undefined;
    // A fixed tenant starts with a clean count: devices failed before the fix do not trip it again.
    c.breakerSince = Date.now();
  });
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
  async function runningBelow(below: number, includeFailed = false): Promise<number | undefined> {
    const scope = new CancellationScope();
    slotWait = scope;
    try {
      const recent = { offset: c.countedUpTo, limit: c.nextOffset - c.countedUpTo };
      const request = {
        migrationId,
        below,
        ...(includeFailed ? { includeFailed } : {}),
        ...(recent.limit > 0 ? { recent } : {}),
      };
      return await scope.run(() => slots.countRunningDevices(request));
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
      ...(breakerFailures > 0
        ? { breaker: { failures: breakerFailures, since: new Date(c.breakerSince).toISOString() } }
        : {}),
    });
    if (batch.breaker) {
      // Tenant-level failures: every next device would fail the same way (and on the retire and erase
      // paths leave its source first). Stop starting devices until an admin fixes it and resumes.
      log.warn('circuit breaker paused the migration', { migrationId, reason: batch.breaker.reason });
      c.paused = true;
      c.pause = { by: 'circuit breaker', at: new Date().toISOString(), breaker: batch.breaker };
      continue;
    }
    c.nextOffset = batch.nextOffset;
    c.notStarted = (c.notStarted ?? 0) + (batch.notStarted ?? 0);
    c.started += batch.started;
    c.alreadyStarted += batch.alreadyStarted;
    c.listEnded ||= batch.done;
    c.batches++;
    batchesThisRun++;
    free -= batch.started;
    if (perHour !== undefined && c.rate) c.rate.tokens -= batch.started;
  }

  // Failed devices included: an admin may still retry them, and they may need the ABM sweep or a cancel.
  if (!c.cancelled && (await settled())) await runningBelow(1, true);
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
  c.finished = true;
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
    notStarted: c.notStarted ?? 0,
  };
}
