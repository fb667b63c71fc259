import { WorkflowNotFoundError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import { fleetWorkflowId } from '../../workflows/fleet/messages';
import {
  FerryMigrationId,
  FerryPlatform,
  FerrySerial,
  FerryStatus,
  FerrySubStatus,
} from '../../workflows/search-attributes';
import { countByStatus } from '../devices-report';
import { DEVICE_WORKFLOWS, migrationDevicesQuery } from '../../temporal/visibility-queries';

/**
 * What the commands and the demo read from Temporal's visibility: a migration's devices, and the
 * migrations themselves, each from one paged list call; device workflows never signal anyone their
 * status changes.
 */

export interface DeviceRow {
  workflowId: string;
  serialNumber: string;
  platform: string;
  status: string;
  subStatus?: string;
  running: boolean;
  startTime: Date;
  /** When the workflow closed; absent while it runs. */
  closeTime?: Date;
}

export interface MigrationSummary {
  migrationId: string;
  devices: number;
  open: number;
  /** Every status, zeros included, in lifecycle order. */
  counts: Record<string, number>;
  /** The most recent device workflow start: migrations are listed newest first. */
  lastStartedAt: string;
}

function deviceRow(wf: WorkflowExecutionInfo): DeviceRow {
  const attrs = wf.typedSearchAttributes;
  return {
    workflowId: wf.workflowId,
    serialNumber: attrs.get(FerrySerial) ?? wf.workflowId.slice(wf.workflowId.lastIndexOf('/') + 1),
    platform: attrs.get(FerryPlatform) ?? '',
    status: attrs.get(FerryStatus) ?? 'getting_ready',
    subStatus: attrs.get(FerrySubStatus),
    running: wf.status.name === 'RUNNING',
    startTime: wf.startTime,
    ...(wf.closeTime ? { closeTime: wf.closeTime } : {}),
  };
}

/** A migration's device workflows, sorted by serial. */
export async function listDevices(client: Client, migrationId: string): Promise<DeviceRow[]> {
  const query = migrationDevicesQuery(migrationId);
  const devices: DeviceRow[] = [];
  for await (const wf of client.workflow.list({ query })) devices.push(deviceRow(wf));
  return devices.sort((a, b) => a.serialNumber.localeCompare(b.serialNumber));
}

/** What every command says of a migration Temporal knows nothing of (exit 1; the console's 404). */
export class NoSuchMigrationError extends Error {
  readonly type = 'NoSuchMigration';
}

export function noSuchMigration(migrationId: string, detail = 'no devices found'): NoSuchMigrationError {
  return new NoSuchMigrationError(`no such migration "${migrationId}" (${detail})`);
}

/** Whether the migration's fleet workflow exists (running or closed): a migration before its first device. */
export async function fleetExists(client: Client, migrationId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(fleetWorkflowId(migrationId)).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** As listDevices, but a migration without devices is an error the user sees (exit 1). */
export async function requireDevices(client: Client, migrationId: string): Promise<DeviceRow[]> {
  const devices = await listDevices(client, migrationId);
  if (devices.length === 0) throw noSuchMigration(migrationId);
  return devices;
}

export interface DeviceFilter {
  status?: string;
  /** Case-insensitive substring of the sub-status: failure reasons carry details after a colon. */
  subStatus?: string;
}

export function filterDevices<T extends { status: string; subStatus?: string }>(
  devices: T[],
  filter: DeviceFilter,
): T[] {
  const needle = filter.subStatus?.toLowerCase();
  return devices.filter(
    (d) =>
      (!filter.status || d.status === filter.status) &&
      (needle === undefined || (d.subStatus ?? '').toLowerCase().includes(needle)),
  );
}

/** "1 reenrolling, 2 failed": non-zero statuses in lifecycle order. */
export function countsText(counts: Record<string, number>): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`);
  return parts.join(', ') || 'no devices';
}

export const MIGRATIONS_LIMIT = 10_000;

/**
 * Migrations, from the device workflows visibility holds: running ones first, then the most recently
 * started closed ones, at most `limit` workflows. Visibility cannot GROUP BY a custom attribute on
 * every server (the dev server's SQLite cannot), so the grouping happens here.
 */
export async function listMigrations(
  client: Client,
  limit = MIGRATIONS_LIMIT,
): Promise<{ migrations: MigrationSummary[]; truncated: boolean }> {
  const devices: (DeviceRow & { migrationId: string })[] = [];
  let truncated = false;
  for (const status of ["ExecutionStatus = 'Running'", "ExecutionStatus != 'Running'"]) {
    const query = `${DEVICE_WORKFLOWS} AND ${status}`;
    for await (const wf of client.workflow.list({ query, pageSize: Math.min(limit, 1000) })) {
      if (devices.length >= limit) {
        truncated = true;
        break;
      }
      const migrationId = wf.typedSearchAttributes.get(FerryMigrationId);
      if (migrationId !== undefined) devices.push({ ...deviceRow(wf), migrationId });
    }
    if (truncated) break;
  }
  const byMigration = new Map<string, (DeviceRow & { migrationId: string })[]>();
  for (const d of devices) {
    const rows = byMigration.get(d.migrationId) ?? [];
    rows.push(d);
    byMigration.set(d.migrationId, rows);
  }
  const migrations = [...byMigration].map(([migrationId, rows]) => ({
    migrationId,
    devices: rows.length,
    open: rows.filter((d) => d.running).length,
    counts: countByStatus(rows.map((d) => d.status)),
    lastStartedAt: new Date(Math.max(...rows.map((d) => d.startTime.getTime()))).toISOString(),
  }));
  migrations.sort((a, b) => b.lastStartedAt.localeCompare(a.lastStartedAt));
  return { migrations, truncated };
}
