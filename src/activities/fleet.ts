import { activityInfo, cancellationSignal, heartbeat, sleep } from '@temporalio/activity';
import {
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  WorkflowUpdateStage,
  isGrpcServiceError,
  type Client,
  type WorkflowUpdateHandle,
} from '@temporalio/client';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import pLimit from 'p-limit';
import type { MigrationStore } from '../services/device-lists/store';
import { DEVICES_STILL_RUNNING } from '../workflows/fleet/messages';
import type { AbmTargetServerCheck } from '../services/abm/gateway';
import { createAbmBulkActivities } from './fleet/abm-bulk';
import { failedRunningDevicesQuery, runningDevicesQuery } from '../temporal/visibility-queries';
import { recentStartsUnlisted } from './fleet/recent-starts';
import { createStartDeviceBatch } from './fleet/start-batch';
import { cancelDevice, deviceWorkflowId, type DeviceState } from '../workflows/device/messages';

export type { DeviceBatchResult, StartDeviceBatchInput } from './fleet/start-batch';

export interface FleetActivityDeps {
  /** A Temporal client on the namespace the device workflows run in. */
  client: Client;
  store: MigrationStore;
  /** The task queue device workflows are started on (the one the device worker polls). */
  deviceTaskQueue: string;
  /** Absent until ABM credentials are configured: bulk assignments then stop with the reason. */
  abm?: AbmTargetServerCheck;
}

export interface CountRunningDevicesInput {
  migrationId: string;
  /** Wait mode: fail (benign, retried by the caller's policy) while the count is not below this. */
  below?: number;
  /**
   * Count failed devices waiting for an admin too. Without it, the count is of the devices holding a
   * rollout slot: a failed device may wait weeks for a retry and must not hold the rollout meanwhile.
   */
  includeFailed?: boolean;
  /** Devices started since the last count (list offsets): counted only once visibility lists them. */
  recent?: { offset: number; limit: number };
}

export interface CancelMigrationDevicesInput {
  migrationId: string;
  by?: string;
  /** Devices started since the last count, which visibility (eventually consistent) may not list yet. */
  recent?: { offset: number; limit: number };
}

export interface CancelMigrationDevicesResult {
  cancelled: number;
  skipped: number;
}

/** gRPC FAILED_PRECONDITION: how the server answers an update it could not deliver (WorkflowNotReady). */
const FAILED_PRECONDITION = 9;

/** Cancel updates sent at once: each waits only until its device has accepted it. */
const CANCEL_CONCURRENCY = 10;
/**
 * Devices waited on at once once all are cancelled. A device closes after its clean-up (a token revoke,
 * an ABM rollback that waits for Apple): waiting only after every device has accepted lets the
 * rollbacks of the whole migration meet in the ABM batcher instead of ten at a time.
 */
const CLOSE_WAIT_CONCURRENCY = 100;

const UPDATE_ATTEMPTS = 5;

function isRetryableUpdateError(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  const cause = err instanceof ServiceError ? err.cause : undefined;
  return isGrpcServiceError(cause) && cause.code === FAILED_PRECONDITION;
}

/** The fleet workflow's activities: they start, count and cancel device workflows through the client. */
export function createFleetActivities(deps: FleetActivityDeps) {
  const { client, store, deviceTaskQueue } = deps;

  /** 'closed': the device's workflow ended before the update reached it, so there was nothing to cancel. */
  async function sendCancel(
    workflowId: string,
    by?: string,
  ): Promise<WorkflowUpdateHandle<DeviceState> | 'closed'> {
    for (let attempt = 1; ; attempt++) {
      try {
        // One update id per device: a resent update that did land is answered once, not applied twice.
        return await client.workflow.getHandle(workflowId).startUpdate(cancelDevice, {
          args: [{ by, reason: 'migration cancelled' }],
          updateId: 'ferry-cancel-migration',
          waitForStage: WorkflowUpdateStage.ACCEPTED,
        });
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return 'closed';
        // The server drops an update whose workflow task failed ("workflow not ready") and asks callers
        // to send it again; retried here so one busy device does not restart the whole activity.
        if (!isRetryableUpdateError(err) || attempt >= UPDATE_ATTEMPTS) throw err;
        await sleep(200 * 2 ** attempt);
      }
    }
  }

  /** Waits for the device to close; a validator's rejection (already re-enrolled or cancelled) is 'rejected'. */
  async function outcomeOf(
    sent: WorkflowUpdateHandle<DeviceState> | 'closed',
  ): Promise<'cancelled' | 'rejected' | 'closed'> {
    if (sent === 'closed') return 'closed';
    try {
      await sent.result();
      return 'cancelled';
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) return 'rejected';
      throw err;
    }
  }

  return {
    ...createAbmBulkActivities({ client, abm: deps.abm }),

    startDeviceBatch: createStartDeviceBatch(client, store, deviceTaskQueue),

    /**
     * Running device workflows of the migration that hold a slot (or all, with includeFailed), from
     * visibility, once it lists the devices started since the last count. With `below`, it is a wait:
     * the workflow retries it every poll interval until there is room, one activity in history however
     * long it takes (the device workflow's polling pattern). BENIGN keeps the retries out of the logs.
     */
    async countRunningDevices(input: CountRunningDevicesInput): Promise<number> {
      const unlisted = input.recent
        ? await recentStartsUnlisted(client, store, input.migrationId, input.recent)
        : 0;
      if (unlisted > 0) {
        throw ApplicationFailure.create({
          message: `visibility does not list ${unlisted} of the devices just started yet`,
          type: DEVICES_STILL_RUNNING,
          category: ApplicationFailureCategory.BENIGN,
        });
      }
      const { count: running } = await client.workflow.count(runningDevicesQuery(input.migrationId));
      const failed = input.includeFailed
        ? 0
        : (await client.workflow.count(failedRunningDevicesQuery(input.migrationId))).count;
      // Two counts, not one `!=`: a device listed between them can only make the window look fuller.
      const count = Math.max(0, running - failed);
      if (input.below !== undefined && count >= input.below) {
        throw ApplicationFailure.create({
          message: `${count} devices running`,
          type: DEVICES_STILL_RUNNING,
          category: ApplicationFailureCategory.BENIGN,
        });
      }
      return count;
    },

    /**
     * Sends every running device of the migration the cancelDevice update. A device that rejects it
     * (already re-enrolled, already cancelled) is skipped and counted. A retried attempt lists again:
     * devices cancelled by the last attempt have closed and are not listed twice.
     */
    async cancelMigrationDevices(input: CancelMigrationDevicesInput): Promise<CancelMigrationDevicesResult> {
      const { migrationId, by, recent } = input;
      const totals = (activityInfo().heartbeatDetails as CancelMigrationDevicesResult | undefined) ?? {
        cancelled: 0,
        skipped: 0,
      };
      const ids = new Set<string>();
      for await (const wf of client.workflow.list({ query: runningDevicesQuery(migrationId) })) {
        ids.add(wf.workflowId);
      }
      const unlisted = new Set<string>();
      if (recent && recent.limit > 0) {
        for (const d of await store.readDevicePage(migrationId, recent.offset, recent.limit)) {
          const id = deviceWorkflowId(migrationId, d.serialNumber);
          if (!ids.has(id)) unlisted.add(id);
        }
      }
      const signal = cancellationSignal();
      const sent = new Map<string, WorkflowUpdateHandle<DeviceState> | 'closed'>();
      const cancelling = pLimit(CANCEL_CONCURRENCY);
      await Promise.all(
        [...ids, ...unlisted].map((id) =>
          cancelling(async () => {
            if (signal.aborted) throw signal.reason;
            sent.set(id, await sendCancel(id, by));
            heartbeat({ ...totals });
          }),
        ),
      );
      const waiting = pLimit(CLOSE_WAIT_CONCURRENCY);
      await Promise.all(
        [...sent].map(([id, update]) =>
          waiting(async () => {
            if (signal.aborted) throw signal.reason;
            const outcome = await outcomeOf(update);
            if (outcome === 'cancelled') totals.cancelled++;
            // An unlisted device that turns out closed was never running: not a skip.
            else if (outcome === 'rejected' || !unlisted.has(id)) totals.skipped++;
            heartbeat({ ...totals });
          }),
        ),
      );
      return totals;
    },
  };
}

export type FleetActivities = ReturnType<typeof createFleetActivities>;
