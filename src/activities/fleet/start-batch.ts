import { activityInfo, cancellationSignal, heartbeat } from '@temporalio/activity';
import {
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  isGrpcServiceError,
  type Client,
} from '@temporalio/client';
import type { MigrationStore } from '../../services/device-lists/store';
import { startDeviceMigration } from '../../temporal/start-device';
import type { DeviceInput, MigrationOptions } from '../../workflows/device/messages';
import type { BreakerTrip, NotStartedDevice } from '../../workflows/fleet/messages';
import { tripsBreaker } from './breaker-check';

export interface StartDeviceBatchInput {
  migrationId: string;
  offset: number;
  limit: number;
  options: MigrationOptions;
  /** Check the circuit breaker first: this many devices started since `since` failed for one reason. */
  breaker?: { failures: number; since: string };
}

export interface DeviceBatchResult {
  started: number;
  alreadyStarted: number;
  /** Devices Temporal refused to start (recorded in the store); absent in results recorded before. */
  notStarted?: number;
  nextOffset: number;
  /** The list ended within this page. */
  done: boolean;
  /** Set instead of starting anything: the circuit breaker tripped. */
  breaker?: BreakerTrip;
}

interface BatchProgress {
  index: number;
  started: number;
  alreadyStarted: number;
  notStarted?: number;
}

const MAX_REASON_CHARS = 300;
const MAX_SERIAL_SHOWN = 64;

/**
 * gRPC codes the server answers a start with when the request itself can never succeed (an id longer
 * than the cluster's limit.maxIDLength, a search attribute over its size limit): the server's own
 * limits decide, so a cluster configured otherwise is not second-guessed here.
 */
const REFUSED_FOR_GOOD = new Set([3 /* INVALID_ARGUMENT */, 11 /* OUT_OF_RANGE */]);
/** How the server words a limit one row broke (an id's length, a value's or a payload's size). */
const ROW_LIMIT = /exceed|too long|too large|length|size/i;

/** Why the server will never start this device, or undefined for anything a retry may fix. */
function refusalOf(err: unknown): string | undefined {
  const grpc = err instanceof ServiceError ? err.cause : err;
  if (!isGrpcServiceError(grpc) || !REFUSED_FOR_GOOD.has(grpc.code)) return undefined;
  // The same codes answer namespace-wide problems ("no mapping defined for search attribute …"): those
  // are not the row's, and recording every device as not started would end the migration with none.
  // Thrown, they hold the rollout with the error on its pending activity until the namespace is fixed.
  if (!ROW_LIMIT.test(grpc.details || grpc.message)) return undefined;
  return `Temporal refused to start the device: ${grpc.details || grpc.message}`.slice(0, MAX_REASON_CHARS);
}

function notStarted(offset: number, device: DeviceInput, reason: string): NotStartedDevice {
  const serial = String(device.serialNumber ?? '');
  const shown = serial.length > MAX_SERIAL_SHOWN ? `${serial.slice(0, MAX_SERIAL_SHOWN - 1)}…` : serial;
  return { offset, serialNumber: shown, reason };
}

/**
 * Starts one page of the list. Sequential on purpose: the heartbeat then names exactly how far it got,
 * and a retried attempt resumes there. Starting is idempotent anyway (the workflow id is migration +
 * serial): a running device is reused, a closed one is refused and counted. A device the server can
 * never start is recorded as not started with the server's reason, and the page goes on: one bad row
 * must not hold the rollout (nothing retries what cannot succeed).
 */
export function createStartDeviceBatch(client: Client, store: MigrationStore, deviceTaskQueue: string) {
  return async function startDeviceBatch(input: StartDeviceBatchInput): Promise<DeviceBatchResult> {
    const { migrationId, offset, limit, options } = input;
    const resumed = activityInfo().heartbeatDetails as BatchProgress | undefined;
    if (!resumed && input.breaker && input.breaker.failures > 0) {
      const trip = await tripsBreaker(client, migrationId, input.breaker.failures, input.breaker.since);
      if (trip)
        return {
          started: 0,
          alreadyStarted: 0,
          notStarted: 0,
          nextOffset: offset,
          done: false,
          breaker: trip,
        };
    }
    const page = await store.readDevicePage(migrationId, offset, limit);
    const p: BatchProgress = resumed ?? { index: 0, started: 0, alreadyStarted: 0 };
    const signal = cancellationSignal();
    while (p.index < page.length) {
      if (signal.aborted) throw signal.reason;
      const device = page[p.index]!;
      const refused = await startOne(device);
      if (refused === 'started') p.started++;
      else if (refused === 'alreadyStarted') p.alreadyStarted++;
      else {
        await store.recordNotStarted(migrationId, [notStarted(offset + p.index, device, refused)]);
        p.notStarted = (p.notStarted ?? 0) + 1;
      }
      p.index++;
      heartbeat({ ...p });
    }
    return {
      started: p.started,
      alreadyStarted: p.alreadyStarted,
      notStarted: p.notStarted ?? 0,
      nextOffset: offset + page.length,
      done: page.length < limit,
    };

    /** 'started', 'alreadyStarted', or the reason the device can never start. */
    async function startOne(device: DeviceInput): Promise<string> {
      try {
        await startDeviceMigration(client, deviceTaskQueue, { migrationId, device, options });
        return 'started';
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return 'alreadyStarted';
        const reason = refusalOf(err);
        if (reason === undefined) throw err;
        return reason;
      }
    }
  };
}
