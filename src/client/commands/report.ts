import { csvText } from '../../services/shared/csv';
import path from 'node:path';
import { createPrivateDirs, writePrivateFile } from '../../services/shared/private-files';
import type { Client } from '@temporalio/client';
import type { migrateDevice } from '../../workflows/device/workflow';
import {
  DEVICE_STATUSES,
  getDeviceState,
  type DeviceState,
  type DeviceStatus,
} from '../../workflows/device/messages';
import { EXIT_OK, UsageError, type CliIo, type Command } from './command';
import { devicesReportCsv, devicesReportJson } from '../devices-report';
import pLimit from 'p-limit';
import { firstLine, plural, positiveNumber, stringFlag, withTimeout } from './flags';
import { withTemporal } from './temporal-session';
import { notStartedOf } from '../migration-files';
import {
  MIGRATIONS_LIMIT,
  fleetExists,
  listDevices,
  listMigrations,
  noSuchMigration,
  type DeviceRow,
} from './visibility';

/** `ferry report`: the devices report of a migration, or the migrations report (SPEC §5). */

const USAGE = `Usage: ferry report MIGRATION [--format csv|json] [--out FILE]
       ferry report --migrations [--format csv|json] [--out FILE] [--limit N]

The devices report: one row per device of MIGRATION with its details and the time it first reached
each status; devices Temporal refused to start come last, with status not_started and the reason as
sub_status (read from FERRY_STATE_DIR). The migrations report (--migrations): one row per migration with its device counts
per status, from the running and most recently started device workflows (at most --limit).

Options:
      --format csv|json  report format (default csv; a text cell a spreadsheet would run as a
                         formula, starting with = + - @ or a tab or line break, gets a leading ')
      --out FILE         write the report to FILE (owner-only, folders created) instead of stdout
      --migrations       the migrations report instead of one migration's devices
      --limit N          with --migrations: device workflows to read (default ${MIGRATIONS_LIMIT})
  -h, --help             show this help

Exit codes: 0 written, 1 Temporal unreachable or no such migration, 2 bad usage.`;

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

async function deviceState(client: Client, migrationId: string, d: DeviceRow, io: CliIo) {
  const handle = client.workflow.getHandle<typeof migrateDevice>(d.workflowId);
  // A closed workflow's result needs no worker to replay it; a terminated one has none, so ask it.
  if (!d.running) {
    const result = await handle.result().catch(() => undefined);
    if (result) return result;
  }
  try {
    return await withTimeout(handle.query(getDeviceState), QUERY_TIMEOUT_MS, 'getDeviceState');
  } catch (err) {
    io.err(`warning: ${d.serialNumber}: no state from its workflow (${firstLine(err)}); visibility only`);
    return stateFromVisibility(migrationId, d);
  }
}

async function devicesReport(client: Client, migrationId: string, format: string, io: CliIo) {
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
        states.set(d.workflowId, await deviceState(client, migrationId, d, io));
      }),
    ),
  );
  const ordered = devices.map((d) => states.get(d.workflowId)!);
  return {
    text: format === 'json' ? devicesReportJson(ordered, notStarted) : devicesReportCsv(ordered, notStarted),
    rows: plural(ordered.length + notStarted.length, 'device'),
  };
}

async function migrationsReport(client: Client, format: string, limit: number, io: CliIo) {
  const { migrations, truncated } = await listMigrations(client, limit);
  if (truncated) {
    io.err(
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

export const reportCommand: Command = {
  usage: USAGE,
  options: {
    format: { type: 'string' },
    out: { type: 'string' },
    migrations: { type: 'boolean' },
    limit: { type: 'string' },
  },
  allowPositionals: true,

  async run({ values, positionals }, io) {
    const format = stringFlag(values, 'format') ?? 'csv';
    if (format !== 'csv' && format !== 'json')
      throw new UsageError(`--format: "${format}" is not csv or json`);
    const out = stringFlag(values, 'out');
    if (out === '') throw new UsageError('--out: FILE is empty');
    const [migrationId, extra] = positionals;
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    if (values.migrations && migrationId !== undefined) {
      throw new UsageError('give MIGRATION or --migrations, not both');
    }
    if (!values.migrations && migrationId === undefined) throw new UsageError('MIGRATION is required');
    if (!values.migrations && values.limit !== undefined) throw new UsageError('--limit needs --migrations');
    const limit = positiveNumber(values, 'limit', MIGRATIONS_LIMIT, true);

    return withTemporal(async (client) => {
      const report =
        migrationId === undefined
          ? await migrationsReport(client, format, limit, io)
          : await devicesReport(client, migrationId, format, io);
      if (out === undefined) {
        io.out(report.text.replace(/\r?\n$/, ''));
        return EXIT_OK;
      }
      // The report names users and devices: only its owner reads it.
      await createPrivateDirs(path.dirname(path.resolve(out)));
      await writePrivateFile(out, report.text);
      io.out(`${migrationId === undefined ? 'migrations' : 'devices'} report: ${out} (${report.rows})`);
      return EXIT_OK;
    });
  },
};
