import { proxyActivities } from '@temporalio/workflow';
import type { Duration, RetryPolicy } from '@temporalio/common';
import type { FleetActivities } from '../../activities/fleet';

// No attempt limit: a fleet that runs for weeks must outlast an hour without visibility or the list's
// volume; the pending activity shows its last failure meanwhile (ferry status prints it). At most a
// minute apart: once Temporal or the volume is back, the rollout goes on within a minute, not five.
const RETRY: RetryPolicy = {
  initialInterval: '2 seconds',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
};

export const acts = proxyActivities<FleetActivities>({
  startToCloseTimeout: '10 minutes',
  // A worker lost mid-batch is noticed within a minute; the retry resumes after the last heartbeat.
  heartbeatTimeout: '1 minute',
  retry: RETRY,
});

/**
 * Long, heartbeating work: cancelling waits for each device to close (token revokes and ABM undos
 * included) for thousands of them; a bulk ABM assignment follows Apple's activity to its end.
 */
export const longRunning = proxyActivities<FleetActivities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '2 minutes',
  retry: RETRY,
});

/**
 * Waiting for room is one activity retried every poll interval: a wait of days adds nothing to
 * history, where a timer loop would add about eleven events per poll.
 */
export function slotPolling(interval: Duration) {
  return proxyActivities<FleetActivities>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: interval, backoffCoefficient: 1, maximumInterval: interval },
  });
}
