import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { EXIT_FAILED, EXIT_OK, UsageError, type CliIo, type Command } from './command';
import { inFlightText } from '../in-flight';
import { bytesText } from '../migration-files';
import { ProgressLine } from '../progress';
import { plural, positiveNumber } from './flags';
import { abmState, fleetStateOf, rolloutText, startedText } from '../rollout-text';
import { migrationStatus, type MigrationStatus } from './migration-status';
import { withTemporal } from './temporal-session';
import { MIGRATIONS_LIMIT, countsText, listMigrations, type MigrationSummary } from './visibility';

/** `ferry status [MIGRATION]`: where a migration stands, or which migrations there are. */

const USAGE = `Usage: ferry status [MIGRATION] [--watch] [--interval SEC] [--json]

With MIGRATION: the migration's own state (rolling out; paused, by whom or by the circuit breaker
and what to fix; waiting for a wave's approval; finishing; finished; cancelled), its devices
counted per status with a progress bar of closed device workflows, the reasons of failed devices,
what holds the rollout's slots, the devices Temporal refused to start, what the state folder holds
for it, and what only an admin can unblock. Without: one line per migration found among the
running and most recently started device workflows (at most --limit of them).

Options:
      --watch         redraw until nothing more happens without an admin: the migration finished
                      or was cancelled, or its open devices all wait for an admin (failed, or the
                      bulk ABM approval) while its rollout starts no more devices (paused, a wave
                      to approve, every device started); also when no worker polls its task queue
      --interval SEC  seconds between redraws with --watch (default 2)
      --limit N       without MIGRATION: device workflows to read (default ${MIGRATIONS_LIMIT})
      --json          print JSON (with --watch: one line per change)
  -h, --help          show this help

Connects to Temporal from TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and the TLS/API key settings; reads
FERRY_STATE_DIR for the saved device list and the devices not started.
Exit codes: 0 done, 1 Temporal unreachable, no such migration, or no worker polls its task queue,
2 bad usage.`;

/** Not-started devices listed by name; the rest are counted (ferry devices lists them all). */
const NOT_STARTED_SHOWN = 5;

function header(s: MigrationStatus): string {
  const counts = `${plural(s.devices, 'device')}, ${s.open} open`;
  const at = s.fleet?.closedAt ?? 'an unknown time';
  switch (s.state) {
    case 'finished':
      return `Migration ${s.migrationId} finished at ${at}: ${counts}`;
    case 'cancelled':
      return `Migration ${s.migrationId} was cancelled; it ended at ${at}: ${counts}`;
    case 'ended': {
      const how = (s.fleet?.execution ?? 'closed').toLowerCase().replace('_', ' ');
      return `Migration ${s.migrationId} ended at ${at} (its workflow ${how}): ${counts}`;
    }
    default:
      return `Migration ${s.migrationId}: ${counts}`;
  }
}

function rolloutLines(s: MigrationStatus): string[] {
  const id = s.migrationId;
  const result = s.fleet?.result;
  const p = s.rollout;
  if (result) {
    const how = result.cancelled
      ? `cancelled (${result.devicesCancelled} devices cancelled, ${result.devicesSkipped} skipped)`
      : 'finished';
    const batches = `${result.batches} batch${result.batches === 1 ? '' : 'es'}`;
    const runs = `${batches} in ${plural(result.runs, 'run')}`;
    const abm = p?.abm ? `; ABM assignment ${abmState(p.abm)}` : '';
    return [`Rollout: ${startedText({ ...result, notStarted: s.notStarted.count })}, ${how}; ${runs}${abm}`];
  }
  if (!p) return [];
  const lines = [`Rollout: ${rolloutText({ ...p, notStarted: s.notStarted.count })}`];
  if (fleetStateOf(p) === 'paused') {
    const trip = p.pause?.breaker;
    if (trip) {
      lines.push(
        `  Paused by the circuit breaker at ${p.pause!.at}: ${plural(trip.devices, 'device')} failed with "${trip.reason}".`,
        `  Fix: ${trip.fix}`,
        `  Then: ferry resume ${id}`,
      );
    } else {
      const who = p.pause ? `  Paused by ${p.pause.by} at ${p.pause.at}. ` : '  ';
      lines.push(`${who}Continue with: ferry resume ${id}`);
    }
  }
  return lines;
}

function workerLines(s: MigrationStatus): string[] {
  const f = s.fleet;
  if (s.state !== 'no_worker' || !f) return [];
  if (!f.workerPolling) {
    const last = f.lastPollAt ? ` (last poll at ${f.lastPollAt})` : '';
    return [
      `Temporal is reachable but no worker polls task queue ${f.taskQueue}${last}: start one with \`npm run worker\` (see docs/operations.md).`,
    ];
  }
  return [
    `A worker polled task queue ${f.taskQueue} at ${f.lastPollAt}, but the migration did not answer (${f.queryError ?? 'no answer'}): check the workers.`,
  ];
}

function notStartedLines(s: MigrationStatus): string[] {
  const { count, devices } = s.notStarted;
  if (count === 0) return [];
  if (devices.length === 0) {
    return [
      `Not started: ${plural(count, 'device')} Temporal refused to start; their reasons are in the workers' state folder, not readable here (${s.stored.dir}).`,
    ];
  }
  const width = Math.max(...devices.slice(0, NOT_STARTED_SHOWN).map((d) => d.serialNumber.length));
  return [
    `Not started: ${plural(count, 'device')} Temporal refused to start (ferry devices ${s.migrationId} --status not_started):`,
    ...devices.slice(0, NOT_STARTED_SHOWN).map((d) => `  ${d.serialNumber.padEnd(width)}  ${d.reason}`),
    ...(count > NOT_STARTED_SHOWN ? [`  … and ${count - NOT_STARTED_SHOWN} more`] : []),
  ];
}

function storedLine(s: MigrationStatus): string[] {
  const { dir, bytes, savedAt, unreadable } = s.stored;
  if (unreadable) return [`Stored: unknown (${dir} cannot be read: ${unreadable})`];
  if (bytes > 0) return [`Stored: ${bytesText(bytes)} in ${dir} (device list saved ${savedAt ?? '?'})`];
  if (!s.fleet) return [];
  const closed = s.fleet.execution !== 'RUNNING';
  return [
    `Stored: nothing for this migration in ${dir}${closed ? ' (removed after the retention, or kept on another machine)' : ' (the workers keep it on another machine)'}`,
  ];
}

function render(s: MigrationStatus): string {
  const width = Math.max(14, ...Object.keys(s.statuses).map((k) => k.length)) + 2;
  const reasons = Object.entries(s.failedReasons).sort(([, a], [, b]) => b - a);
  // Not-started devices never get a workflow: the bar counts the devices that will close.
  const expected = Math.max(s.devices, (s.total ?? 0) - s.notStarted.count);
  const showInFlight = s.open > 0 || s.fleet?.execution === 'RUNNING';
  return [
    header(s),
    ...Object.entries(s.statuses).map(([status, n]) => `  ${status.padEnd(width)}${String(n).padStart(5)}`),
    `${ProgressLine.bar(s.closed, expected)} closed`,
    ...(reasons.length > 0 ? ['Failed devices by reason:'] : []),
    ...reasons.map(([reason, n]) => `  ${String(n).padStart(5)}  ${reason}`),
    ...rolloutLines(s),
    ...(s.rollout?.abm?.lastNotAssigned ?? []).map(
      (d) => `  ABM did not move ${d.serial} (on ${d.assignedServer ?? 'no MDM server'})`,
    ),
    ...workerLines(s),
    ...(showInFlight ? [`In flight: ${inFlightText(s.inFlight)}`] : []),
    ...notStartedLines(s),
    ...storedLine(s),
    ...(s.waitingForAdmin
      ? ['Nothing more happens without an admin:', ...s.waitingForAdmin.map((n) => `  - ${n}`)]
      : []),
  ].join('\n');
}

/**
 * Whether a watch is over, and its exit code: the migration ended, or only an admin can move it on
 * (a missing worker included); undefined while something can still happen by itself.
 */
function watchOutcome(s: MigrationStatus): number | undefined {
  if (s.state === 'no_worker') return EXIT_FAILED;
  if (s.state === 'finished' || s.state === 'cancelled' || s.state === 'ended') return EXIT_OK;
  if (s.waitingForAdmin) return EXIT_OK;
  if (s.state === 'no_fleet' && s.open === 0) return EXIT_OK;
  return undefined;
}

/**
 * Redraws in place on a terminal (cursor up over the last block, clear below); elsewhere prints each
 * block that differs from the one before, so a log of \`--watch\` reads as a history.
 */
async function watch(
  client: Client,
  namespace: string,
  migrationId: string,
  io: CliIo,
  json: boolean,
  intervalMs: number,
): Promise<number> {
  const tty = process.stdout.isTTY === true && !json;
  let last = '';
  for (;;) {
    const status = await migrationStatus(client, namespace, migrationId);
    const text = json ? JSON.stringify(status) : render(status);
    if (text !== last) {
      const up = tty && last ? `\x1b[${last.split('\n').length}F\x1b[0J` : '';
      io.out(`${up}${text}`);
      last = text;
    }
    const outcome = watchOutcome(status);
    if (outcome !== undefined) return outcome;
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

    return withTemporal(async (client, namespace) => {
      if (migrationId === undefined) {
        const { migrations, truncated } = await listMigrations(client, limit);
        io.out(
          json
            ? JSON.stringify({ migrations, truncated, limit }, null, 2)
            : renderMigrations(migrations, truncated, limit),
        );
        return EXIT_OK;
      }
      if (values.watch) return watch(client, namespace, migrationId, io, json, intervalMs);
      const status = await migrationStatus(client, namespace, migrationId);
      io.out(json ? JSON.stringify(status, null, 2) : render(status));
      return status.state === 'no_worker' ? EXIT_FAILED : EXIT_OK;
    });
  },
};
