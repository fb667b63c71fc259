import type { Client } from '@temporalio/client';
import pLimit from 'p-limit';
import { csvText } from '../services/shared/csv';
import type { migrateDevice } from '../workflows/device/workflow';
import {
  DEVICE_STATUSES,
  getDeviceState,
  type DeviceState,
  type DeviceStatus,
} from '../workflows/device/messages';
import { devicesReportCsv, devicesReportJson } from './devices-report';
import { firstLine, plural, withTimeout } from './commands/flags';
import { notStartedOf } from './migration-files';
import {
  fleetExists,
  listDevices,
  listMigrations,
  noSuchMigration,
  type DeviceRow,
} from './commands/visibility';

/**
 * The reports (SPEC §5) as text: a migration's devices report and the migrations report, CSV (safe
 * cells) or JSON. `ferry report` writes them to a file or stdout; the console sends them as downloads.
 */

/** Where a report says what it could not read (a device's workflow that did not answer). */
type Warn = (text: string) => void;

/** Open devices answer the query (a worker must be running); a closed one's result is in its history. */
const QUERY_TIMEOUT_MS = 20_000;
const QUERY_CONCURRENCY = 10;

/** What visibility knows, for a device whose workflow cannot answer: no history, so no timestamps. */
function stateFromVisibility(migrationId: string, d: DeviceRow): DeviceState {
  return {
    migrationId,
    serialNumber: d.serialNumber,
    platform: d.platform === 'android' ? 'android' : 'ios',
    path: '',
    status: d.status as DeviceStatus,
    subStatus: d.subStatus,
    history: [],
    adminActions: [],
    tokensIssued: 0,
    closed: !d.running,
  };
}

/** A device's state: a closed workflow's result, an open one's query, or what visibility knows. */
export async function deviceState(client: Client, migrationId: string, d: DeviceRow, warn: Warn) {
  const handle = client.workflow.getHandle<typeof migrateDevice>(d.workflowId);
  // A closed workflow's result needs no worker to replay it; a terminated one has none, so ask it.
  if (!d.running) {
    const result = await handle.result().catch(() => undefined);
    if (result) return result;
  }
  try {
    return await withTimeout(handle.query(getDeviceState), QUERY_TIMEOUT_MS, 'getDeviceState');
  } catch (err) {
    warn(`warning: ${d.serialNumber}: no state from its workflow (${firstLine(err)}); visibility only`);
    return stateFromVisibility(migrationId, d);
  }
}

export async function devicesReport(client: Client, migrationId: string, format: string, warn: Warn) {
  const [devices, refused] = await Promise.all([listDevices(client, migrationId), notStartedOf(migrationId)]);
  if (devices.length === 0 && refused.length === 0 && !(await fleetExists(client, migrationId))) {
    throw noSuchMigration(migrationId);
  }
  const notStarted = refused.map((d) => ({ migrationId, ...d }));
  const states = new Map<string, DeviceState>();
  const queries = pLimit(QUERY_CONCURRENCY);
  await Promise.all(
    devices.map((d) =>
      queries(async () => {
        states.set(d.workflowId, await deviceState(client, migrationId, d, warn));
      }),
    ),
  );
  const ordered = devices.map((d) => states.get(d.workflowId)!);
  return {
    text: format === 'json' ? devicesReportJson(ordered, notStarted) : devicesReportCsv(ordered, notStarted),
    rows: plural(ordered.length + notStarted.length, 'device'),
  };
}

export async function migrationsReport(client: Client, format: string, limit: number, warn: Warn) {
  const { migrations, truncated } = await listMigrations(client, limit);
  if (truncated) {
    warn(
      `warning: read the first ${limit} device workflows only: older migrations are missing, raise --limit`,
    );
  }
  const rows = migrations.map((m) => ({
    migration_id: m.migrationId,
    devices: m.devices,
    open: m.open,
    last_started_at: m.lastStartedAt,
    ...Object.fromEntries(DEVICE_STATUSES.map((s) => [s, m.counts[s] ?? 0])),
  }));
  const header = ['migration_id', 'devices', 'open', 'last_started_at', ...DEVICE_STATUSES];
  const text =
    format === 'json'
      ? `${JSON.stringify(rows, null, 2)}\n`
      : csvText(
          header,
          rows.map((r) => header.map((k) => (r as Record<string, string | number>)[k])),
        );
  return { text, rows: plural(rows.length, 'migration') };
}
