import type { Client } from '@temporalio/client';
import { failedForReasonsQuery } from '../../temporal/visibility-queries';
import { TENANT_LEVEL_FAILURES, TENANT_LEVEL_REASONS, tripsAt } from '../../workflows/fleet/breaker';
import type { BreakerTrip } from '../../workflows/fleet/messages';

/**
 * Whether `failures` or more devices started since `since` are failed, open, for one tenant-level
 * reason (fewer for a reason one device settles, see TRIPS_AT): the reason with the most such devices,
 * or undefined. Counted in visibility, so a fleet with thousands of devices failed for their own
 * reasons costs no listing: one count over every tenant-level reason (the check runs before each
 * batch, and usually finds none), then one per reason only when that count could trip it. A device an
 * admin retried is no longer failed, so it stops counting.
 */
export async function tripsBreaker(
  client: Client,
  migrationId: string,
  failures: number,
  since: string,
): Promise<BreakerTrip | undefined> {
  const count = async (reasons: readonly string[]) =>
    (await client.workflow.count(failedForReasonsQuery(migrationId, reasons, since))).count;
  const lowest = Math.min(...TENANT_LEVEL_REASONS.map((r) => tripsAt(r, failures)));
  if ((await count(TENANT_LEVEL_REASONS)) < lowest) return undefined;
  let worst: BreakerTrip | undefined;
  for (const reason of TENANT_LEVEL_REASONS) {
    const devices = await count([reason]);
    if (devices >= tripsAt(reason, failures) && devices > (worst?.devices ?? 0)) {
      worst = { reason, devices, fix: TENANT_LEVEL_FAILURES[reason]! };
    }
  }
  return worst;
}
