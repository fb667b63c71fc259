import type { Client } from '@temporalio/client';
import { migrationDevices, type ListedDevice } from '../../client/commands/devices';
import { filterDevices } from '../../client/commands/visibility';
import { cliStore } from '../../client/migration-files';
import type { DeviceInput } from '../../workflows/device/messages';
import type { DeviceColumn, DeviceFilter } from './schemas';

/**
 * The devices table: `ferry devices` (visibility's devices and those Temporal refused to start) joined
 * with the saved list (enrollment kind, model, the user's email), filtered, sorted and paged on the
 * server. The merged list of a migration is kept a few seconds, so that paging through 10,000 devices
 * reads Temporal once.
 */

export interface TableDevice {
  serial: string;
  status: string;
  subStatus?: string;
  platform: string;
  enrollment?: string;
  model?: string;
  email?: string;
  /** When the workflow closed, or started while it runs; absent for a device not started. */
  updatedAt?: string;
  /** Absent for a device Temporal refused to start. */
  workflowId?: string;
  open: boolean;
}

const KEPT_MS = 5_000;
const PAGE = 1000;

async function savedList(migrationId: string): Promise<Map<string, DeviceInput>> {
  const bySerial = new Map<string, DeviceInput>();
  try {
    const store = await cliStore();
    for (let offset = 0; ; offset += PAGE) {
      const page = await store.readDevicePage(migrationId, offset, PAGE);
      for (const d of page) bySerial.set(d.serialNumber.toLowerCase(), d);
      if (page.length < PAGE) break;
    }
  } catch {
    // No list here (removed after the retention, or kept where this machine cannot read): visibility alone.
  }
  return bySerial;
}

function row(d: ListedDevice & { startTime?: Date; closeTime?: Date }, saved?: DeviceInput): TableDevice {
  const updated = d.closeTime ?? d.startTime;
  return {
    serial: d.serialNumber,
    status: d.status,
    ...(d.subStatus ? { subStatus: d.subStatus } : {}),
    platform: d.platform || saved?.platform || '',
    ...(saved ? { enrollment: saved.enrollmentKind, email: saved.userEmail } : {}),
    ...(saved?.model ? { model: saved.model } : {}),
    ...(updated ? { updatedAt: updated.toISOString() } : {}),
    ...(d.workflowId ? { workflowId: d.workflowId } : {}),
    open: d.open,
  };
}

export class DeviceTable {
  private readonly kept = new Map<string, { at: number; rows: Promise<TableDevice[]> }>();

  constructor(private readonly client: Client) {}

  /** Every device of the migration, sorted by serial; a NoSuchMigrationError for an unknown one. */
  all(migrationId: string, now = Date.now()): Promise<TableDevice[]> {
    const kept = this.kept.get(migrationId);
    if (kept && now - kept.at < KEPT_MS) return kept.rows;
    for (const [id, k] of this.kept) if (now - k.at >= KEPT_MS) this.kept.delete(id);
    const rows = Promise.all([migrationDevices(this.client, migrationId), savedList(migrationId)]).then(
      ([devices, saved]) => devices.map((d) => row(d, saved.get(d.serialNumber.toLowerCase()))),
    );
    rows.catch(() => this.kept.delete(migrationId));
    this.kept.set(migrationId, { at: now, rows });
    return rows;
  }

  /** After an action the next read must not show the states from before it. */
  forget(migrationId: string): void {
    this.kept.delete(migrationId);
  }
}

const contains = (value: string | undefined, needle: string | undefined) =>
  needle === undefined || (value ?? '').toLowerCase().includes(needle.toLowerCase());

export function filterTable(rows: TableDevice[], f: DeviceFilter): TableDevice[] {
  // Status and sub-status as `ferry devices --status/--sub-status` select them.
  const selected = filterDevices(rows, { status: f.status, subStatus: f.subStatus });
  return selected.filter(
    (d) =>
      (!f.platform || d.platform === f.platform) &&
      (!f.enrollment || d.enrollment === f.enrollment) &&
      contains(d.model, f.model) &&
      contains(d.serial, f.serial) &&
      contains(d.email, f.email),
  );
}

export function sortTable(rows: TableDevice[], column: DeviceColumn, order: 'asc' | 'desc'): TableDevice[] {
  const sign = order === 'asc' ? 1 : -1;
  return [...rows].sort(
    (a, b) =>
      sign * String(a[column] ?? '').localeCompare(String(b[column] ?? '')) ||
      a.serial.localeCompare(b.serial),
  );
}
