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

export function devicesReportCsv(states: DeviceState[]): string {
  const rows = states.map(deviceReportRow);
  const header = Object.keys(rows[0] ?? deviceReportRow(emptyState()));
  return csvText(
    header,
    rows.map((r) => header.map((k) => r[k as keyof DeviceReportRow])),
  );
}

export function devicesReportJson(states: DeviceState[]): string {
  return `${JSON.stringify(states.map(deviceReportRow), null, 2)}\n`;
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
