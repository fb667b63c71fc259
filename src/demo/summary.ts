import { countByStatus } from '../client/devices-report';
import type { WorkspaceOneSimulator } from '../services/workspace-one/simulator';
import type { DeviceInput, DeviceState } from '../workflows/device/messages';
import type { AbmBulkProgress, NotStartedDevice } from '../workflows/fleet/messages';
import { describeAdminActions, type AdminAction } from './admin-bot';
import type { AdminMode } from './args';
import { deviceWait, outcomeOf, snapshotOf, type DeviceWait, type RolloutHold } from './unattended';
import { SOURCE_TENANT, TARGET_TENANT } from './world';

/** How the demo's migration ended, checked against what the scenario expects and the tenants saw. */
export interface DemoSummary {
  migrationId: string;
  devices: number;
  seconds: number;
  admin: AdminMode;
  statuses: Record<string, number>;
  failedReasons: Record<string, number>;
  /** Devices Temporal refused to start, with its reason (the rollout went on without them). */
  notStarted: NotStartedDevice[];
  /** Devices the rollout had not started when the demo stopped (timed out, or held for an admin). */
  notYetStarted: number;
  /** Why the rollout held them back, when it waits for an admin (--admin none). */
  rolloutHold?: RolloutHold;
  /** Open devices by the admin action each waits for (--admin none; empty once everything closed). */
  waitingForAdmin: Partial<Record<DeviceWait, number>>;
  /** The open failed devices (those waiting for a retry) by reason. */
  retryReasons: Record<string, number>;
  /** Devices that did not end as the scenario expects, with both, at most 10. */
  unexpected: { serial: string; expected: string; actual: string }[];
  /** Registration tokens the target issued, and how many the devices say they were issued. */
  tokens: number;
  tokensExpected: number;
  /** Commands the source received, and how many of them repeated a device (none may). */
  commands: number;
  doubled: number;
  /** Devices whose user got at least one message. */
  usersNotified: number;
  /** Devices the source retired or wiped before their user was told (none may). */
  sourceCommandsWithoutNotice: number;
  /** The same per path: devices the source retired or wiped, and how many of them before the user was told. */
  sourceCommandsByPath: Record<string, { devices: number; withoutNotice: number }>;
  /** Every device as the scenario expects, none refused, no command sent twice, every token accounted for. */
  ok: boolean;
}

export interface DemoRun {
  migrationId: string;
  seconds: number;
  admin: AdminMode;
  /** The migration's device list, each with the outcome the scenario expects of it. */
  devices: { device: DeviceInput; expected: string }[];
  /** Device states at the end (the devices started); with --admin none, from before the clean-up. */
  states: DeviceState[];
  notStarted: NotStartedDevice[];
  rolloutHold?: RolloutHold;
  abm?: AbmBulkProgress;
}

/** One message to a device's user, when the demo's notifier took it (epoch ms). */
export interface NotificationRecord {
  serialNumber: string;
  at: number;
}

/**
 * Was each device's user told before the source retired or wiped it? The first command the source's
 * ledger shows for the device against the first message the notifier recorded (same clock, one process).
 */
function noticeCheck(
  states: DeviceState[],
  commands: { serialNumber?: string; at: string }[],
  notifications: readonly NotificationRecord[],
) {
  const first = (map: Map<string, number>, serial: string | undefined, at: number) => {
    const key = (serial ?? '').toUpperCase();
    map.set(key, Math.min(map.get(key) ?? Infinity, at));
  };
  const told = new Map<string, number>();
  for (const n of notifications) first(told, n.serialNumber, n.at);
  const commanded = new Map<string, number>();
  for (const c of commands) first(commanded, c.serialNumber, Date.parse(c.at));
  const byPath: DemoSummary['sourceCommandsByPath'] = {};
  for (const s of states) {
    const key = s.serialNumber.toUpperCase();
    const commandAt = commanded.get(key);
    if (commandAt === undefined) continue;
    const path = (byPath[s.path] ??= { devices: 0, withoutNotice: 0 });
    path.devices++;
    if (!((told.get(key) ?? Infinity) < commandAt)) path.withoutNotice++;
  }
  return {
    usersNotified: states.filter((s) => told.has(s.serialNumber.toUpperCase())).length,
    sourceCommandsWithoutNotice: Object.values(byPath).reduce((n, p) => n + p.withoutNotice, 0),
    sourceCommandsByPath: byPath,
  };
}

export function summarize(
  run: DemoRun,
  sim: WorkspaceOneSimulator,
  notifications: readonly NotificationRecord[],
): DemoSummary {
  const { states, notStarted, rolloutHold } = run;
  const statuses = countByStatus(states.map((s) => s.status));
  const failedReasons: Record<string, number> = {};
  for (const s of states.filter((x) => x.status === 'failed')) {
    failedReasons[s.subStatus ?? ''] = (failedReasons[s.subStatus ?? ''] ?? 0) + 1;
  }
  const waitingForAdmin: DemoSummary['waitingForAdmin'] = {};
  const retryReasons: Record<string, number> = {};
  for (const s of states) {
    const wait = deviceWait(snapshotOf(s), { abm: run.abm });
    if (wait) waitingForAdmin[wait] = (waitingForAdmin[wait] ?? 0) + 1;
    if (wait === 'retry') retryReasons[s.subStatus ?? ''] = (retryReasons[s.subStatus ?? ''] ?? 0) + 1;
  }
  const stateOf = new Map(states.map((s) => [s.serialNumber, s]));
  const refused = new Set(notStarted.map((d) => d.serialNumber));
  const unexpected: DemoSummary['unexpected'] = [];
  for (const { device, expected } of run.devices) {
    const state = stateOf.get(device.serialNumber);
    // A device the rollout holds back for an admin is what an unattended migration does: it is as
    // expected when the devices holding it back are (a surprise among them is reported on its own).
    if (!state && rolloutHold) continue;
    const actual = state
      ? outcomeOf(state, { abm: run.abm })
      : refused.has(device.serialNumber)
        ? 'refused by Temporal'
        : 'not started';
    if (actual !== expected) unexpected.push({ serial: device.serialNumber, expected, actual });
  }
  const tokens = sim.ledger({ tenant: TARGET_TENANT, kind: 'token.issued' }).length;
  const commands = sim.ledger({ tenant: SOURCE_TENANT }).filter((e) => e.kind.startsWith('command.'));
  const doubled = commands.length - new Set(commands.map((c) => c.serialNumber)).size;
  const tokensExpected = states.reduce((n, s) => n + s.tokensIssued, 0);
  const notice = noticeCheck(states, commands, notifications);
  return {
    migrationId: run.migrationId,
    devices: run.devices.length,
    seconds: run.seconds,
    admin: run.admin,
    statuses,
    failedReasons,
    notStarted,
    notYetStarted: run.devices.length - states.length - notStarted.length,
    rolloutHold,
    waitingForAdmin,
    retryReasons,
    unexpected: unexpected.slice(0, 10),
    tokens,
    tokensExpected,
    commands: commands.length,
    doubled,
    ...notice,
    ok:
      unexpected.length === 0 &&
      notStarted.length === 0 &&
      doubled === 0 &&
      tokens === tokensExpected &&
      notice.sourceCommandsWithoutNotice === 0,
  };
}

export interface SummaryDetails {
  adminActions: AdminAction[];
  abm?: AbmBulkProgress;
  reportFile: string;
  /** The Temporal Web UI's list of the migration's workflows, when the demo started the dev server. */
  temporalUi?: { url: string; namespace: string };
  /** Said instead of a Temporal UI link when the dev server stops with the demo. */
  seeAgain?: string;
  /** Ends with one JSON line for scripts. */
  json: boolean;
}

const WAIT_TEXT: Record<Exclude<DeviceWait, 'retry'>, string> = {
  confirmAbm: "waiting for an admin's ABM confirmation (ferry confirm-abm)",
  approveAbm: "waiting for an admin's approval of the bulk ABM assignment (ferry approve-abm)",
};

const HOLD_TEXT: Record<RolloutHold, string> = {
  resume: 'the migration is paused until an admin resumes it (ferry resume)',
  approveWave: "the next wave waits for an admin's approval (ferry approve-wave)",
  slots: 'every rollout slot is held by a device above that waits for an admin',
};

/** With --admin none: what would have needed an admin, in plain words. */
function unattendedLines(summary: DemoSummary): string[] {
  const { waitingForAdmin: waits, retryReasons, notYetStarted, rolloutHold } = summary;
  const devices = (n: number) => `${n} device${n === 1 ? '' : 's'}`;
  const lines: string[] = [];
  for (const [reason, n] of Object.entries(retryReasons)) {
    lines.push(`${devices(n)} failed "${reason}", waiting for an admin to retry (ferry retry) or cancel`);
  }
  for (const wait of ['confirmAbm', 'approveAbm'] as const) {
    if (waits[wait]) lines.push(`${devices(waits[wait])} ${WAIT_TEXT[wait]}`);
  }
  if (notYetStarted > 0 && rolloutHold)
    lines.push(`${devices(notYetStarted)} not started: ${HOLD_TEXT[rolloutHold]}`);
  return lines.length > 0 ? lines : ['nothing: every device moved without one'];
}

export function printSummary(
  out: NodeJS.WritableStream,
  summary: DemoSummary,
  details: SummaryDetails,
): void {
  const {
    migrationId,
    devices: total,
    seconds,
    statuses,
    failedReasons,
    notStarted,
    notYetStarted,
  } = summary;
  const { adminActions, abm, temporalUi } = details;
  const rehearsal = summary.admin === 'none';
  out.write(
    `\nMigration ${migrationId}: ${total} devices in ${seconds} s${rehearsal ? ', nobody acting as admin' : ''}\n`,
  );
  for (const [status, n] of Object.entries(statuses).filter(([, n]) => n > 0))
    out.write(`  ${status.padEnd(26)} ${n}\n`);
  for (const [reason, n] of Object.entries(failedReasons)) out.write(`  failed: ${reason.padEnd(18)} ${n}\n`);
  if (notYetStarted > 0) out.write(`  ${'not started'.padEnd(26)} ${notYetStarted}\n`);
  for (const d of notStarted)
    out.write(`  refused by Temporal: ${d.serialNumber} (line ${d.offset + 1}): ${d.reason}\n`);
  if (rehearsal) {
    out.write('  would need an admin:\n');
    for (const line of unattendedLines(summary)) out.write(`    ${line}\n`);
  } else {
    out.write(`  admin actions: ${describeAdminActions(adminActions)}\n`);
  }
  if (abm) {
    out.write(
      `  Apple Business Manager: ${abm.batches} bulk assignments, ${abm.assigned} devices moved to the target server (read back), ${abm.notAssigned} not moved\n`,
    );
  }
  out.write(
    `  target: ${summary.tokens} registration tokens issued (devices report ${summary.tokensExpected}); source: ${summary.commands} commands, ${summary.doubled} sent twice\n`,
  );
  out.write(
    `  users: ${summary.usersNotified} told by message; ${summary.sourceCommandsWithoutNotice} devices retired or wiped before their user was told\n`,
  );
  out.write(`  devices report: ${details.reportFile}\n`);
  if (temporalUi) {
    out.write(
      `  Temporal UI: ${temporalUi.url}/namespaces/${temporalUi.namespace}/workflows?query=${encodeURIComponent(`FerryMigrationId='${migrationId}'`)}\n`,
    );
  }
  if (details.seeAgain) out.write(`  ${details.seeAgain}\n`);
  for (const u of summary.unexpected)
    out.write(`  unexpected: ${u.serial} ${u.actual} (expected ${u.expected})\n`);
  out.write(
    summary.ok
      ? 'Every device reached the status the scenario expects.\n'
      : 'Some devices did not reach the expected status.\n',
  );
  if (details.json) {
    const { waitingForAdmin, rolloutHold, ok } = summary;
    const { usersNotified, sourceCommandsWithoutNotice, sourceCommandsByPath } = summary;
    out.write(
      `${JSON.stringify({ migrationId, devices: total, admin: summary.admin, statuses, failedReasons, notStarted, notYetStarted, rolloutHold, waitingForAdmin, adminActions, usersNotified, sourceCommandsWithoutNotice, sourceCommandsByPath, ok, seconds })}\n`,
    );
  }
}
