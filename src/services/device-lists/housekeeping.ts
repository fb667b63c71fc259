import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Logger } from '../../logger';
import { fleetWorkflowId } from '../../workflows/fleet/messages';
import type { ManagedMigrationStore } from './store';

/**
 * Removes the stored device lists of migrations that ended long enough ago. A list holds every device's
 * serial and user's email, so it is kept only while it serves: while the migration runs (its fleet
 * reads pages of it) and for a retention after it ended (a report, an audit). The fleet workflow says
 * whether and when the migration ended; a list with no fleet at all (a `ferry start` that never reached
 * Temporal, or a fleet Temporal's own retention deleted) goes once it is older than the retention.
 */

/** Where a migration's fleet workflow stands, as far as housekeeping cares. */
export type FleetEnd = { state: 'running' } | { state: 'closed'; closedAt: Date } | { state: 'not_found' };

export type FleetLookup = (migrationId: string) => Promise<FleetEnd>;

/** The fleet workflow's latest run, described (no worker needed). */
export function temporalFleetLookup(client: Client): FleetLookup {
  return async (migrationId) => {
    try {
      const d = await client.workflow.getHandle(fleetWorkflowId(migrationId)).describe();
      if (d.status.name === 'RUNNING') return { state: 'running' };
      // A closed run always has a close time; without one, keep the list (the safe side).
      return d.closeTime ? { state: 'closed', closedAt: d.closeTime } : { state: 'running' };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { state: 'not_found' };
      throw err;
    }
  };
}

export interface HousekeepingOptions {
  store: ManagedMigrationStore;
  fleets: FleetLookup;
  retentionMs: number;
  now?: () => number;
}

export interface HousekeepingResult {
  /** Migrations with stored files. */
  checked: number;
  removed: { migrationId: string; bytes: number; why: 'ended' | 'no migration workflow' }[];
  bytesFreed: number;
  /** Migrations whose fleet could not be looked up: kept, tried again next time. */
  errors: { migrationId: string; message: string }[];
}

/** One pass over the stored migrations; a lookup that fails keeps that migration's list. */
export async function removeEndedDeviceLists(options: HousekeepingOptions): Promise<HousekeepingResult> {
  const { store, fleets, retentionMs } = options;
  const now = (options.now ?? Date.now)();
  const stored = await store.storedMigrations();
  const result: HousekeepingResult = { checked: stored.length, removed: [], bytesFreed: 0, errors: [] };
  for (const m of stored) {
    let end: FleetEnd;
    try {
      end = await fleets(m.migrationId);
    } catch (err) {
      result.errors.push({ migrationId: m.migrationId, message: firstLine(err) });
      continue;
    }
    const why =
      end.state === 'closed' && now - end.closedAt.getTime() > retentionMs
        ? 'ended'
        : end.state === 'not_found' && now - m.savedAt.getTime() > retentionMs
          ? 'no migration workflow'
          : undefined;
    if (!why) continue;
    try {
      await store.removeMigration(m.migrationId);
    } catch (err) {
      result.errors.push({ migrationId: m.migrationId, message: firstLine(err) });
      continue;
    }
    result.removed.push({ migrationId: m.migrationId, bytes: m.bytes, why });
    result.bytesFreed += m.bytes;
  }
  return result;
}

export interface ScheduledHousekeeping {
  /** Stops the timer and waits for a pass under way. */
  stop(): Promise<void>;
}

/**
 * Runs a pass now and then every `intervalMs` (an hour in the worker), never two at once. Every pass is
 * logged with its counts; its errors are logged, never thrown: housekeeping must not stop a worker. The
 * timer does not keep the process alive.
 */
export function scheduleHousekeeping(
  options: HousekeepingOptions & { intervalMs: number; logger: Logger },
): ScheduledHousekeeping {
  const { logger, intervalMs } = options;
  let current: Promise<void> | undefined;
  const pass = () => {
    current ??= removeEndedDeviceLists(options)
      .then((r) => {
        for (const m of r.removed) {
          logger.info(
            { migrationId: m.migrationId, bytes: m.bytes, why: m.why },
            'removed a stored device list',
          );
        }
        for (const e of r.errors) {
          logger.warn(
            { migrationId: e.migrationId, err: e.message },
            'device list housekeeping skipped a migration',
          );
        }
        logger.info(
          {
            checked: r.checked,
            removed: r.removed.length,
            bytesFreed: r.bytesFreed,
            errors: r.errors.length,
            retentionMs: options.retentionMs,
          },
          'device list housekeeping done',
        );
      })
      .catch((err: unknown) => logger.error({ err: firstLine(err) }, 'device list housekeeping failed'))
      .finally(() => (current = undefined));
  };
  pass();
  const timer = setInterval(pass, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await current;
    },
  };
}

function firstLine(err: unknown): string {
  return String(err instanceof Error ? err.message : err).split('\n')[0]!;
}
