import { proxyActivities } from '@temporalio/workflow';
import type { Duration, RetryPolicy } from '@temporalio/common';
import type { MigrationActivities } from '../../activities/device';
import { NON_RETRYABLE_ERROR_TYPES } from '../failures';
import { durationMs } from './messages';

const RETRY: RetryPolicy = {
  initialInterval: '2 seconds',
  backoffCoefficient: 2,
  maximumInterval: '5 minutes',
  nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
};

export const acts = proxyActivities<MigrationActivities>({
  startToCloseTimeout: '1 minute',
  // Transient faults are retried for an hour; then the device fails with a reason and waits for an admin.
  scheduleToCloseTimeout: '1 hour',
  retry: RETRY,
});

/** Undoing an ABM assignment waits for Apple's activity (minutes), batched with other cancelled devices. */
export const abmUndo = proxyActivities<MigrationActivities>({
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
export function polling(interval: Duration, window: Duration) {
  const windowMs = durationMs(window);
  return proxyActivities<MigrationActivities>({
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: windowMs,
    retry: {
      initialInterval: interval,
      backoffCoefficient: 1,
      maximumInterval: interval,
      maximumAttempts: Math.max(1, Math.floor(windowMs / durationMs(interval)) + 1),
      nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES],
    },
  });
}
