import { countByStatus } from '../client/devices-report';
import type { WorkspaceOneSimulator } from '../services/workspace-one/simulator';
import type { DeviceState } from '../workflows/device/messages';
import type { AbmBulkProgress } from '../workflows/fleet/messages';
import type { AdminTally } from './admin-bot';
import { SOURCE_TENANT, TARGET_TENANT } from './world';

/** How the demo's migration ended, checked against what the simulated tenants saw. */
export interface DemoSummary {
  migrationId: string;
  devices: number;
  seconds: number;
  statuses: Record<string, number>;
  failedReasons: Record<string, number>;
  /** Devices a migration cancelled on timeout never started. */
  notStarted: number;
  /** Registration tokens the target issued, and how many the devices say they were issued. */
  tokens: number;
  tokensExpected: number;
  /** Commands the source received, and how many of them repeated a device (none may). */
  commands: number;
  doubled: number;
  /** Every device reenrolled, no command sent twice, every token accounted for. */
  ok: boolean;
}

export function summarize(
  run: { migrationId: string; devices: number; seconds: number },
  states: DeviceState[],
  sim: WorkspaceOneSimulator,
): DemoSummary {
  const statuses = countByStatus(states.map((s) => s.status));
  const failedReasons: Record<string, number> = {};
  for (const s of states.filter((x) => x.status === 'failed')) {
    failedReasons[s.subStatus ?? ''] = (failedReasons[s.subStatus ?? ''] ?? 0) + 1;
  }
  const tokens = sim.ledger({ tenant: TARGET_TENANT, kind: 'token.issued' }).length;
  const commands = sim.ledger({ tenant: SOURCE_TENANT }).filter((e) => e.kind.startsWith('command.'));
  const doubled = commands.length - new Set(commands.map((c) => c.serialNumber)).size;
  const tokensExpected = states.reduce((n, s) => n + s.tokensIssued, 0);
  return {
    ...run,
    statuses,
    failedReasons,
    notStarted: run.devices - states.length,
    tokens,
    tokensExpected,
    commands: commands.length,
    doubled,
    ok: statuses.reenrolled === run.devices && doubled === 0 && tokens === tokensExpected,
  };
}

export interface SummaryDetails {
  admin: AdminTally;
  abm?: AbmBulkProgress;
  reportFile: string;
  /** The Temporal Web UI's list of the migration's workflows, when the demo started the dev server. */
  temporalUi?: { url: string; namespace: string };
  /** Ends with one JSON line for scripts. */
  json: boolean;
}

export function printSummary(
  out: NodeJS.WritableStream,
  summary: DemoSummary,
  details: SummaryDetails,
): void {
  const { migrationId, devices: total, seconds, statuses, failedReasons, notStarted } = summary;
  const { admin, abm, temporalUi } = details;
  out.write(`\nMigration ${migrationId}: ${total} devices in ${seconds} s\n`);
  for (const [status, n] of Object.entries(statuses).filter(([, n]) => n > 0))
    out.write(`  ${status.padEnd(26)} ${n}\n`);
  for (const [reason, n] of Object.entries(failedReasons)) out.write(`  failed: ${reason.padEnd(18)} ${n}\n`);
  if (notStarted > 0) out.write(`  ${'not started'.padEnd(26)} ${notStarted}\n`);
  const approval = admin.abmApproved ? '1 bulk ABM approval' : `${admin.abmConfirmed} ABM confirmations`;
  out.write(`  admin actions: ${approval}, ${admin.usersCreated} users created and retried\n`);
  if (abm) {
    out.write(
      `  Apple Business Manager: ${abm.batches} bulk assignments, ${abm.assigned} devices moved to the target server (read back), ${abm.notAssigned} not moved\n`,
    );
  }
  out.write(
    `  target: ${summary.tokens} registration tokens issued (devices report ${summary.tokensExpected}); source: ${summary.commands} commands, ${summary.doubled} sent twice\n`,
  );
  out.write(`  devices report: ${details.reportFile}\n`);
  if (temporalUi) {
    out.write(
      `  Temporal UI: ${temporalUi.url}/namespaces/${temporalUi.namespace}/workflows?query=${encodeURIComponent(`FerryMigrationId='${migrationId}'`)}\n`,
    );
  }
  out.write(
    summary.ok
      ? 'Every device reached the status the scenario expects.\n'
      : 'Some devices did not reach the expected status.\n',
  );
  if (details.json) {
    out.write(
      `${JSON.stringify({ migrationId, devices: total, statuses, failedReasons, notStarted, seconds })}\n`,
    );
  }
}
