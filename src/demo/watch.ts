import type { Client, WorkflowHandle } from '@temporalio/client';
import { listDevices } from '../client/commands/visibility';
import { countByStatus } from '../client/devices-report';
import { ProgressLine } from '../client/progress';
import type { MigrationStore } from '../services/device-lists/store';
import { cancelMigration, getMigrationProgress } from '../workflows/fleet/messages';
import type { DemoAdmin } from './admin-bot';
import { standstill, type Standstill } from './unattended';

export interface Watch {
  migrationId: string;
  total: number;
  concurrency: number;
  deadline: number;
  timeoutSeconds: number;
}

/** How the watch ended: every device done, nothing moving without an admin (--admin none), or out of time. */
export type WatchEnd = { end: 'done' } | { end: 'standstill'; standstill: Standstill } | { end: 'timedOut' };

/**
 * Follows the migration every half second, showing progress and letting the admin act (when there is
 * one), until every device has closed (or, with nobody acting, until no device can move without an
 * admin) or the demo's time is up: then it cancels the migration.
 */
export async function watchMigration(
  client: Client,
  fleet: WorkflowHandle,
  store: MigrationStore,
  watch: Watch,
  admin: DemoAdmin | undefined,
  progress: ProgressLine,
): Promise<WatchEnd> {
  const { migrationId, total, deadline, timeoutSeconds } = watch;
  for (;;) {
    const devices = await listDevices(client, migrationId);
    // Devices Temporal refused to start never get a workflow: they are done too.
    const refused = (await store.readNotStarted(migrationId)).length;
    if (admin) await admin.actOn(devices);
    const counts = countByStatus(devices.map((d) => d.status));
    const closed = devices.filter((d) => !d.running).length;
    const busy = Object.entries(counts)
      .filter(([s, n]) => n > 0 && s !== 'reenrolled')
      .map(([s, n]) => `${s} ${n}`);
    progress.update(
      `${ProgressLine.bar(closed + refused, total)} reenrolled ${counts.reenrolled}${busy.length ? ` · ${busy.join(' · ')}` : ''}`,
    );
    if (devices.length + refused >= total && closed === devices.length) return { end: 'done' };
    if (!admin) {
      const still = standstill(devices, await fleet.query(getMigrationProgress), refused, watch);
      if (still) return { end: 'standstill', standstill: still };
    }
    if (Date.now() > deadline) {
      progress.say(
        `Timed out after ${timeoutSeconds} s with ${total - closed - refused} devices still running: cancelling them.`,
      );
      // The migration would wait for them (a failed device stays open for an admin): end it instead.
      await fleet.executeUpdate(cancelMigration, {
        args: [{ by: 'demo admin', reason: 'demo timed out' }],
      });
      return { end: 'timedOut' };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
