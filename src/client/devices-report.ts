import { csvText } from '../services/shared/csv';
import { DEVICE_STATUSES, type DeviceState } from '../workflows/device/messages';

/** The devices report (SPEC §5): one row per device, its details and when it reached each status. */
export interface DeviceReportRow {
  migration_id: string;
  serial_number: string;
  platform: string;
  path: string;
  status: string;
  sub_status: string;
  target_user: string;
  tokens_issued: number;
  /** ABM-deadline path: when the device moves by itself. */
  abm_deadline: string;
  [statusAt: `${string}_at`]: string;
}

function deviceReportRow(state: DeviceState): DeviceReportRow {
  const row: DeviceReportRow = {
    migration_id: state.migrationId,
    serial_number: state.serialNumber,
    platform: state.platform,
    path: state.path,
    status: state.status,
    sub_status: state.subStatus ?? '',
    target_user: state.targetUser?.userName ?? '',
    tokens_issued: state.tokensIssued,
    abm_deadline: state.abmDeadline ?? '',
  };
  // The first time each status was reached (a retried device passes some twice; the first is the story).
  for (const status of DEVICE_STATUSES) {
    row[`${status}_at`] = state.history.find((h) => h.status === status)?.at ?? '';
  }
  return row;
}

/** A device of the list Temporal refused to start: no workflow, so no path, user or timestamps. */
export interface NotStartedReportDevice {
  migrationId: string;
  serialNumber: string;
  platform: string;
  reason: string;
}

function notStartedRow(d: NotStartedReportDevice): DeviceReportRow {
  const row: DeviceReportRow = {
    migration_id: d.migrationId,
    serial_number: d.serialNumber,
    platform: d.platform,
    path: '',
    status: 'not_started',
    sub_status: d.reason,
    target_user: '',
    tokens_issued: 0,
    abm_deadline: '',
  };
  for (const status of DEVICE_STATUSES) row[`${status}_at`] = '';
  return row;
}

/** The devices with a workflow, then those not started (they have no status history to sort by). */
function reportRows(states: DeviceState[], notStarted: NotStartedReportDevice[]): DeviceReportRow[] {
  return [...states.map(deviceReportRow), ...notStarted.map(notStartedRow)];
}

export function devicesReportCsv(states: DeviceState[], notStarted: NotStartedReportDevice[] = []): string {
  const rows = reportRows(states, notStarted);
  const header = Object.keys(rows[0] ?? deviceReportRow(emptyState()));
  return csvText(
    header,
    rows.map((r) => header.map((k) => r[k as keyof DeviceReportRow])),
  );
}

export function devicesReportJson(states: DeviceState[], notStarted: NotStartedReportDevice[] = []): string {
  return `${JSON.stringify(reportRows(states, notStarted), null, 2)}\n`;
}

/** Device counts per status, every status present (zeros included) in lifecycle order. */
export function countByStatus(statuses: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(DEVICE_STATUSES.map((s) => [s, 0]));
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}

function emptyState(): DeviceState {
  return {
    migrationId: '',
    serialNumber: '',
    platform: 'ios',
    path: '',
    status: 'getting_ready',
    history: [],
    adminActions: [],
    tokensIssued: 0,
    closed: false,
  };
}
