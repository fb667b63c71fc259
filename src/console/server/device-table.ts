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
 * reads Temporal once (building it takes seconds then), and refreshed in the background after that.
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

/** A list answers without a rebuild this long after its build finished… */
const FRESH_MS = 5_000;
/** …and, while one build refreshes it in the background, up to this long. */
const STALE_MS = 60_000;
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

/** Builds a migration's merged list (the console's: `ferry devices` joined with the saved list). */
export type BuildTable = (migrationId: string) => Promise<TableDevice[]>;

export function tableBuilder(client: Client): BuildTable {
  return async (migrationId) => {
    const [devices, saved] = await Promise.all([
      migrationDevices(client, migrationId),
      savedList(migrationId),
    ]);
    return devices.map((d) => row(d, saved.get(d.serialNumber.toLowerCase())));
  };
}

export interface DeviceTableOptions {
  /** Default: the console's builder on the client. */
  build?: BuildTable;
  /** Default: Date.now. */
  now?: () => number;
}

interface Kept {
  /** The last list built, and when its build finished. */
  list?: { rows: TableDevice[]; builtAt: number };
  /** The build in flight, shared by every read that waits for it. */
  building?: Promise<TableDevice[]>;
  /** A build started before an action: its rows are not kept, and the next build waits for its end. */
  outdated?: Promise<unknown>;
}

export class DeviceTable {
  private readonly kept = new Map<string, Kept>();
  private readonly build: BuildTable;
  private readonly now: () => number;

  constructor(client: Client, options: DeviceTableOptions = {}) {
    this.build = options.build ?? tableBuilder(client);
    this.now = options.now ?? Date.now;
  }

  /**
   * Every device of the migration, sorted by serial; a NoSuchMigrationError for an unknown one. A list
   * is fresh for FRESH_MS after its build finished; then, up to STALE_MS, it still answers while one
   * build refreshes it in the background; older (or none), the read waits for that build. One build at
   * a time per migration, shared by every read that comes during it.
   */
  all(migrationId: string): Promise<TableDevice[]> {
    const now = this.now();
    this.evict(now);
    let kept = this.kept.get(migrationId);
    if (!kept) this.kept.set(migrationId, (kept = {}));
    const age = kept.list ? now - kept.list.builtAt : Infinity;
    if (kept.list && age < FRESH_MS) return Promise.resolve(kept.list.rows);
    const building = kept.building ?? this.refresh(migrationId, kept);
    if (kept.list && age < STALE_MS) return Promise.resolve(kept.list.rows);
    return building;
  }

  /** After an action the next read must not show the states from before it. */
  forget(migrationId: string): void {
    const kept = this.kept.get(migrationId);
    if (!kept) return;
    delete kept.list;
    if (kept.building) {
      const outdated = kept.building.catch(() => undefined);
      kept.outdated = outdated;
      void outdated.then(() => {
        if (kept.outdated === outdated) delete kept.outdated;
      });
      delete kept.building;
    }
  }

  private refresh(migrationId: string, kept: Kept): Promise<TableDevice[]> {
    const started = kept.outdated
      ? kept.outdated.then(() => this.build(migrationId))
      : this.build(migrationId);
    const building = started.then(
      (rows) => {
        if (kept.building === building) {
          kept.list = { rows, builtAt: this.now() };
          delete kept.building;
        }
        return rows;
      },
      (err: unknown) => {
        // Not kept: the next read builds again (a stale list, if any, keeps answering until then).
        if (kept.building === building) delete kept.building;
        throw err;
      },
    );
    kept.building = building;
    // A refresh in the background fails unseen; a read waiting for it gets the error itself.
    building.catch(() => undefined);
    return building;
  }

  /**
   * Resolves once no build runs: the console waits for it when it closes, before its Temporal connection
   * closes (a read left in its retry back-off would otherwise throw on the closed channel).
   */
  async settled(): Promise<void> {
    const running = [...this.kept.values()].flatMap((k) => [k.building, k.outdated]);
    await Promise.all(running.map((p) => p?.catch(() => undefined)));
  }

  /** Lists too old to answer and no build running: dropped, for every migration. */
  private evict(now: number): void {
    for (const [id, k] of this.kept)
      if (!k.building && !k.outdated && (!k.list || now - k.list.builtAt >= STALE_MS)) this.kept.delete(id);
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
