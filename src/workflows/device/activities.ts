import { proxyActivities } from '@temporalio/workflow';
import type { Duration, RetryPolicy } from '@temporalio/common';
import type { MigrationActivities } from '../../activities/device';
import { NON_RETRYABLE_ERROR_TYPES } from '../failures';
import { durationMs } from './messages';

/**
 * What reaches this policy is a fault the client's own retries (src/services/shared/retry.ts) did not
 * outlast, or a step that must start over (a non-idempotent POST, which reads before it writes). Such
 * faults clear in seconds, so the waits stay short: 1, 2, 4, 8, 16 s, then every 30 s. The former 2 s
 * doubling to 5 minutes left a device that was unlucky a few times in a row 4 minutes between attempts,
 * long after the fault had gone. A RateLimited failure still waits its Retry-After (nextRetryDelay), and
 * the hour of scheduleToCloseTimeout still bounds the whole. Retry options are not commands: recorded
 * histories replay unchanged.
 */
const RETRY: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
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
