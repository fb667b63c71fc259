import type { Client } from '@temporalio/client';
import type { MigrationStore } from '../../services/device-lists/store';
import { quoted } from '../../temporal/visibility-queries';
import { deviceWorkflowId } from '../../workflows/device/messages';

/** The last devices of a range checked: a batch is started in order, so its tail is listed last. */
const TAIL = 100;

/**
 * How many of the devices started in `recent` (list offsets) visibility does not list yet. Visibility
 * trails the starts (milliseconds on the dev server, seconds on a loaded cluster); a count taken before
 * it lists them would see free slots that are not free. Devices Temporal refused are never listed and
 * are left out.
 */
export async function recentStartsUnlisted(
  client: Client,
  store: MigrationStore,
  migrationId: string,
  recent: { offset: number; limit: number },
): Promise<number> {
  if (recent.limit <= 0) return 0;
  const end = recent.offset + recent.limit;
  const from = Math.max(recent.offset, end - TAIL);
  const refused = new Set((await store.readNotStarted(migrationId)).map((d) => d.offset));
  const ids = (await store.readDevicePage(migrationId, from, end - from))
    .filter((_, i) => !refused.has(from + i))
    .map((d) => quoted(deviceWorkflowId(migrationId, d.serialNumber)));
  if (ids.length === 0) return 0;
  // Open or closed, and every run of an id: a device that already finished is listed too.
  const { count } = await client.workflow.count(`WorkflowId IN (${ids.join(', ')})`);
  return Math.max(0, ids.length - count);
}
