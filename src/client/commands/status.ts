import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { fleetWorkflowId, getMigrationProgress, type FleetProgress } from '../../workflows/fleet/messages';
import { EXIT_OK, UsageError, type CliIo, type Command } from './command';
import { countByStatus } from '../devices-report';
import { ProgressLine } from '../progress';
import { positiveNumber } from './flags';
import { rolloutText } from './migration-actions';
import { withTemporal } from './temporal-session';
import {
  MIGRATIONS_LIMIT,
  countsText,
  listMigrations,
  listDevices,
  requireDevices,
  type DeviceRow,
  type MigrationSummary,
} from './visibility';

/** `ferry status [MIGRATION]`: where a migration stands, or which migrations there are. */

const USAGE = `Usage: ferry status [MIGRATION] [--watch] [--interval SEC] [--json]

With MIGRATION: its devices counted per status (lifecycle order), a progress bar of closed device
workflows, and the reasons of failed devices. Without: one line per migration found among the
running and most recently started device workflows (at most --limit of them).

Options:
      --watch         redraw until every device workflow of MIGRATION is closed (Ctrl-C stops)
      --interval SEC  seconds between redraws with --watch (default 2)
      --limit N       without MIGRATION: device workflows to read (default ${MIGRATIONS_LIMIT})
      --json          print JSON (with --watch: one line per change)
  -h, --help          show this help

Connects to Temporal from TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and the TLS/API key settings.
Exit codes: 0 done, 1 Temporal unreachable or no such migration, 2 bad usage.`;

interface MigrationStatus {
  migrationId: string;
  devices: number;
  open: number;
  closed: number;
  statuses: Record<string, number>;
  failedReasons: Record<string, number>;
  /** The fleet workflow's own account (absent for devices started without one). */
  rollout?: FleetProgress;
}

async function rolloutOf(client: Client, migrationId: string): Promise<FleetProgress | undefined> {
  try {
    return await client.workflow.getHandle(fleetWorkflowId(migrationId)).query(getMigrationProgress);
  } catch {
    return undefined;
  }
}

/** A migration whose fleet workflow answers exists before visibility lists its first device. */
async function migrationStatus(client: Client, migrationId: string): Promise<MigrationStatus> {
  const rollout = await rolloutOf(client, migrationId);
  const devices = rollout
    ? await listDevices(client, migrationId)
    : await requireDevices(client, migrationId);
  return { ...summarize(migrationId, devices), rollout };
}

/** Nothing more will open: every device closed and the rollout has started them all (or was cancelled). */
function finished(s: MigrationStatus): boolean {
  if (s.open > 0) return false;
  return !s.rollout || s.rollout.cancelled || s.rollout.nextOffset >= s.rollout.total;
}

function summarize(migrationId: string, devices: DeviceRow[]): MigrationStatus {
  const statuses = Object.fromEntries(
    Object.entries(countByStatus(devices.map((d) => d.status))).filter(([, n]) => n > 0),
  );
  const failedReasons: Record<string, number> = {};
  for (const d of devices.filter((x) => x.status === 'failed')) {
    const reason = d.subStatus ?? '(no reason)';
    failedReasons[reason] = (failedReasons[reason] ?? 0) + 1;
  }
  const open = devices.filter((d) => d.running).length;
  return {
    migrationId,
    devices: devices.length,
    open,
    closed: devices.length - open,
    statuses,
    failedReasons,
  };
}

function render(s: MigrationStatus): string {
  const width = Math.max(14, ...Object.keys(s.statuses).map((k) => k.length)) + 2;
  const reasons = Object.entries(s.failedReasons).sort(([, a], [, b]) => b - a);
  return [
    `Migration ${s.migrationId}: ${s.devices} device${s.devices === 1 ? '' : 's'}, ${s.open} open`,
    ...Object.entries(s.statuses).map(([status, n]) => `  ${status.padEnd(width)}${String(n).padStart(5)}`),
    `${ProgressLine.bar(s.closed, s.devices)} closed`,
    ...(reasons.length > 0 ? ['Failed devices by reason:'] : []),
    ...reasons.map(([reason, n]) => `  ${String(n).padStart(5)}  ${reason}`),
    ...(s.rollout ? [`Rollout: ${rolloutText(s.rollout)}`] : []),
    ...(s.rollout?.abm?.lastNotAssigned ?? []).map(
      (d) => `  ABM did not move ${d.serial} (on ${d.assignedServer ?? 'no MDM server'})`,
    ),
  ].join('\n');
}

/**
 * Redraws in place on a terminal (cursor up over the last block, clear below); elsewhere prints each
 * block that differs from the one before, so a log of `--watch` reads as a history.
 */
async function watch(
  client: Client,
  migrationId: string,
  io: CliIo,
  json: boolean,
  intervalMs: number,
): Promise<number> {
  const tty = process.stdout.isTTY === true && !json;
  let last = '';
  for (;;) {
    const status = await migrationStatus(client, migrationId);
    const text = json ? JSON.stringify(status) : render(status);
    if (text !== last) {
      const up = tty && last ? `\x1b[${last.split('\n').length}F\x1b[0J` : '';
      io.out(`${up}${text}`);
      last = text;
    }
    // Between waves, while paused or rate-limited, no device is open, yet the migration goes on.
    if (finished(status)) return EXIT_OK;
    await sleep(intervalMs);
  }
}

function renderMigrations(migrations: MigrationSummary[], truncated: boolean, limit: number): string {
  if (migrations.length === 0) return 'No migrations found (no device workflows in this namespace).';
  const idWidth = Math.max(9, ...migrations.map((m) => m.migrationId.length)) + 2;
  const lines = [
    `${'MIGRATION'.padEnd(idWidth)}DEVICES   OPEN  STATUSES`,
    ...migrations.map(
      (m) =>
        `${m.migrationId.padEnd(idWidth)}${String(m.devices).padStart(7)}  ${String(m.open).padStart(5)}  ${countsText(m.counts)}`,
    ),
  ];
  if (truncated) {
    lines.push(
      `Read the first ${limit} device workflows (running, then most recent): older migrations are not shown and counts may be partial; raise --limit.`,
    );
  }
  return lines.join('\n');
}

export const statusCommand: Command = {
  usage: USAGE,
  options: {
    watch: { type: 'boolean' },
    interval: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
  },
  allowPositionals: true,

  async run({ values, positionals }, io) {
    const [migrationId, extra] = positionals;
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    const json = values.json === true;
    const intervalMs = positiveNumber(values, 'interval', 2) * 1000;
    const limit = positiveNumber(values, 'limit', MIGRATIONS_LIMIT, true);
    if (migrationId === undefined && values.watch) throw new UsageError('--watch needs a MIGRATION');
    if (migrationId !== undefined && values.limit !== undefined) {
      throw new UsageError('--limit applies to the list of migrations, not to one MIGRATION');
    }

    return withTemporal(async (client) => {
      if (migrationId === undefined) {
        const { migrations, truncated } = await listMigrations(client, limit);
        io.out(
          json
            ? JSON.stringify({ migrations, truncated, limit }, null, 2)
            : renderMigrations(migrations, truncated, limit),
        );
        return EXIT_OK;
      }
      if (values.watch) return watch(client, migrationId, io, json, intervalMs);
      const status = await migrationStatus(client, migrationId);
      io.out(json ? JSON.stringify(status, null, 2) : render(status));
      return EXIT_OK;
    });
  },
};
