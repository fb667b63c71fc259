import type { Client } from '@temporalio/client';
import { failedForReasonQuery } from '../../temporal/visibility-queries';
import { TENANT_LEVEL_FAILURES, TENANT_LEVEL_REASONS, tripsAt } from '../../workflows/fleet/breaker';
import type { BreakerTrip } from '../../workflows/fleet/messages';

/**
 * Whether `failures` or more devices started since `since` are failed, open, for one tenant-level
 * reason (fewer for a reason one device settles, see TRIPS_AT): the reason with the most such devices,
 * or undefined. Counted in visibility, one count per
 * reason, so a fleet with thousands of devices failed for their own reasons costs no listing. A device
 * an admin retried is no longer failed, so it stops counting.
 */
export async function tripsBreaker(
  client: Client,
  migrationId: string,
  failures: number,
  since: string,
): Promise<BreakerTrip | undefined> {
  let worst: BreakerTrip | undefined;
  for (const reason of TENANT_LEVEL_REASONS) {
    const { count } = await client.workflow.count(failedForReasonQuery(migrationId, reason, since));
    if (count >= tripsAt(reason, failures) && count > (worst?.devices ?? 0)) {
      worst = { reason, devices: count, fix: TENANT_LEVEL_FAILURES[reason]! };
    }
  }
  return worst;
}
